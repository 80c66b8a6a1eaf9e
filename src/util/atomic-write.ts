import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/** A temp name beside the target, so the final rename stays on one filesystem. */
export function tempNameFor(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
  )
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
