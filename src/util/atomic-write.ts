import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { bootPrefix, identityOf } from './process-identity.js'

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
function writerTag(): string {
  const me = identityOf(process.pid)
  tag ??= me ? `${me.pid}-${me.startTime}-${bootPrefix(me.bootId)}` : `${process.pid}`
  return tag
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
