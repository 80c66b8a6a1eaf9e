import crypto from 'node:crypto'
import fs from 'node:fs'
import { git } from '../util/git-output.js'

/** The two object formats git has: ids are SHA-1 (40 hex) or SHA-256 (64 hex). */
export type ObjectFormat = 'sha1' | 'sha256'

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
 * The git blob id of a file's bytes (`git hash-object` without filters): the hash of
 * `blob <size>\0` and the content. Reads with one buffer; a file that changes size while it is
 * read gets undefined (its id would be of no version that exists).
 */
export function blobIdOfFile(file: string, size: number, format: ObjectFormat): string | undefined {
  const hash = crypto.createHash(format === 'sha1' ? 'sha1' : 'sha256')
  hash.update(`blob ${size}\0`)
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW)
  try {
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, 1)))
    let read = 0
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, null)
      if (n === 0) break
      read += n
      if (read > size) return undefined
      hash.update(buffer.subarray(0, n))
    }
    return read === size ? hash.digest('hex') : undefined
  } finally {
    fs.closeSync(fd)
  }
}
