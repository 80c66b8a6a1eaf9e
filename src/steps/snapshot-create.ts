import { humanBytes } from '../report/format.js'
import { createSnapshot } from '../snapshot/create-snapshot.js'
import { snapshotDirWarnings } from '../snapshot/snapshot-dir-hygiene.js'
import { MODES } from '../config/modes.js'
import { oneRowStep } from './step.js'
import { storeSnapshotWork } from './store-steps.js'
import type { Config } from '../config/config.js'
import { MIN_LOOKUP_BYTES } from '../exposure/content.js'
import { objectFormatOf } from '../exposure/object-format.js'
import { BlobIdTally } from '../hashing/blob-ids.js'
import { isGitWorkTree } from '../util/git-work-tree.js'
import { exposureAuditStep } from './exposure-audit.js'

/**
 * When this lane's exposure audit will look the files' bytes up in git, their blob ids are taken
 * in the snapshot's own read of each file, so the audit reads no file again.
 */
async function blobIdsForAudit(config: Config): Promise<BlobIdTally | undefined> {
  if (!MODES[config.mode].steps.includes('exposure-audit') || !exposureAuditStep.enabled!(config))
    return undefined
  if (!isGitWorkTree(config.repo)) return undefined
  // git cannot say: the audit will read the files itself (and report why git failed)
  const format = await objectFormatOf(config.repo).catch(() => undefined)
  return format && new BlobIdTally(format, MIN_LOOKUP_BYTES)
}

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
    const blobIds = await blobIdsForAudit(config)
    const outcome = await createSnapshot(config, ctx.keys, ctx.logger, undefined, {
      keepLock: MODES[config.mode].steps.includes('restore-test'),
      unchangedSince: ctx.includesBefore,
      blobIds
    })
    ctx.blobIds = blobIds
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
