import { humanBytes } from '../report/format.js'
import { createSnapshot } from '../snapshot/create-snapshot.js'
import { snapshotDirWarnings } from '../snapshot/snapshot-dir-hygiene.js'
import { MODES } from '../config/modes.js'
import { oneRowStep } from './step.js'
import { storeSnapshotWork } from './store-steps.js'

/**
 * Runbook step 2. In a lane that restore-tests next, the snapshot-dir lock stays held until the
 * lane ends, so nothing replaces the file between its writing and its verification.
 */
export const snapshotCreateStep = oneRowStep(
  'snapshot-create',
  'snapshot-create',
  'A',
  async (ctx) => {
    const { config } = ctx
    if (ctx.store) return storeSnapshotWork(ctx, ctx.store)
    // git answers while the snapshot streams
    const hygiene = snapshotDirWarnings(config)
    const outcome = await createSnapshot(config, ctx.keys, ctx.logger, undefined, {
      keepLock: MODES[config.mode].steps.includes('restore-test'),
      unchangedSince: ctx.includesBefore
    })
    const lock = outcome.lock
    if (lock) ctx.atEnd(() => lock.release())
    ctx.written = { manifest: outcome.manifest, snapshotPath: outcome.evidence.snapshotPath }
    ctx.evidence = outcome.evidence
    const e = outcome.evidence
    return {
      detail: `${e.files} files, ${humanBytes(e.bytes)} archived into ${e.snapshotPath} (${humanBytes(e.size)} encrypted)`,
      warnings: [...outcome.warnings, ...(await hygiene)]
    }
  }
)
