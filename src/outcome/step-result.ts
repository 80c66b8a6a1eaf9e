import type { EncryptionRecord } from '../format/encryption-record.js'
import type { DecisionPoint, StepName, StepStatus } from './step-names.js'

/** What one step of the lane reports. Steps return this; they never print reports or set outputs. */
export interface StepResult {
  name: StepName
  status: StepStatus
  durationMs: number
  /** One line a person can act on: what was checked, or why it failed and what would fix it. */
  detail: string
  /** Tail of a command's combined output (migration steps), already truncated. */
  output?: string
  /** Things that did not fail the step but that an operator must know. */
  warnings: string[]
  /** On failure: the runbook's rollback decision point this failure belongs to. */
  decisionPoint?: DecisionPoint
}

/** Evidence of a snapshot that was written or verified; carried into outputs and the report. */
export interface SnapshotEvidence {
  snapshotPath: string
  manifestPath: string
  size: number
  sha256: string
  contentDigest: string
  files: number
  bytes: number
  compression: 'zstd' | 'gzip' | 'none'
  encryption: EncryptionRecord
  createdAt: string
  /** In a store with Object Lock retention: until when the snapshot cannot be deleted (ISO). */
  retainUntil?: string
}

/** A failure that makes a step NO-GO: its message is the one line the report shows. */
export class NoGoError extends Error {
  constructor(
    message: string,
    readonly decisionPoint: DecisionPoint = 'A'
  ) {
    super(message)
    this.name = 'NoGoError'
  }
}
