import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { bootPrefix, identityOf, liveness, readBootId, selfIdentity } from './process-identity.js'

/**
 * A temp name beside the target, so the final rename stays on one filesystem. It names its writer
 * (pid, start time, boot id prefix), so a leftover is removed only once that writer is proven gone.
 */
export function tempNameFor(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.tmp-${writerTag()}-${randomBytes(4).toString('hex')}`
  )
}

/** `.name.tmp-<pid>-<start time>-<boot id prefix>-<random>`; older ones lack the middle two. */
export const TEMP_NAME = /^\..+\.tmp-(\d+)-(?:(\d+)-([0-9a-f]{8})-)?[0-9a-f]{8}$/

let tag: string | undefined
/** `<pid>-<start time>-<boot id prefix>`: what every name this tool makes carries of its maker. */
export function writerTag(): string {
  const me = identityOf(process.pid)
  tag ??= me ? `${me.pid}-${me.startTime}-${bootPrefix(me.bootId)}` : `${process.pid}`
  return tag
}

/** The maker tag inside a name: pid, start time, boot id prefix. */
export const MAKER_TAG = String.raw`(\d+)-(\d+)-([0-9a-f]{8})`

/**
 * Whether the maker a name's tag names is proven gone: another boot of this machine, or its pid
 * free or held by a process started at another time. Names carry no host: the folders they live in
 * (snapshot-dir, the runner's temp, a restore target) are judged by this machine's runs.
 */
export function makerIsDead(pid: string, startTime: string, boot: string): boolean {
  const bootId = readBootId()
  if (bootId === 'unknown') return false
  if (boot !== bootPrefix(bootId)) return true
  return liveness({ ...selfIdentity(), pid: Number(pid), startTime }) === 'dead'
}

/** Flushes a folder's entry table, so a rename inside it survives a crash. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined
  try {
    fd = fs.openSync(dir, 'r')
    fs.fsyncSync(fd)
  } catch {
    // Some filesystems refuse fsync on folders; the rename is still atomic there.
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
}

/** Writes a whole file atomically: temp file, fsync, rename over the target, fsync the folder. */
export function writeFileAtomic(target: string, data: string | Uint8Array, mode = 0o644): void {
  fs.mkdirSync(path.dirname(target), { recursive: true })
  const temp = tempNameFor(target)
  const fd = fs.openSync(temp, 'wx', mode)
  try {
    fs.writeFileSync(fd, data)
    fs.fsyncSync(fd)
  } catch (error) {
    fs.closeSync(fd)
    fs.rmSync(temp, { force: true })
    throw error
  }
  fs.closeSync(fd)
  try {
    fs.renameSync(temp, target)
  } catch (error) {
    fs.rmSync(temp, { force: true })
    throw error
  }
  fsyncDir(path.dirname(target))
}

/**
 * Removes the temp files of dir whose names prove their writer dead (a killed run's partial
 * snapshot, manifest, report or journal); returns their names. A live writer's, and any name this
 * tool does not write, stays.
 */
export function removeDeadTemps(dir: string): string[] {
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch {
    return []
  }
  const removed: string[] = []
  for (const name of names) {
    const match = TEMP_NAME.exec(name)
    if (!match || match[2] === undefined) continue
    if (!makerIsDead(match[1]!, match[2], match[3]!)) continue
    fs.rmSync(path.join(dir, name), { force: true })
    removed.push(name)
  }
  return removed
}
