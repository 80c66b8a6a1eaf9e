import type { DecisionPoint, StepName } from '../outcome/step-names.js'
import { NoGoError, type StepResult } from '../outcome/step-result.js'

/**
 * Runs one step and turns its outcome into a StepResult: a NoGoError is a NO-GO with its reason,
 * any other error too (a bug must never pass as GO, nor lose the report).
 */
export async function timedStep(
  name: StepName,
  failurePoint: DecisionPoint,
  work: () => Promise<{ detail: string; warnings?: string[] }>
): Promise<StepResult> {
  const started = performance.now()
  try {
    const { detail, warnings = [] } = await work()
    return { name, status: 'passed', durationMs: performance.now() - started, detail, warnings }
  } catch (error) {
    const nogo = error instanceof NoGoError
    const message = error instanceof Error ? error.message : String(error)
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

export function skippedStep(name: StepName, after: StepName): StepResult {
  return {
    name,
    status: 'skipped',
    durationMs: 0,
    detail: `not run: ${after} was NO-GO`,
    warnings: []
  }
}
