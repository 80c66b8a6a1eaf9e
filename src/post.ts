import * as core from '@actions/core'
import { cleanupLeftoverPackages } from './lane/package-cleanup.js'
import { cleanupLeftoverRestoreTests } from './restore/restore-test.js'

/**
 * The action's post step (post-if: always()): post-run hygiene even when the job was cancelled
 * mid-lane — migration packages and restore-test folders left in RUNNER_TEMP are removed.
 */
try {
  const tempDir = core.getState('temp-dir')
  if (tempDir !== '') {
    const removed = [
      ...(await cleanupLeftoverPackages(tempDir)),
      ...cleanupLeftoverRestoreTests(tempDir)
    ]
    for (const dir of removed) core.info(`post-run hygiene: removed ${dir}`)
  }
} catch (error) {
  core.warning(`post-run hygiene failed: ${(error as Error).message}`)
}
