import { humanBytes } from '../report/format.js'
import { restoreTest } from '../restore/restore-test.js'
import { oneRowStep } from './step.js'
import { storedEvidence } from './store-steps.js'

/** Runbook step 3: decrypt, extract into a fresh temp folder, verify every entry, remove it. */
export const restoreTestStep = oneRowStep('restore-test', 'restore-test', 'A', async (ctx) => {
  const verified = await restoreTest(
    ctx.manifestPath,
    ctx.keys,
    ctx.config.tempDir,
    ctx.logger,
    ctx.written
  )
  ctx.evidence = storedEvidence(verified.evidence, ctx)
  const x = verified.extracted
  return {
    detail: `decrypted, extracted and verified ${x.entries} entries (${x.files} files, ${humanBytes(x.bytes)}) against the index and content digest`
  }
})
