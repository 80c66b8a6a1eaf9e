/** Step names as SPEC.md fixes them: in the report, the outputs and the logs. */
export const STEP_NAMES = [
  'migration-export',
  'migration-check',
  'migration-import',
  'snapshot-create',
  'restore-test',
  'restore',
  'upload-artifact'
] as const

export type StepName = (typeof STEP_NAMES)[number]

export type StepStatus = 'passed' | 'failed' | 'skipped'

/** Rollback decision points of the runbook: A pre-cutover, B post-cutover restore, C migration drift. */
export type DecisionPoint = 'A' | 'B' | 'C'
