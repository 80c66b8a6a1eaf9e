import fs from 'node:fs'
import path from 'node:path'
import { claimFolder, releaseFolder, sweepDeadLeftovers } from '../runtime/leftover-marker.js'
import type { KeySource } from '../format/snapshot-keys.js'
import type { Logger } from '../util/logger.js'
import {
  verifyIntoFolder,
  type ExpectedSnapshot,
  type VerifiedSnapshot
} from './verify-snapshot.js'

/**
 * Runbook step 3: restore into a fresh folder under the runner's temp (never into the repo),
 * verify everything, and remove the folder whatever the outcome. In a lane after snapshot-create,
 * `expected` is what that step wrote, and exactly that is verified (not the manifest file's word).
 */
export async function restoreTest(
  manifestPath: string,
  keys: KeySource,
  tempDir: string,
  logger: Logger,
  expected?: ExpectedSnapshot
): Promise<VerifiedSnapshot> {
  fs.mkdirSync(tempDir, { recursive: true })
  cleanupLeftoverRestoreTests(tempDir)
  const dest = fs.mkdtempSync(path.join(tempDir, RESTORE_TEST_PREFIX))
  claimFolder(dest)
  try {
    return await verifyIntoFolder(manifestPath, keys, dest, logger, expected)
  } finally {
    releaseFolder(dest)
  }
}

export const RESTORE_TEST_PREFIX = 'cutover-gate-restore-test-'

/**
 * Restore-test folders of runs proven dead (cancelled, killed); a live concurrent run's folder is
 * kept (its marker names a live process).
 */
export function cleanupLeftoverRestoreTests(tempDir: string): string[] {
  return sweepDeadLeftovers(tempDir, RESTORE_TEST_PREFIX)
}
