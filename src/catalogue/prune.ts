import fs from 'node:fs'
import path from 'node:path'
import { lockSnapshotDir } from '../snapshot/snapshot-dir-lock.js'
import { randomBytes } from 'node:crypto'
import { fsyncDir, writerTag } from '../util/atomic-write.js'
import { claimedFiles, restoreTombstone, sweepClaims } from './claims.js'
import { readCatalogue, usable, type Catalogue, type CatalogueEntry } from './read-catalogue.js'

/** One snapshot the prune removed. */
export interface PrunedSnapshot {
  id: string
  file: string
  manifest: string
  /** Bytes given back: the snapshot file and its manifest. */
  freedBytes: number
}

/** A snapshot keep-last would have removed, kept because a reader holds a claim on it. */
export interface KeptSnapshot {
  id: string
  file: string
  reason: 'claimed'
}

export interface PrunePlan {
  prune: CatalogueEntry[]
  /** Beyond keep-last, but a live reader claims them (a rollback or restore-test reading). */
  claimed: CatalogueEntry[]
}

/**
 * Which entries go: usable snapshots beyond the newest keepLast, except the protected files (the
 * one just verified, the one latest-manifest names) and the claimed ones (a reader is reading
 * them). Orphans and damaged entries always stay; so does a manifest whose snapshot file is missing
 * (moved away by hand, or by a prune killed between its two unlinks): only its owner knows which.
 */
export function planPrune(
  catalogue: Catalogue,
  keepLast: number,
  protectedFiles: ReadonlySet<string>,
  claimed: ReadonlySet<string> = new Set()
): PrunePlan {
  if (keepLast <= 0) return { prune: [], claimed: [] }
  const beyond = catalogue.entries
    .filter(usable)
    .slice(keepLast)
    .filter((entry) => !entry.latest && !protectedFiles.has(entry.file))
  return {
    prune: beyond.filter((entry) => !claimed.has(entry.file)),
    claimed: beyond.filter((entry) => claimed.has(entry.file))
  }
}

function sizeOf(file: string): number {
  try {
    return fs.lstatSync(file).size
  } catch {
    return 0
  }
}

function unlinkIfThere(file: string): void {
  try {
    fs.unlinkSync(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}

/**
 * Removes one snapshot unless a reader claims it. The file is moved aside first, then the claims
 * are read again: a reader claims before it looks for the file, so either this prune sees its
 * claim (and puts the file back) or the reader finds the file aside and waits for the verdict.
 * The manifest's unlink is the commit point; the file's bytes go last. A prune killed before it
 * leaves the file aside with its manifest (put back), after it the file aside alone (removed):
 * never an orphan, never a manifest without its file. Each step is made durable before the next.
 */
function pruneOne(snapshotDir: string, entry: CatalogueEntry): 'pruned' | 'claimed' {
  const file = path.join(snapshotDir, entry.file)
  const tombstone = `.${entry.file}.pruning-${writerTag()}-${randomBytes(4).toString('hex')}`
  if (claimedFiles(snapshotDir).has(entry.file)) return 'claimed'
  fs.renameSync(file, path.join(snapshotDir, tombstone))
  fsyncDir(snapshotDir)
  if (claimedFiles(snapshotDir).has(entry.file)) {
    restoreTombstone(snapshotDir, tombstone, entry.file)
    return 'claimed'
  }
  unlinkIfThere(path.join(snapshotDir, entry.manifest))
  fsyncDir(snapshotDir)
  unlinkIfThere(path.join(snapshotDir, tombstone))
  fsyncDir(snapshotDir)
  return 'pruned'
}

/**
 * Applies the plan under the snapshot-dir lock, re-reading the catalogue and the claims there.
 * Never a snapshot file without its manifest (an orphan), never a claimed snapshot, never a
 * manifest whose file is missing.
 */
export function pruneSnapshots(
  snapshotDir: string,
  latestManifestPath: string,
  keepLast: number,
  protectedFiles: ReadonlySet<string>
): { pruned: PrunedSnapshot[]; kept: KeptSnapshot[]; catalogue: Catalogue } {
  if (keepLast <= 0)
    return { pruned: [], kept: [], catalogue: readCatalogue(snapshotDir, latestManifestPath) }
  const lock = lockSnapshotDir(snapshotDir)
  try {
    sweepClaims(snapshotDir)
    const plan = planPrune(
      readCatalogue(snapshotDir, latestManifestPath),
      keepLast,
      protectedFiles,
      claimedFiles(snapshotDir)
    )
    const pruned: PrunedSnapshot[] = []
    const kept: KeptSnapshot[] = plan.claimed.map((e) => ({
      id: e.id,
      file: e.file,
      reason: 'claimed'
    }))
    for (const entry of plan.prune) {
      const freedBytes =
        sizeOf(path.join(snapshotDir, entry.file)) + sizeOf(path.join(snapshotDir, entry.manifest))
      lock.assertHeld()
      if (pruneOne(snapshotDir, entry) === 'claimed') {
        kept.push({ id: entry.id, file: entry.file, reason: 'claimed' })
      } else {
        pruned.push({ id: entry.id, file: entry.file, manifest: entry.manifest, freedBytes })
      }
    }
    return { pruned, kept, catalogue: readCatalogue(snapshotDir, latestManifestPath) }
  } finally {
    lock.release()
  }
}
