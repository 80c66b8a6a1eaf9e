import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { NoGoError } from '../outcome/step-result.js'
import { registerPath, unregisterPath } from '../runtime/cleanup-on-exit.js'
import { fsyncDir, MAKER_TAG, makerIsDead, writerTag } from '../util/atomic-write.js'
import { idOfSnapshotName, snapshotManifestName } from '../format/catalogue-names.js'

/**
 * A reader's claim on a snapshot file: an empty file beside it, `.<file>.claim-<maker tag>-<random>`.
 * Its name proves whose it is, so a claim lasts while its reader lives and no longer.
 */
export const CLAIM_NAME = new RegExp(`^\\.(.+)\\.claim-${MAKER_TAG}-[0-9a-f]{8}$`)

/**
 * A snapshot file a prune has moved aside while it checks for claims:
 * `.<file>.pruning-<maker tag>-<random>`. A prune that dies there leaves it; it is settled by
 * whether the manifest is still there (see settleTombstone).
 */
export const TOMBSTONE_NAME = new RegExp(`^\\.(.+)\\.pruning-${MAKER_TAG}-[0-9a-f]{8}$`)

export type ClaimState = 'live' | 'dead'

interface Tagged {
  name: string
  /** The snapshot file name it is about. */
  file: string
  state: ClaimState
}

function tagged(dir: string, pattern: RegExp): Tagged[] {
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch {
    return []
  }
  const found: Tagged[] = []
  for (const name of names) {
    const m = pattern.exec(name)
    if (!m) continue
    const [, file, pid, start, boot] = m
    found.push({ name, file: file!, state: makerIsDead(pid!, start!, boot!) ? 'dead' : 'live' })
  }
  return found
}

/** Claims in dir, each with whether its reader is proven dead (a dead claim holds nothing). */
export function claimsIn(dir: string): Tagged[] {
  return tagged(dir, CLAIM_NAME)
}

/** Snapshot file names of dir with a claim whose reader is not proven dead. */
export function claimedFiles(dir: string): Set<string> {
  return new Set(
    claimsIn(dir)
      .filter((c) => c.state === 'live')
      .map((c) => c.file)
  )
}

export function tombstonesIn(dir: string): Tagged[] {
  return tagged(dir, TOMBSTONE_NAME)
}

/**
 * Settles a dead prune's tombstone as that prune had got: its manifest still there means the prune
 * had not committed, and the file goes back under its name (never over a file that has it now);
 * the manifest gone means it had, and the tombstone goes too. Never an orphan, never a manifest
 * without its file.
 */
export function settleTombstone(dir: string, tombstone: string, file: string): void {
  const id = idOfSnapshotName(file)
  if (id === undefined || !fs.existsSync(path.join(dir, snapshotManifestName(id)))) {
    fs.rmSync(path.join(dir, tombstone), { force: true })
    fsyncDir(dir)
    return
  }
  restoreTombstone(dir, tombstone, file)
}

/** Puts a tombstone back under its name (never over a file that has it now). */
export function restoreTombstone(dir: string, tombstone: string, file: string): void {
  try {
    fs.linkSync(path.join(dir, tombstone), path.join(dir, file))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  fs.rmSync(path.join(dir, tombstone), { force: true })
  fsyncDir(dir)
}

/** Removes dead readers' claims and settles dead prunes' tombstones; returns what it touched. */
export function sweepClaims(dir: string): string[] {
  const touched: string[] = []
  for (const claim of claimsIn(dir)) {
    if (claim.state !== 'dead') continue
    fs.rmSync(path.join(dir, claim.name), { force: true })
    touched.push(claim.name)
  }
  for (const tomb of tombstonesIn(dir)) {
    if (tomb.state !== 'dead') continue
    settleTombstone(dir, tomb.name, tomb.file)
    touched.push(tomb.name)
  }
  return touched
}

export interface SnapshotClaim {
  readonly path: string
  release(): void
}

const TOMBSTONE_WAIT_MS = 30_000

/**
 * Claims the snapshot file a reader is about to read, for as long as it reads it. The claim is
 * made first, then the file is looked for: a prune either saw the claim (and keeps the file) or
 * moved the file aside before it (the claim then waits for the prune's verdict: put back, or gone).
 */
export async function claimSnapshot(snapshotPath: string): Promise<SnapshotClaim> {
  const dir = path.dirname(snapshotPath)
  const file = path.basename(snapshotPath)
  const claimPath = path.join(
    dir,
    `.${file}.claim-${writerTag()}-${randomBytes(4).toString('hex')}`
  )
  registerPath(claimPath)
  try {
    fs.closeSync(fs.openSync(claimPath, 'wx', 0o600))
  } catch (error) {
    unregisterPath(claimPath)
    const code = (error as NodeJS.ErrnoException).code
    // a folder the reader cannot write (a downloaded artifact, read-only media) holds no prune
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOENT')
      return { path: '', release: () => {} }
    throw error
  }
  fsyncDir(dir)
  const release = (): void => {
    fs.rmSync(claimPath, { force: true })
    unregisterPath(claimPath)
  }
  const deadline = Date.now() + TOMBSTONE_WAIT_MS
  for (;;) {
    const pending = tombstonesIn(dir).filter((t) => t.file === file)
    if (pending.length === 0) break
    for (const t of pending) if (t.state === 'dead') settleTombstone(dir, t.name, t.file)
    if (Date.now() > deadline) {
      release()
      throw new NoGoError(
        `snapshot ${file} is held aside by a prune in ${dir} that does not finish; rerun when no other run is active`
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return { path: claimPath, release }
}
