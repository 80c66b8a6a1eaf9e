import type { StepId } from '../config/modes.js'
import type { Step } from './step.js'
import { migrationStep } from './migration.js'
import { pickSnapshotStep } from './pick-snapshot.js'
import { snapshotCreateStep } from './snapshot-create.js'
import { restoreTestStep } from './restore-test.js'
import { restoreStep } from './restore.js'
import { exposureAuditStep } from './exposure-audit.js'

/** Every step a mode can name (src/config/modes.ts), by id. */
export const STEPS: Readonly<Record<StepId, Step>> = {
  migration: migrationStep,
  'pick-snapshot': pickSnapshotStep,
  'snapshot-create': snapshotCreateStep,
  'restore-test': restoreTestStep,
  restore: restoreStep,
  'exposure-audit': exposureAuditStep
}
