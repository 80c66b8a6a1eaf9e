import { MODE_NAMES } from '../src/config/config.js'
import { MODES, needsKey, type StepId } from '../src/config/modes.js'
import { STEPS } from '../src/steps/all-steps.js'
import { STEP_NAMES } from '../src/outcome/step-names.js'

// the report rows each mode fills on a GO, in order, as SPEC "Modes" fixes them
const SPEC_ROWS: Record<string, string[]> = {
  precutover: [
    'migration-export',
    'migration-check',
    'migration-import',
    'snapshot-create',
    'restore-test'
  ],
  'migration-dry-run': ['migration-export', 'migration-check', 'migration-import'],
  snapshot: ['snapshot-create'],
  'restore-test': ['restore-test'],
  restore: ['restore'],
  list: []
}

const has = (mode: keyof typeof MODES, id: StepId) => MODES[mode].steps.includes(id)

describe('the mode table (src/config/modes.ts): one place says what each mode does', () => {
  it('covers every mode, and every step id it names is a step object with that id', () => {
    expect(Object.keys(MODES).sort()).toEqual([...MODE_NAMES].sort())
    for (const mode of MODE_NAMES) {
      for (const id of MODES[mode].steps) expect(STEPS[id].id).toBe(id)
    }
    for (const [id, step] of Object.entries(STEPS)) expect(step.id).toBe(id)
  })

  it.each(MODE_NAMES)('%s: its steps fill the rows SPEC gives, in that order', (mode) => {
    const rows = MODES[mode].steps.flatMap((id) => STEPS[id].rows)
    expect(rows).toEqual(SPEC_ROWS[mode])
    for (const row of rows) expect(STEP_NAMES).toContain(row)
  })

  it.each(MODE_NAMES)('%s: its facts agree with its steps', (mode) => {
    const m = MODES[mode]
    expect(m.runsRepositoryCode).toBe(has(mode, 'migration'))
    expect(m.createsSnapshot).toBe(has(mode, 'snapshot-create'))
    expect(m.opensSnapshot).toBe(has(mode, 'restore-test') || has(mode, 'restore'))
    expect(m.picksSnapshot).toBe(has(mode, 'pick-snapshot'))
    // a snapshot is picked before the step that reads it
    if (m.picksSnapshot) expect(m.steps[0]).toBe('pick-snapshot')
    // GO of a mode that proves a snapshot needs that proof; only such a GO may prune
    if (m.needsEvidence) expect(m.createsSnapshot || m.opensSnapshot).toBe(true)
    expect(m.prunesAfterGo).toBe(m.needsEvidence)
    expect(needsKey(mode)).toBe(m.createsSnapshot || m.opensSnapshot)
    expect(m.failurePoint).toBe(mode === 'restore' ? 'B' : 'A')
  })
})
