import { runExposureStep } from '../exposure/exposure-step.js'
import type { Step } from './step.js'

/**
 * The exposure audit (SPEC "Exposure audit"): the last step of precutover and mode
 * exposure-audit. `exposure: off` leaves it out: no row, so nothing is skipped and GO stands.
 */
export const exposureAuditStep: Step = {
  id: 'exposure-audit',
  rows: ['exposure-audit'],
  enabled: (config) => config.exposure !== 'off',
  run: async (ctx) => {
    const { result, audit } = await ctx.logger.group('exposure-audit', () =>
      runExposureStep(ctx.config, ctx.github, ctx.logger, ctx.blobIds)
    )
    ctx.exposure = audit
    return [result]
  }
}
