import type { Mode } from '../config/config.js'
import { MODES } from '../config/modes.js'
import type { StepName } from '../outcome/step-names.js'
import type { StepResult } from '../outcome/step-result.js'

/** Everything a decision rests on. The gate adds to it as the run goes on; nothing else decides. */
export interface DecisionFacts {
  mode: Mode
  /** The lane's rows, and the gate's own (upload-artifact) after them. */
  steps: readonly StepResult[]
  /** Whether the lane recorded snapshot evidence (a snapshot written or verified). */
  evidence: boolean
  /** list mode: whether the catalogue was read, and why not. */
  catalogueRead?: boolean
  catalogueProblem?: string
  /** Why the readiness report could not be written: the evidence is then not recorded. */
  unrecorded?: string
}

export interface Decision {
  decision: 'GO' | 'NO-GO'
  failedStep?: StepName
  reason?: string
}

/**
 * The one place that says GO. GO only when: every step ran and passed (the upload, when asked
 * for, is a step), a mode that writes or verifies a snapshot has its evidence, and the report that
 * records it was written. list mode runs no step: its GO means the catalogue was read.
 */
export function decide(facts: DecisionFacts): Decision {
  if (facts.mode === 'list') {
    if (!facts.catalogueRead) {
      return {
        decision: 'NO-GO',
        reason: facts.catalogueProblem ?? 'the snapshot catalogue was not read'
      }
    }
  } else {
    const failed = facts.steps.find((step) => step.status === 'failed')
    if (failed) return { decision: 'NO-GO', failedStep: failed.name, reason: failed.detail }
    if (facts.steps.length === 0 || facts.steps.some((step) => step.status !== 'passed')) {
      return { decision: 'NO-GO', reason: 'not every step of the lane ran and passed' }
    }
    if (MODES[facts.mode].needsEvidence && !facts.evidence) {
      return {
        decision: 'NO-GO',
        failedStep: facts.steps.at(-1)?.name,
        reason: 'every step passed but no snapshot evidence was recorded'
      }
    }
  }
  if (facts.unrecorded) return { decision: 'NO-GO', reason: facts.unrecorded }
  return { decision: 'GO' }
}
