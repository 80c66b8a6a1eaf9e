import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { NoGoError } from '../outcome/step-result.js'
import { tempNameFor, TEMP_NAME } from '../util/atomic-write.js'
import { CAPS, readRegularFileStat } from '../util/read-regular-file.js'
import {
  bootPrefix,
  identityOf,
  liveness,
  selfIdentity,
  type ProcessIdentity
} from '../util/process-identity.js'
import { registerStopper } from '../runtime/cleanup-on-exit.js'

export const LOCK_NAME = '.cutover-gate.lock'

/** A lock names one process, and one taking of the lock by it (two lanes of one process differ). */
const LockSchema = z.object({
  pid: z.number().int().positive(),
  startTime: z.string().regex(/^\d+$/),
  bootId: z.string().min(1),
  host: z.string().min(1),
  token: z.string().regex(/^[0-9a-f]{32}$/)
})

export interface SnapshotDirLock {
  readonly path: string
  /** NO-GO unless the lock file still is the one this run linked: call right before committing. */
  assertHeld(): void
  /** Removes the lock if it still is ours; never someone else's. */
  release(): void
}

function sameFile(a: fs.Stats, b: fs.Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino
}

function unparsable(lockPath: string): NoGoError {
  return new NoGoError(
    `snapshot-dir lock ${lockPath} does not name a cutover-gate run (empty, damaged or from an older version); remove it if no run is active`
  )
}

/** The lock file as it is now: its inode, its text and the holder it names (or undefined). */
function readLock(lockPath: string): { stat: fs.Stats; text: string } | undefined {
  try {
    // non-blocking and capped: a fifo or giant planted as the lock must not hang the run
    return readRegularFileStat(lockPath, CAPS.lock)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new NoGoError(`cannot read snapshot-dir lock ${lockPath}: ${(error as Error).message}`)
  }
}

function holderOf(text: string): ProcessIdentity | undefined {
  try {
    const parsed = LockSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

/**
 * Moves a proven-stale lock aside, only if it still is the very file judged: a lock that changed
 * hands meanwhile (another taker was faster) is put back, and this run does not take it.
 */
function takeOver(lockPath: string, judged: fs.Stats, judgedText: string): void {
  const aside = tempNameFor(lockPath)
  try {
    fs.renameSync(lockPath, aside)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return // someone removed it: retry
    throw error
  }
  const moved = readLock(aside)
  if (moved && sameFile(moved.stat, judged) && moved.text === judgedText) {
    fs.rmSync(aside, { force: true })
    return
  }
  try {
    fs.linkSync(aside, lockPath)
  } catch {
    // a third run linked meanwhile; the one displaced sees it at its next commit point
  }
  fs.rmSync(aside, { force: true })
  throw new NoGoError(
    `snapshot-dir lock ${lockPath} changed hands while this run took over a stale one; another run is active, rerun after it`
  )
}

/**
 * One writer per snapshot-dir. The lock appears whole (a temp file holding the holder's identity,
 * then link(2), which fails atomically if the name exists), and is taken over only when its
 * holder is proven gone: same host and boot, and its pid free or started at another time.
 */
export function lockSnapshotDir(dir: string): SnapshotDirLock {
  const lockPath = path.join(dir, LOCK_NAME)
  const text = `${JSON.stringify({ ...selfIdentity(), token: randomBytes(16).toString('hex') })}\n`
  const temp = tempNameFor(lockPath)
  const fd = fs.openSync(temp, 'wx', 0o600)
  try {
    fs.writeFileSync(fd, text)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.linkSync(temp, lockPath)
        return heldLock(lockPath, fs.statSync(temp), text)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      const found = readLock(lockPath)
      if (!found) continue
      const holder = holderOf(found.text)
      if (!holder) throw unparsable(lockPath)
      const state = liveness(holder)
      if (state !== 'dead') {
        throw new NoGoError(
          `snapshot-dir ${dir} is locked by another cutover-gate run (pid ${holder.pid})${state === 'unknown' ? ` on ${holder.host}, which this machine cannot check` : ''}; wait for it to finish, or remove ${lockPath} if no run is active`
        )
      }
      takeOver(lockPath, found.stat, found.text)
    }
    throw new NoGoError(
      `snapshot-dir lock ${lockPath} could not be taken: it keeps changing hands; rerun when no other run is active`
    )
  } finally {
    fs.rmSync(temp, { force: true })
  }
}

/**
 * For the post step after a killed run: removes the snapshot-dir lock when its holder is proven
 * gone (never on a guess, never a live run's). Returns whether it removed one.
 */
export function removeDeadLock(dir: string): boolean {
  const lockPath = path.join(dir, LOCK_NAME)
  const found = readLock(lockPath)
  if (!found) return false
  const holder = holderOf(found.text)
  if (!holder || liveness(holder) !== 'dead') return false
  takeOver(lockPath, found.stat, found.text)
  return !fs.existsSync(lockPath)
}

function heldLock(lockPath: string, mine: fs.Stats, text: string): SnapshotDirLock {
  const stillOurs = (): boolean => {
    const now = readLock(lockPath)
    return now !== undefined && sameFile(now.stat, mine) && now.text === text
  }
  // a signal mid-snapshot must not leave the lock behind: released (if still ours) on any exit
  const forget = registerStopper(() => {
    if (stillOurs()) fs.rmSync(lockPath, { force: true })
  })
  return {
    path: lockPath,
    assertHeld() {
      if (!stillOurs()) {
        throw new NoGoError(
          `snapshot-dir lock ${lockPath} no longer names this run (another run took it); nothing more was written: rerun when no other run is active`
        )
      }
    },
    release() {
      forget()
      if (stillOurs()) fs.rmSync(lockPath, { force: true })
    }
  }
}

/**
 * Removes temp files a killed run left behind. Their names carry the writer's pid, start time and
 * boot id: removed only when that writer is proven gone. Older names carry a pid alone: removed
 * only when no process has that pid at all.
 */
export function removeStaleTemps(dir: string): string[] {
  const removed: string[] = []
  for (const name of fs.readdirSync(dir)) {
    const match = TEMP_NAME.exec(name)
    if (!match) continue
    const [, pid, startTime, boot] = match
    const me = selfIdentity()
    const gone = startTime
      ? (me.bootId !== 'unknown' && boot !== bootPrefix(me.bootId)) ||
        liveness({ ...me, pid: Number(pid), startTime }) === 'dead'
      : identityOf(Number(pid)) === undefined
    if (gone) {
      fs.rmSync(path.join(dir, name), { force: true })
      removed.push(name)
    }
  }
  return removed
}
