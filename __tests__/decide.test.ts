import fc from 'fast-check'
import { decide, type DecisionFacts } from '../src/decision/decide.js'
import { MODE_NAMES, type Mode } from '../src/config/config.js'
import type { StepResult } from '../src/outcome/step-result.js'

const step = (name: StepResult['name'], status: StepResult['status']): StepResult => ({
  name,
  status,
  durationMs: 1,
  detail: `${name} ${status}`,
  warnings: []
})

const passed: StepResult[] = [step('snapshot-create', 'passed'), step('restore-test', 'passed')]

describe('decide: the one place that says GO', () => {
  it.each([
    ['every step passed with evidence', { steps: passed, evidence: true }, 'GO'],
    [
      'a failed step',
      { steps: [passed[0]!, step('restore-test', 'failed')], evidence: true },
      'NO-GO'
    ],
    [
      'a skipped step',
      { steps: [passed[0]!, step('restore-test', 'skipped')], evidence: true },
      'NO-GO'
    ],
    ['no step at all', { steps: [], evidence: true }, 'NO-GO'],
    ['no evidence', { steps: passed, evidence: false }, 'NO-GO'],
    ['the report not recorded', { steps: passed, evidence: true, unrecorded: 'disk' }, 'NO-GO'],
    [
      'the upload failed',
      { steps: [...passed, step('upload-artifact', 'failed')], evidence: true },
      'NO-GO'
    ],
    [
      'the upload was skipped',
      { steps: [...passed, step('upload-artifact', 'skipped')], evidence: true },
      'NO-GO'
    ]
  ] as const)('%s', (_what, facts, expected) => {
    expect(decide({ mode: 'precutover', ...facts }).decision).toBe(expected)
  })

  it('a failed upload names upload-artifact as the failed step, with its reason', () => {
    const steps = [...passed, step('upload-artifact', 'failed')]
    expect(decide({ mode: 'snapshot', steps, evidence: true })).toEqual({
      decision: 'NO-GO',
      failedStep: 'upload-artifact',
      reason: 'upload-artifact failed'
    })
  })

  it('names the first failed step and its detail', () => {
    const steps = [step('migration-export', 'passed'), step('migration-check', 'failed')]
    expect(decide({ mode: 'migration-dry-run', steps, evidence: false })).toEqual({
      decision: 'NO-GO',
      failedStep: 'migration-check',
      reason: 'migration-check failed'
    })
  })

  it('list mode: GO only when the catalogue was read', () => {
    expect(decide({ mode: 'list', steps: [], evidence: false, catalogueRead: true })).toEqual({
      decision: 'GO'
    })
    expect(
      decide({ mode: 'list', steps: [], evidence: false, catalogueProblem: 'unreadable' })
    ).toEqual({ decision: 'NO-GO', reason: 'unreadable' })
  })

  it('any later fact against a GO turns it NO-GO, whatever the mode and the steps', () => {
    const statuses = fc.constantFrom<StepResult['status']>('passed', 'failed', 'skipped')
    fc.assert(
      fc.property(
        fc.constantFrom<Mode>(...MODE_NAMES.filter((m) => m !== 'list')),
        fc.array(statuses, { maxLength: 5 }),
        fc.boolean(),
        fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
        (mode, kinds, evidence, unrecorded) => {
          const facts: DecisionFacts = {
            mode,
            steps: kinds.map((status) => step('restore-test', status)),
            evidence,
            unrecorded
          }
          const go = decide(facts).decision === 'GO'
          const allPassed = kinds.length > 0 && kinds.every((k) => k === 'passed')
          const needsEvidence = ['precutover', 'snapshot', 'restore-test'].includes(mode)
          expect(go).toBe(allPassed && (!needsEvidence || evidence) && !unrecorded)
        }
      )
    )
  })
})
