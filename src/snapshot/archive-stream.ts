import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { NoGoError } from '../lane/step-result.js'
import { INDEX_PATH, IndexBuilder, MODE_MASK } from './index-format.js'
import { END_OF_ARCHIVE, encodeTarHeader, paddingFor } from './tar-header.js'
import type { WalkEntry } from './walk.js'

/** Read size for file data: large enough that syscalls and stream chunks stay few. */
const READ_CHUNK = 1024 * 1024
/** Small pieces (headers, small files) are gathered into one buffer of about this size. */
const BATCH = 1024 * 1024

export interface ArchiveProgress {
  entries: number
  files: number
  bytes: number
}

function cannotRead(rel: string, error: unknown): NoGoError {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'EACCES' || code === 'EPERM') {
    return new NoGoError(`cannot read ${rel}: permission denied; give the runner read access to it`)
  }
  if (code === 'ENOENT') {
    return new NoGoError(
      `${rel} vanished while the snapshot was being taken; stop writes to the repository and rerun`
    )
  }
  return new NoGoError(`cannot read ${rel}: ${code ?? String(error)}`)
}

function changed(rel: string, how: string): NoGoError {
  return new NoGoError(
    `${rel} changed while the snapshot was being taken (${how}); stop writes to the repository and rerun`
  )
}

/**
 * The snapshot's plaintext: a POSIX tar of the walked entries, each file read once and hashed as
 * it streams, then the index as the last entry. Yields buffers of about BATCH bytes.
 */
export async function* archiveStream(
  entries: Iterable<WalkEntry>,
  index: IndexBuilder,
  onProgress?: (progress: ArchiveProgress) => void
): AsyncGenerator<Buffer> {
  let pending: Buffer[] = []
  let pendingBytes = 0
  const progress: ArchiveProgress = { entries: 0, files: 0, bytes: 0 }
  const push = (piece: Buffer) => {
    pending.push(piece)
    pendingBytes += piece.length
  }
  const flush = (): Buffer => {
    const out = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes)
    pending = []
    pendingBytes = 0
    return out
  }

  for (const entry of entries) {
    const mode = entry.kind === 'symlink' ? 0o777 : entry.stat.mode & MODE_MASK
    if (entry.kind === 'dir') {
      push(
        encodeTarHeader({ path: entry.rel, type: 'dir', mode, size: 0, mtime: entry.stat.mtime })
      )
      index.add({ path: entry.rel, type: 'dir', mode })
    } else if (entry.kind === 'symlink') {
      const target = entry.target!
      push(
        encodeTarHeader({
          path: entry.rel,
          type: 'symlink',
          mode,
          size: 0,
          mtime: entry.stat.mtime,
          linkpath: target
        })
      )
      index.add({ path: entry.rel, type: 'symlink', mode, target })
    } else {
      let fd: number
      try {
        fd = fs.openSync(entry.abs, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW)
      } catch (error) {
        throw cannotRead(entry.rel, error)
      }
      try {
        const before = fs.fstatSync(fd)
        if (!before.isFile()) throw changed(entry.rel, 'it is no longer a regular file')
        const size = before.size
        push(encodeTarHeader({ path: entry.rel, type: 'file', mode, size, mtime: before.mtime }))
        const hash = createHash('sha256')
        let done = 0
        while (done < size) {
          const want = Math.min(READ_CHUNK, size - done)
          const buf = Buffer.allocUnsafe(want)
          let got: number
          try {
            got = fs.readSync(fd, buf, 0, want, done)
          } catch (error) {
            throw cannotRead(entry.rel, error)
          }
          if (got === 0) throw changed(entry.rel, 'it shrank')
          const piece = got === want ? buf : buf.subarray(0, got)
          hash.update(piece)
          push(piece)
          done += got
          progress.bytes += got
          if (pendingBytes >= BATCH) yield flush()
        }
        const after = fs.fstatSync(fd)
        if (after.size !== size || after.mtimeMs !== before.mtimeMs) {
          throw changed(entry.rel, 'it was written to')
        }
        const pad = paddingFor(size)
        if (pad > 0) push(Buffer.alloc(pad))
        index.add({ path: entry.rel, type: 'file', mode, size, sha256: hash.digest('hex') })
        progress.files++
      } finally {
        fs.closeSync(fd)
      }
    }
    progress.entries++
    onProgress?.(progress)
    if (pendingBytes >= BATCH) yield flush()
  }

  const indexBytes = index.bytesOfIndex()
  push(
    encodeTarHeader({
      path: INDEX_PATH,
      type: 'file',
      mode: 0o644,
      size: indexBytes.length,
      mtime: new Date(0)
    })
  )
  push(indexBytes)
  const pad = paddingFor(indexBytes.length)
  if (pad > 0) push(Buffer.alloc(pad))
  push(END_OF_ARCHIVE)
  yield flush()
}
