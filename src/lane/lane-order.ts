import type { Mode } from '../config/config.js'
import type { StepName } from '../outcome/step-names.js'

/** The lane's order for each mode (runbook "must run in order"): the first NO-GO stops it. */
export const LANE_ORDER: Record<Mode, readonly StepName[]> = {
  precutover: [
    'migration-export',
    'migration-check',
    'migration-import',
    'snapshot-create',
    'restore-test',
    'exposure-audit'
  ],
  'migration-dry-run': ['migration-export', 'migration-check', 'migration-import'],
  snapshot: ['snapshot-create'],
  'restore-test': ['restore-test'],
  restore: ['restore'],
  // list reads the catalogue and runs no step of the lane (src/catalogue/list-mode.ts)
  list: [],
  'exposure-audit': ['exposure-audit']
}
