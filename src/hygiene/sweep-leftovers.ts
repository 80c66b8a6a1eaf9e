import os from 'node:os'
import path from 'node:path'
import { sweepClaims } from '../catalogue/claims.js'
import { cleanupLeftoverPackages } from '../migration/package-folder.js'
import { cleanupLeftoverStaging } from '../restore/restore-into-target.js'
import { cleanupLeftoverRestoreTests } from '../restore/restore-test.js'
import { removeDeadLock, removeStaleTemps } from '../snapshot/snapshot-dir-lock.js'
import { removeDeadTemps } from '../util/atomic-write.js'
import { sweepDeadLeftovers } from '../runtime/leftover-marker.js'
import { HANDOFF_PREFIX } from '../runtime/secret-handoff.js'

/** Every folder where this tool makes temp, partial, staging or plaintext files. */
export interface LeftoverPlaces {
  /** The runner's temp (action) or TMPDIR (CLI): package and restore-test folders. */
  tempDir: string
  /** Partial snapshots, manifest temps, the lock, claims, prune tombstones. */
  snapshotDir: string
  /** latest-manifest.json may live elsewhere: its temps. */
  manifestPath: string
  /** The report's and its JSON twin's temps. */
  reportPath: string
  /** `mode: restore`: the staging folder inside it and its move journal. */
  restoreTarget: string
}

function quietly<T>(fn: () => T, fallback: T): T {
  try {
    return fn()
  } catch {
    return fallback
  }
}

/**
 * Removes what runs proven dead left in those places (the post step after a killed main step, the
 * CLI at the start of the next run); a live run's files, and files this tool does not make, stay.
 * Returns one line per thing removed, naming only the tool's own files.
 */
export function sweepLeftovers(places: Partial<LeftoverPlaces>): string[] {
  const done: string[] = []
  const { tempDir, snapshotDir, manifestPath, reportPath, restoreTarget } = places
  if (tempDir) {
    done.push(...quietly(() => cleanupLeftoverPackages(tempDir), []))
    done.push(...quietly(() => cleanupLeftoverRestoreTests(tempDir), []))
    done.push(...removeDeadTemps(tempDir).map((n) => path.join(tempDir, n)))
  }
  // the secret hand-off's fifo folder, made in the process's temp folder before anything else
  for (const dir of new Set([tempDir, os.tmpdir()].filter((d): d is string => !!d)))
    done.push(...quietly(() => sweepDeadLeftovers(dir, HANDOFF_PREFIX), []))
  if (snapshotDir) {
    if (quietly(() => removeDeadLock(snapshotDir), false))
      done.push(`the lock a killed run left in ${snapshotDir}`)
    done.push(
      ...quietly(() => removeStaleTemps(snapshotDir), []).map((n) => path.join(snapshotDir, n))
    )
    done.push(...quietly(() => sweepClaims(snapshotDir), []).map((n) => path.join(snapshotDir, n)))
  }
  const folders = new Set(
    [manifestPath, reportPath].filter((p): p is string => !!p).map((p) => path.dirname(p))
  )
  if (snapshotDir) folders.delete(snapshotDir)
  for (const dir of folders) {
    done.push(...removeDeadTemps(dir).map((n) => path.join(dir, n)))
    // a restore-test of a snapshot kept beside its manifest (a downloaded artifact) claims it there
    done.push(...quietly(() => sweepClaims(dir), []).map((n) => path.join(dir, n)))
  }
  if (restoreTarget) {
    done.push(...quietly(() => cleanupLeftoverStaging(restoreTarget), []))
  }
  return done
}
