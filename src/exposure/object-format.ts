import crypto, { type Hash } from 'node:crypto'
import fs from 'node:fs'
import type { ObjectFormat } from '../hashing/blob-ids.js'
import { git } from '../util/git-output.js'

/** The repository's object format, as git itself reports it (`extensions.objectFormat`). */
export async function objectFormatOf(repo: string): Promise<ObjectFormat> {
  const answer = await git(repo, ['rev-parse', '--show-object-format'])
  if (!answer.ok) throw new Error(`git rev-parse --show-object-format failed: ${answer.error}`)
  const format = answer.out.trim()
  if (format === 'sha1' || format === 'sha256') return format
  throw new Error(`git reports object format "${format}", which this audit does not know`)
}

/** The id of the empty tree: a commit whose include resolves to it holds nothing there. */
export function emptyTreeId(format: ObjectFormat): string {
  return crypto
    .createHash(format === 'sha1' ? 'sha1' : 'sha256')
    .update('tree 0\0')
    .digest('hex')
}

const CHUNK = 1024 * 1024

/**
 * Feeds a file's bytes to `hash` (a blob id's, its `blob <size>\0` already in), with one buffer;
 * false when the file does not hold `size` bytes as it is read (its id would be of no version
 * that exists).
 */
export function hashFileBytes(hash: Hash, file: string, size: number): boolean {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW)
  try {
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, 1)))
    let read = 0
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, null)
      if (n === 0) break
      read += n
      if (read > size) return false
      hash.update(buffer.subarray(0, n))
    }
    return read === size
  } finally {
    fs.closeSync(fd)
  }
}
