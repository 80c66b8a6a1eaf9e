import path from 'node:path'
import { pruneSnapshots } from '../catalogue/prune.js'
import { MODES } from '../config/modes.js'
import { reportOf, type GateRun } from './gate-run.js'
import { pruneStore } from '../store/store-prune.js'

/**
 * keep-last, last of all, once the decision is final (report recorded, artifact uploaded): only
 * after a GO that proved a snapshot, never the one just proved. A prune that stops is a warning:
 * the catalogue stays consistent, and the next run finishes it.
 */
export async function pruneAfterGo(run: GateRun): Promise<GateRun | undefined> {
  const { config } = run
  const report = reportOf(run)
  if (report.decision !== 'GO' || !report.evidence) return undefined
  if (config.keepLast === 0 || !MODES[config.mode].prunesAfterGo) return undefined
  try {
    if (run.store) {
      const { store } = run.store
      const { pruned, kept, catalogue } = await pruneStore(
        store,
        config.keepLast,
        new Set([report.evidence.snapshotPath.slice(store.url().length)])
      )
      // a locked snapshot is not an error: it is listed as kept until its retain-until
      const locked = kept.map(
        (k) => `keep-last: snapshot ${k.id} is kept: Object Lock holds it until ${k.retainUntil}`
      )
      const warnings = [...(run.input.warnings ?? []), ...locked]
      return { ...run, input: { ...run.input, pruned, catalogue: catalogue.entries, warnings } }
    }
    const { pruned, kept, catalogue } = pruneSnapshots(
      config.snapshotDir,
      config.manifestPath,
      config.keepLast,
      new Set([path.basename(report.evidence.snapshotPath)])
    )
    // a snapshot a restore or restore-test is reading stays, and the report says why
    const claimed = kept.map(
      (k) => `keep-last: kept snapshot ${k.id}: a restore or restore-test is reading it (claimed)`
    )
    const warnings = [...(run.input.warnings ?? []), ...claimed]
    return { ...run, input: { ...run.input, pruned, catalogue: catalogue.entries, warnings } }
  } catch (error) {
    const warning = `keep-last: pruning ${run.store ? run.store.store.url() : config.snapshotDir} stopped: ${(error as Error).message}; the catalogue stays consistent, rerun to finish`
    return { ...run, input: { ...run.input, warnings: [...(run.input.warnings ?? []), warning] } }
  }
}
