import type { Config } from '../config/config.js'
import type { SnapshotKeys } from '../format/snapshot-keys.js'
import type { SnapshotEvidence } from '../format/snapshot-evidence.js'
import type { StepResult } from '../outcome/step-result.js'
import type { Logger } from '../util/logger.js'
import type { ExposureAudit } from '../exposure/exposure-model.js'
import type { GithubAccess } from '../exposure/github-request.js'
import { MODES } from '../config/modes.js'
import { skippedRow, type LaneContext } from '../steps/step.js'
import { STEPS } from '../steps/all-steps.js'
import type { LaneStore } from '../store/store-lane.js'

/** What the lane did; the decision is decide()'s to make, from these and the gate's later facts. */
export interface LaneOutcome {
  steps: StepResult[]
  evidence?: SnapshotEvidence
  /** The manifest the run verified or would verify (pick-snapshot may have chosen another). */
  manifestPath: string
  exposure?: ExposureAudit
}

/**
 * Runs the mode's steps in the table's order (src/config/modes.ts). One rule: after the first
 * failed row, every later step's rows are reported skipped. Never throws for a NO-GO; what a
 * step held for a later one (the snapshot-dir lock) is released when the lane ends, however.
 */
export async function runLane(
  config: Config,
  keys: SnapshotKeys,
  logger: Logger,
  /** How the exposure audit reads GitHub; with the store input, the store snapshots go to. */
  access: { github?: GithubAccess; store?: LaneStore } = {}
): Promise<LaneOutcome> {
  const releases: (() => void)[] = []
  const ctx: LaneContext = {
    config,
    keys,
    logger,
    manifestPath: config.manifestPath,
    github: access.github ?? { reason: 'not checked' },
    store: access.store,
    atEnd: (release) => void releases.push(release)
  }
  const rows: StepResult[] = []
  try {
    for (const id of MODES[config.mode].steps) {
      const step = STEPS[id]
      if (step.enabled && !step.enabled(config)) continue
      const failed = rows.find((row) => row.status === 'failed')
      if (failed) {
        const reported = new Set(rows.map((row) => row.name))
        const skipped = step.rows.filter((name) => !reported.has(name))
        rows.push(...skipped.map((name) => skippedRow(name, failed.name)))
        continue
      }
      for (const row of await step.run(ctx)) {
        const seconds = (row.durationMs / 1000).toFixed(1)
        // a failure's reason is the report's headline (and the action's error): said once, there
        logger.info(
          `${row.name}: ${row.status} in ${seconds} s${row.status === 'failed' ? '' : ` — ${row.detail}`}`
        )
        rows.push(row)
      }
    }
  } finally {
    for (const release of releases.reverse()) release()
  }
  return {
    steps: rows,
    evidence: ctx.evidence,
    manifestPath: ctx.manifestPath,
    exposure: ctx.exposure
  }
}
