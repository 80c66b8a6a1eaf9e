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
