import type { SnapshotEvidence } from '../format/snapshot-evidence.js'
import { humanBytes } from '../report/format.js'
import { chooseFromStore, type LaneStore } from '../store/store-lane.js'
import { createStoredSnapshot } from '../store/store-snapshot.js'
import type { LaneContext, RowOutcome } from './step.js'

/** snapshot-create into the store: streamed, written once, read back by restore-test. */
export async function storeSnapshotWork(ctx: LaneContext, lane: LaneStore): Promise<RowOutcome> {
  const outcome = await createStoredSnapshot(
    ctx.config,
    lane.store,
    lane.openOther,
    ctx.keys,
    ctx.logger,
    undefined,
    { unchangedSince: ctx.includesBefore }
  )
  ctx.written = outcome.expected
  ctx.stored = {
    expected: outcome.expected,
    manifestUrl: outcome.evidence.manifestPath,
    retainUntil: outcome.retainUntil
  }
  ctx.manifestPath = outcome.evidence.manifestPath
  ctx.evidence = { ...outcome.evidence, retainUntil: outcome.retainUntil }
  const e = outcome.evidence
  const locked = outcome.retainUntil ? `, locked until ${outcome.retainUntil}` : ''
  return {
    detail: `${e.files} files, ${humanBytes(e.bytes)} archived into ${e.snapshotPath} (${humanBytes(e.size)} encrypted, written once${locked})`,
    warnings: outcome.warnings
  }
}

/** pick-snapshot in a store: latest is the newest id with a manifest (no latest object). */
export async function pickStoredSnapshot(ctx: LaneContext, lane: LaneStore): Promise<void> {
  const chosen = await chooseFromStore(lane.store, ctx.config.snapshot)
  ctx.stored = chosen
  ctx.written = chosen.expected
  ctx.manifestPath = chosen.manifestUrl
}

/** A stored snapshot's evidence names its manifest's URL and its lock, which the verifier does not know. */
export function storedEvidence(verified: SnapshotEvidence, ctx: LaneContext): SnapshotEvidence {
  if (!ctx.stored) return verified
  return { ...verified, manifestPath: ctx.stored.manifestUrl, retainUntil: ctx.stored.retainUntil }
}
