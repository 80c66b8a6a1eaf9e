import fs from 'node:fs'
import path from 'node:path'
import { lockSnapshotDir } from '../snapshot/snapshot-dir-lock.js'
import { fsyncDir } from '../util/atomic-write.js'
import { readCatalogue, usable, type Catalogue, type CatalogueEntry } from './read-catalogue.js'

/** One snapshot the prune removed (or, for a leftover manifest, finished removing). */
export interface PrunedSnapshot {
  id: string
  file: string
  manifest: string
  /** Bytes given back: the snapshot file (0 when a crash had removed it already) and its manifest. */
  freedBytes: number
}

export interface PrunePlan {
  prune: CatalogueEntry[]
  /** Manifests whose file is gone: what a prune killed between its two unlinks leaves. */
  finish: CatalogueEntry[]
}

const FILE_MISSING = /^snapshot file is missing/

/**
 * Which entries go: usable snapshots beyond the newest keepLast, except the protected files (the
 * one just verified, the one latest-manifest names). Orphans and damaged entries always stay.
 */
export function planPrune(
  catalogue: Catalogue,
  keepLast: number,
  protectedFiles: ReadonlySet<string>
): PrunePlan {
  if (keepLast <= 0) return { prune: [], finish: [] }
  const newestFirst = catalogue.entries.filter(usable)
  const prune = newestFirst
    .slice(keepLast)
    .filter((entry) => !entry.latest && !protectedFiles.has(entry.file))
  const finish = catalogue.entries.filter(
    (entry) => !entry.orphan && entry.file !== '' && FILE_MISSING.test(entry.problem ?? '')
  )
  return { prune, finish }
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
 * Applies the plan under the snapshot-dir lock, re-reading the catalogue there. For each entry the
 * snapshot file goes first and its manifest second, each unlink made durable before the next: a
 * crash in between leaves a manifest without its file, which list shows, snapshot: <id> refuses,
 * and the next prune finishes. Never a snapshot file without its manifest (an orphan).
 */
export function pruneSnapshots(
  snapshotDir: string,
  latestManifestPath: string,
  keepLast: number,
  protectedFiles: ReadonlySet<string>
): { pruned: PrunedSnapshot[]; catalogue: Catalogue } {
  if (keepLast <= 0)
    return { pruned: [], catalogue: readCatalogue(snapshotDir, latestManifestPath) }
  const lock = lockSnapshotDir(snapshotDir)
  try {
    const plan = planPrune(readCatalogue(snapshotDir, latestManifestPath), keepLast, protectedFiles)
    const pruned: PrunedSnapshot[] = []
    for (const entry of [...plan.finish, ...plan.prune]) {
      const file = path.join(snapshotDir, entry.file)
      const manifest = path.join(snapshotDir, entry.manifest)
      const freedBytes = sizeOf(file) + sizeOf(manifest)
      lock.assertHeld()
      unlinkIfThere(file)
      fsyncDir(snapshotDir)
      unlinkIfThere(manifest)
      fsyncDir(snapshotDir)
      pruned.push({ id: entry.id, file: entry.file, manifest: entry.manifest, freedBytes })
    }
    return { pruned, catalogue: readCatalogue(snapshotDir, latestManifestPath) }
  } finally {
    lock.release()
  }
}
