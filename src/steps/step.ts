import type { Config } from '../config/config.js'
import type { SnapshotKeys } from '../format/snapshot-keys.js'
import type { DecisionPoint, StepName } from '../outcome/step-names.js'
import type { SnapshotEvidence } from '../format/snapshot-evidence.js'
import { NoGoError, type StepResult } from '../outcome/step-result.js'
import type { ExpectedSnapshot } from '../restore/verify-snapshot.js'
import type { IncludeFingerprint } from '../util/tree-fingerprint.js'
import type { Logger } from '../util/logger.js'
import type { StepId } from '../config/modes.js'
import { errorText } from '../privacy/error-text.js'
import type { ExposureAudit } from '../exposure/exposure-model.js'
import type { GithubAccess } from '../exposure/github-request.js'
import type { LaneStore, StoredChoice } from '../store/store-lane.js'
import type { BlobIdTally } from '../hashing/blob-ids.js'

/**
 * What the steps of one lane share. Each step reads what an earlier one left and leaves what a
 * later one needs; nothing else is passed between them.
 */
export interface LaneContext {
  readonly config: Config
  readonly keys: SnapshotKeys
  readonly logger: Logger
  /** The manifest the reading steps verify: the `manifest` input, or the one pick-snapshot chose. */
  manifestPath: string
  /** The includes before the dry-run: the snapshot commits only if they are still so. */
  includesBefore?: IncludeFingerprint
  /** What snapshot-create wrote: restore-test verifies exactly that file, not the manifest's word. */
  written?: ExpectedSnapshot
  /** The snapshot this run wrote or verified. */
  evidence?: SnapshotEvidence
  /** How the exposure audit reads GitHub (the action's github-token), or why it does not. */
  readonly github: GithubAccess
  /** The git blob ids of the files snapshot-create read, for the exposure audit to look up. */
  blobIds?: BlobIdTally
  /** What the exposure audit found. */
  exposure?: ExposureAudit
  /** With the store input: the open store the snapshot steps write to and read from. */
  readonly store?: LaneStore
  /** The stored snapshot written or picked: its manifest URL and lock, for the evidence. */
  stored?: StoredChoice
  /** Runs when the lane ends, whatever happened (a lock held from one step to the next). */
  atEnd(release: () => void): void
}

/** One step of a lane: the report rows it fills, and its work. */
export interface Step {
  readonly id: StepId
  /** The rows this step reports, in order: reported skipped when an earlier step failed. */
  readonly rows: readonly StepName[]
  /** Whether the config leaves this step in: one it turns off has no row, run or skipped. */
  enabled?(config: Config): boolean
  /** Never throws for a NO-GO: failures are results. */
  run(ctx: LaneContext): Promise<StepResult[]>
}

export interface RowOutcome {
  detail: string
  warnings?: string[]
}

/**
 * A step that is one report row: `work`'s detail and warnings, or its error as the failed row. A
 * NoGoError brings its own reason and decision point; any other error is a failed row too (a bug
 * must never pass as GO, nor lose the report).
 */
export function oneRowStep(
  id: StepId,
  name: StepName,
  failurePoint: DecisionPoint,
  work: (ctx: LaneContext) => Promise<RowOutcome>
): Step {
  return {
    id,
    rows: [name],
    run: async (ctx) => [
      await ctx.logger.group(name, () => timedRow(name, failurePoint, () => work(ctx)))
    ]
  }
}

/** Runs `work` as the row `name`, timed once, its failure turned into a failed row. */
export async function timedRow(
  name: StepName,
  failurePoint: DecisionPoint,
  work: () => Promise<RowOutcome>
): Promise<StepResult> {
  const started = performance.now()
  try {
    const { detail, warnings = [] } = await work()
    return { name, status: 'passed', durationMs: performance.now() - started, detail, warnings }
  } catch (error) {
    const nogo = error instanceof NoGoError
    // a system error's message holds its path, often a file under an include: marked private
    const message = errorText(error)
    return {
      name,
      status: 'failed',
      durationMs: performance.now() - started,
      detail: nogo ? message : `unexpected error: ${message}`,
      warnings: [],
      decisionPoint: nogo && error.decisionPoint !== 'A' ? error.decisionPoint : failurePoint
    }
  }
}

export function skippedRow(name: StepName, after: StepName): StepResult {
  return {
    name,
    status: 'skipped',
    durationMs: 0,
    detail: `not run: ${after} was NO-GO`,
    warnings: []
  }
}
