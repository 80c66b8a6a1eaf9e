import * as core from '@actions/core'
import { cleanupLeftoverPackages } from './migration/package-folder.js'
import { cleanupLeftoverRestoreTests } from './restore/restore-test.js'
import { describeEscaped, stopMarked } from './runtime/escaped-processes.js'
import { removeDeadLock } from './snapshot/snapshot-dir-lock.js'

/**
 * The action's post step (post-if: always()): post-run hygiene even when the job was cancelled
 * or the main step killed mid-lane — processes the migration left running are stopped, and
 * migration packages and restore-test folders of dead runs are removed from RUNNER_TEMP, and a
 * snapshot-dir lock whose holder is proven gone is removed, and a store upload a killed run left
 * open is aborted.
 */
try {
  const marker = core.getState('run-marker')
  if (/^[0-9a-f]{32}$/.test(marker)) {
    const escaped = stopMarked(marker)
    if (escaped.length > 0) core.warning(`post-run hygiene: ${describeEscaped(escaped)}`)
  }
  const tempDir = core.getState('temp-dir')
  if (tempDir !== '') {
    const removed = [...cleanupLeftoverPackages(tempDir), ...cleanupLeftoverRestoreTests(tempDir)]
    for (const dir of removed) core.info(`post-run hygiene: removed ${dir}`)
  }
  if (tempDir !== '') {
    // multipart uploads of a killed run (its marker names a dead process): no object appears
    // from them, and their parts stop costing; a live run's upload is never touched
    const { abortDeadUploads } = await import('./store/leftover-uploads.js')
    const { openStore } = await import('./store/store-client.js')
    const aborted = await abortDeadUploads(tempDir, (settings) =>
      openStore(settings, { env: process.env })
    )
    for (const upload of aborted) core.info(`post-run hygiene: aborted ${upload}`)
  }
  const snapshotDir = core.getState('snapshot-dir')
  if (snapshotDir !== '' && removeDeadLock(snapshotDir)) {
    core.info(`post-run hygiene: removed the lock a killed run left in ${snapshotDir}`)
  }
} catch (error) {
  core.warning(`post-run hygiene failed: ${(error as Error).message}`)
}
