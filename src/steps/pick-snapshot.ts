import { resolveSnapshot } from '../catalogue/resolve-snapshot.js'
import { MODES } from '../config/modes.js'
import { timedRow, type Step } from './step.js'
import { pickStoredSnapshot } from './store-steps.js'

/**
 * The `snapshot` input → the manifest the next step verifies: `latest` is the manifest input, an
 * id its own snapshot-<id>.json, and only if the catalogue lists it as usable. It has no row of
 * its own: a snapshot that cannot be picked is a NO-GO of the step that would have read it.
 */
export const pickSnapshotStep: Step = {
  id: 'pick-snapshot',
  rows: [],
  async run(ctx) {
    const { config, store } = ctx
    // in a store, latest is picked too: it is the newest id with a manifest
    if (config.snapshot === 'latest' && !store) return []
    const reader = config.mode === 'restore' ? 'restore' : 'restore-test'
    const picked = await timedRow(reader, MODES[config.mode].failurePoint, async () => {
      if (store) await pickStoredSnapshot(ctx, store)
      else ctx.manifestPath = resolveSnapshot(config)
      return { detail: '' }
    })
    return picked.status === 'failed' ? [picked] : []
  }
}
