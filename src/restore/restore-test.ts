import fs from 'node:fs'
import path from 'node:path'
import type { Logger } from '../util/logger.js'
import { removeTree } from '../util/remove-tree.js'
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
  passphrase: string,
  tempDir: string,
  logger: Logger,
  expected?: ExpectedSnapshot
): Promise<VerifiedSnapshot> {
  fs.mkdirSync(tempDir, { recursive: true })
  const dest = fs.mkdtempSync(path.join(tempDir, RESTORE_TEST_PREFIX))
  try {
    return await verifyIntoFolder(manifestPath, passphrase, dest, logger, expected)
  } finally {
    removeTree(dest)
  }
}

export const RESTORE_TEST_PREFIX = 'cutover-gate-restore-test-'

/** For the action's post step: restore-test folders a cancelled run left in tempDir. */
export function cleanupLeftoverRestoreTests(tempDir: string): string[] {
  let names: string[]
  try {
    names = fs.readdirSync(tempDir)
  } catch {
    return []
  }
  const removed = names
    .filter((name) => name.startsWith(RESTORE_TEST_PREFIX))
    .map((name) => path.join(tempDir, name))
  removed.forEach(removeTree)
  return removed
}
