import { restoreIntoTarget } from '../restore/restore-into-target.js'
import { oneRowStep } from './step.js'
import { storedEvidence } from './store-steps.js'

/** Rollback decision point B: decrypt, verify and extract into restore-target. */
export const restoreStep = oneRowStep('restore', 'restore', 'B', async (ctx) => {
  const verified = await restoreIntoTarget(
    ctx.manifestPath,
    ctx.keys,
    ctx.config.restoreTarget,
    ctx.logger,
    // a stored snapshot (picked from the store) streams from there
    ctx.store ? ctx.written : undefined
  )
  ctx.evidence = storedEvidence(verified.evidence, ctx)
  return {
    detail: `restored and verified ${verified.extracted.entries} entries into ${ctx.config.restoreTarget}`
  }
})
