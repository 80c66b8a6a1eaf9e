import type { Mode } from '../config/config.js'
import type { DecisionPoint } from '../outcome/step-names.js'

/** The steps a lane can run, by id; each is an object in src/steps/ (src/steps/all-steps.ts). */
export type StepId =
  'migration' | 'pick-snapshot' | 'snapshot-create' | 'restore-test' | 'restore' | 'exposure-audit'

/** What a mode is, beyond its steps: read by the doors, the config judge, the lane and decide. */
export interface ModeFacts {
  /** Runs the repository's migration commands: secrets are handed off, the repo must be git. */
  readonly runsRepositoryCode: boolean
  /** Writes a new snapshot: its key is judged (strength, recipients), hygiene is warned about. */
  readonly createsSnapshot: boolean
  /** Opens an existing snapshot: needs the passphrase or a matching identity. */
  readonly opensSnapshot: boolean
  /** A GO means a snapshot was written or verified, so a GO without that evidence is NO-GO. */
  readonly needsEvidence: boolean
  /** A GO proves a snapshot, after which keep-last may prune the older ones. */
  readonly prunesAfterGo: boolean
  /** Reads the `snapshot` input (latest or an id). */
  readonly picksSnapshot: boolean
  /** Writes the readiness report files (list only shows the catalogue). */
  readonly writesReport: boolean
  /** Where a failure leaves the operator in the runbook (a step's own point wins). */
  readonly failurePoint: DecisionPoint
}

export interface ModeSpec extends ModeFacts {
  /** The lane, in the runbook's order ("must run in order"): the first NO-GO skips the rest. */
  readonly steps: readonly StepId[]
}

const facts = (given: Partial<ModeFacts>): ModeFacts => ({
  runsRepositoryCode: false,
  createsSnapshot: false,
  opensSnapshot: false,
  needsEvidence: false,
  prunesAfterGo: false,
  picksSnapshot: false,
  writesReport: true,
  failurePoint: 'A',
  ...given
})

/** What each mode does: the one table the lane, the doors and the decision read. */
export const MODES: Readonly<Record<Mode, ModeSpec>> = {
  precutover: {
    // the exposure audit last (SPEC): what going public would still publish once the state is safe
    steps: ['migration', 'snapshot-create', 'restore-test', 'exposure-audit'],
    ...facts({
      runsRepositoryCode: true,
      createsSnapshot: true,
      opensSnapshot: true,
      needsEvidence: true,
      prunesAfterGo: true
    })
  },
  'migration-dry-run': {
    steps: ['migration'],
    ...facts({ runsRepositoryCode: true })
  },
  snapshot: {
    steps: ['snapshot-create'],
    ...facts({ createsSnapshot: true, needsEvidence: true, prunesAfterGo: true })
  },
  'restore-test': {
    steps: ['pick-snapshot', 'restore-test'],
    ...facts({ opensSnapshot: true, needsEvidence: true, prunesAfterGo: true, picksSnapshot: true })
  },
  restore: {
    steps: ['pick-snapshot', 'restore'],
    ...facts({ opensSnapshot: true, picksSnapshot: true, failurePoint: 'B' })
  },
  // list reads the catalogue (src/gate.ts) and runs no step of the lane
  list: { steps: [], ...facts({ writesReport: false }) },
  // reads git and GitHub only: no secret, no repository code, so a PR gate can run it
  'exposure-audit': { steps: ['exposure-audit'], ...facts({}) }
}

/** A mode that needs a key: the passphrase, recipients to create, or an identity to open. */
export function needsKey(mode: Mode): boolean {
  return MODES[mode].createsSnapshot || MODES[mode].opensSnapshot
}
