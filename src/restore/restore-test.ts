import fs from 'node:fs'
import { claimSnapshot } from '../catalogue/claims.js'
import { readManifest, snapshotPathOf } from '../format/manifest.js'
import { makeMarkedFolder, releaseFolder, sweepDeadLeftovers } from '../runtime/leftover-marker.js'
import type { SnapshotKeys } from '../format/snapshot-keys.js'
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
  keys: SnapshotKeys,
  tempDir: string,
  logger: Logger,
  expected?: ExpectedSnapshot
): Promise<VerifiedSnapshot> {
  fs.mkdirSync(tempDir, { recursive: true })
  cleanupLeftoverRestoreTests(tempDir)
  // the snapshot is claimed before it is opened and until it is read: no prune deletes it meanwhile
  const claimed = await claimedExpectation(manifestPath, expected)
  try {
    const dest = makeMarkedFolder(tempDir, RESTORE_TEST_PREFIX)
    try {
      return await verifyIntoFolder(manifestPath, keys, dest, logger, claimed.expected)
    } finally {
      releaseFolder(dest)
    }
  } finally {
    claimed.release()
  }
}

/**
 * Reads the manifest once (unless the lane passed what it wrote), claims the snapshot it names,
 * and returns both, so the file verified is the one claimed. The caller releases the claim.
 */
export async function claimedExpectation(
  manifestPath: string,
  expected?: ExpectedSnapshot
): Promise<{ expected: ExpectedSnapshot; release: () => void }> {
  // a stored object is read from the store, where no local claim can hold it
  if (expected?.open) return { expected, release: () => {} }
  const manifest = expected?.manifest ?? readManifest(manifestPath)
  const snapshotPath = expected?.snapshotPath ?? snapshotPathOf(manifestPath, manifest)
  const claim = await claimSnapshot(snapshotPath)
  return { expected: { manifest, snapshotPath }, release: () => claim.release() }
}

export const RESTORE_TEST_PREFIX = 'cutover-gate-restore-test-'

/**
 * Restore-test folders of runs proven dead (cancelled, killed); a live concurrent run's folder is
 * kept (its marker names a live process).
 */
export function cleanupLeftoverRestoreTests(tempDir: string): string[] {
  return sweepDeadLeftovers(tempDir, RESTORE_TEST_PREFIX)
}
