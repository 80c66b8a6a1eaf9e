import fs from 'node:fs'
import path from 'node:path'
import { NoGoError } from '../outcome/step-result.js'
import {
  makeMarkedFolder,
  MOVE_JOURNAL_SUFFIX,
  releaseFolder,
  sweepDeadLeftovers
} from '../runtime/leftover-marker.js'
import { registerStopper } from '../runtime/cleanup-on-exit.js'
import type { SnapshotKeys } from '../format/snapshot-keys.js'
import type { Logger } from '../util/logger.js'
import { fsyncDir, removeDeadTemps, writeFileAtomic } from '../util/atomic-write.js'
import { claimedExpectation } from './restore-test.js'
import {
  verifyIntoFolder,
  type ExpectedSnapshot,
  type VerifiedSnapshot
} from './verify-snapshot.js'

/** The staging folder sits INSIDE the target: same filesystem (a mount point too), and never beside it. */
export const STAGING_PREFIX = '.cutover-gate-restore-'

/** Removes what killed restores left in (or, from older versions, beside) a target. */
export function cleanupLeftoverStaging(target: string): string[] {
  return [
    ...removeDeadTemps(target).map((name) => path.join(target, name)),
    ...sweepDeadLeftovers(target, STAGING_PREFIX),
    ...sweepDeadLeftovers(path.dirname(target), `.${path.basename(target)}${STAGING_PREFIX}`)
  ]
}

/**
 * The target as the operator made it, or a new private folder: returns whether this run created
 * it. A leftover of a dead restore inside it is removed first; anything else makes it non-empty.
 */
function prepareTarget(target: string): boolean {
  let stat: fs.Stats
  try {
    stat = fs.lstatSync(target)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    fs.mkdirSync(path.dirname(target), { recursive: true })
    // decrypted private state: readable by its owner only, until the operator says otherwise
    fs.mkdirSync(target, 0o700)
    return true
  }
  if (!stat.isDirectory()) {
    throw new NoGoError(
      `restore-target ${target} exists and is not a folder; name an empty or absent folder`
    )
  }
  cleanupLeftoverStaging(target)
  if (fs.readdirSync(target).length > 0) {
    throw new NoGoError(
      `restore-target ${target} is not empty; restore refuses to mix snapshots with existing files: name an empty or absent folder`
    )
  }
  return false
}

/**
 * Moves the verified tree's top entries from staging up into the target. A journal naming them is
 * written first and removed last (the commit point): a kill in between is rolled back by the sweep
 * that removes the staging folder, a signal or an error by this run, so the target ends up either
 * empty or whole.
 */
function moveIntoTarget(staging: string, target: string): void {
  const names = fs.readdirSync(staging)
  const journal = staging + MOVE_JOURNAL_SUFFIX
  writeFileAtomic(journal, `${JSON.stringify(names)}\n`, 0o600)
  const moved: string[] = []
  const rollBack = (): void => {
    for (const name of moved.reverse()) {
      fs.renameSync(path.join(target, name), path.join(staging, name))
    }
    moved.length = 0
    fs.rmSync(journal, { force: true })
  }
  const forget = registerStopper(rollBack)
  try {
    for (const name of names) {
      fs.renameSync(path.join(staging, name), path.join(target, name))
      moved.push(name)
    }
    fsyncDir(target)
    fs.rmSync(journal)
    fsyncDir(target)
  } catch (error) {
    rollBack()
    throw error
  } finally {
    forget()
  }
}

/**
 * Rollback decision point B: verify completely in a staging folder inside the target, then move
 * the tree's entries into it. The target itself is never replaced, renamed or removed: it keeps
 * its owner, group and mode, and a mount point stays mounted.
 */
export async function restoreIntoTarget(
  manifestPath: string,
  keys: SnapshotKeys,
  target: string,
  logger: Logger,
  /** The snapshot to restore when it is not the manifest file's (a store's, chosen by id). */
  expected?: ExpectedSnapshot
): Promise<VerifiedSnapshot> {
  const created = prepareTarget(target)
  try {
    // a store's snapshot comes with its own expectation (and lock); a local one is claimed here
    const claimed = expected
      ? { expected, release: () => {} }
      : await claimedExpectation(manifestPath)
    try {
      const staging = makeMarkedFolder(target, STAGING_PREFIX)
      try {
        const verified = await verifyIntoFolder(
          manifestPath,
          keys,
          staging,
          logger,
          claimed.expected
        )
        moveIntoTarget(staging, target)
        return verified
      } finally {
        releaseFolder(staging)
      }
    } finally {
      claimed.release()
    }
  } catch (error) {
    if (created) {
      try {
        fs.rmdirSync(target)
      } catch {
        // not empty or gone: what is in it is the operator's now
      }
    }
    throw error
  }
}
