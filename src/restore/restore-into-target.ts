import fs from 'node:fs'
import path from 'node:path'
import { NoGoError } from '../outcome/step-result.js'
import { claimFolder, releaseFolder, sweepDeadLeftovers } from '../runtime/leftover-marker.js'
import { unregisterPath } from '../runtime/cleanup-on-exit.js'
import type { KeySource } from '../format/snapshot-keys.js'
import type { Logger } from '../util/logger.js'
import {
  verifyIntoFolder,
  type ExpectedSnapshot,
  type VerifiedSnapshot
} from './verify-snapshot.js'

function checkTarget(target: string): boolean {
  let stat: fs.Stats
  try {
    stat = fs.lstatSync(target)
  } catch {
    return false
  }
  if (!stat.isDirectory()) {
    throw new NoGoError(
      `restore-target ${target} exists and is not a folder; name an empty or absent folder`
    )
  }
  if (fs.readdirSync(target).length > 0) {
    throw new NoGoError(
      `restore-target ${target} is not empty; restore refuses to mix snapshots with existing files: name an empty or absent folder`
    )
  }
  return true
}

/**
 * Rollback decision point B: verify completely in a staging folder beside the target, then move
 * it into place, so the target holds either nothing or the whole verified tree.
 */
export async function restoreIntoTarget(
  manifestPath: string,
  keys: KeySource,
  target: string,
  logger: Logger,
  /** The snapshot to restore when it is not the manifest file's (a store's, chosen by id). */
  expected?: ExpectedSnapshot
): Promise<VerifiedSnapshot> {
  const existed = checkTarget(target)
  const parent = path.dirname(target)
  fs.mkdirSync(parent, { recursive: true })
  const prefix = `.${path.basename(target)}.cutover-gate-restore-`
  sweepDeadLeftovers(parent, prefix)
  const staging = fs.mkdtempSync(path.join(parent, prefix))
  claimFolder(staging)
  try {
    const verified = await verifyIntoFolder(manifestPath, keys, staging, logger, expected)
    fs.chmodSync(staging, 0o755)
    if (existed) {
      checkTarget(target)
      fs.rmdirSync(target)
    }
    fs.renameSync(staging, target)
    // the restored tree is the target now: only the marker is ours to remove
    unregisterPath(staging)
    releaseFolder(staging)
    return verified
  } catch (error) {
    releaseFolder(staging)
    throw error
  }
}
