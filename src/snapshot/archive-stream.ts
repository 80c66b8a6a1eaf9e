import { createHash } from 'node:crypto'
import fs from 'node:fs'
import type { BlobIdTally } from '../hashing/blob-ids.js'
import { NoGoError } from '../outcome/step-result.js'
import { privateName } from '../privacy/private-name.js'
import { INDEX_PATH, MODE_MASK } from '../format/index-format.js'
import type { IndexBuilder } from './index-builder.js'
import { encodeTarHeader } from '../tar/encode-header.js'
import { END_OF_ARCHIVE, paddingFor } from '../tar/layout.js'
import type { LiveWriterWatch } from './live-writers.js'
import type { WalkEntry } from './walk.js'
import { BufferPool } from '../util/buffer-pool.js'

/** Output buffers are this size: file data is read straight into them, so each byte is copied once. */
export const BATCH = 1024 * 1024

/** Fills fixed-size buffers from the pool in place and hands each one out when it is full. */
class BatchBuffer {
  private buf: Buffer
  used = 0

  constructor(private readonly pool: BufferPool) {
    this.buf = pool.take()
  }

  get space(): number {
    return BATCH - this.used
  }

  /** The free tail of the current buffer, to read file data into. */
  tail(): Buffer {
    return this.buf
  }

  /** Takes the full buffer out and starts a new one. */
  take(): Buffer {
    const out = this.used === BATCH ? this.buf : this.buf.subarray(0, this.used)
    this.buf = this.pool.take()
    this.used = 0
    return out
  }

  /** Copies small pieces (headers, the index); returns the full buffers it filled on the way. */
  copy(piece: Buffer, out: Buffer[]): void {
    let at = 0
    while (at < piece.length) {
      const n = Math.min(this.space, piece.length - at)
      piece.copy(this.buf, this.used, at, at + n)
      this.used += n
      at += n
      if (this.space === 0) out.push(this.take())
    }
  }

  zeros(count: number, out: Buffer[]): void {
    let left = count
    while (left > 0) {
      const n = Math.min(this.space, left)
      this.buf.fill(0, this.used, this.used + n)
      this.used += n
      left -= n
      if (this.space === 0) out.push(this.take())
    }
  }
}

export interface ArchiveProgress {
  entries: number
  files: number
  bytes: number
}

function cannotRead(name: string, error: unknown): NoGoError {
  const rel = privateName(name)
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'EACCES' || code === 'EPERM') {
    return new NoGoError(`cannot read ${rel}: permission denied; give the runner read access to it`)
  }
  if (code === 'ENOENT') {
    return new NoGoError(
      `${rel} vanished while the snapshot was being taken; stop writes to the repository and rerun`
    )
  }
  return new NoGoError(`cannot read ${rel}: ${code ?? 'error'}`)
}

function changed(rel: string, how: string): NoGoError {
  return new NoGoError(
    `${privateName(rel)} changed while the snapshot was being taken (${how}); pause rollout and isolate writes (runbook decision point B): stop the writer and rerun`,
    'B'
  )
}

/**
 * The snapshot's plaintext: a POSIX tar of the walked entries, each file read once and hashed as
 * it streams, then the index as the last entry. Yields buffers of about BATCH bytes taken from
 * `pool` (of BATCH-byte buffers): whoever holds a yielded buffer last gives it back there.
 */
export async function* archiveStream(
  entries: Iterable<WalkEntry>,
  index: IndexBuilder,
  onProgress?: (progress: ArchiveProgress) => void,
  pool: BufferPool = new BufferPool(BATCH, 0),
  writers?: LiveWriterWatch,
  blobIds?: BlobIdTally
): AsyncGenerator<Buffer> {
  if (pool.size !== BATCH)
    throw new RangeError(`archiveStream needs a pool of ${BATCH}-byte buffers`)
  const batch = new BatchBuffer(pool)
  const full: Buffer[] = []
  const progress: ArchiveProgress = { entries: 0, files: 0, bytes: 0 }

  for (const entry of entries) {
    const mode = entry.kind === 'symlink' ? 0o777 : entry.stat.mode & MODE_MASK
    if (entry.kind === 'dir') {
      batch.copy(
        encodeTarHeader({ path: entry.rel, type: 'dir', mode, size: 0, mtime: entry.stat.mtime }),
        full
      )
      index.add({ path: entry.rel, type: 'dir', mode })
    } else if (entry.kind === 'symlink') {
      const target = entry.target!
      batch.copy(
        encodeTarHeader({
          path: entry.rel,
          type: 'symlink',
          mode,
          size: 0,
          mtime: entry.stat.mtime,
          linkpath: target
        }),
        full
      )
      index.add({ path: entry.rel, type: 'symlink', mode, target })
    } else {
      let fd: number
      try {
        // non-blocking: a file swapped for a fifo since the walk must not hang the snapshot in open()
        const flags = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK
        fd = fs.openSync(entry.abs, flags)
      } catch (error) {
        throw cannotRead(entry.rel, error)
      }
      try {
        // nanoseconds: a writer that puts the mtime back still moves the ctime
        const before = fs.fstatSync(fd, { bigint: true })
        if (!before.isFile()) throw changed(entry.rel, 'it is no longer a regular file')
        writers?.admit(entry.rel, before)
        const size = Number(before.size)
        batch.copy(
          encodeTarHeader({ path: entry.rel, type: 'file', mode, size, mtime: before.mtime }),
          full
        )
        const hash = createHash('sha256')
        // the git blob id too, from the same bytes, when the exposure audit will look them up
        const blob = blobIds?.begin(size)
        let done = 0
        while (done < size) {
          const want = Math.min(batch.space, size - done)
          let got: number
          try {
            got = fs.readSync(fd, batch.tail(), batch.used, want, done)
          } catch (error) {
            throw cannotRead(entry.rel, error)
          }
          if (got === 0) throw changed(entry.rel, 'it shrank')
          const bytes = batch.tail().subarray(batch.used, batch.used + got)
          hash.update(bytes)
          blob?.update(bytes)
          batch.used += got
          done += got
          progress.bytes += got
          if (batch.space === 0) full.push(batch.take())
          while (full.length > 0) yield full.shift()!
        }
        const after = fs.fstatSync(fd, { bigint: true })
        const moved = [
          after.size !== before.size && 'size',
          after.mtimeNs !== before.mtimeNs && 'mtime',
          after.ctimeNs !== before.ctimeNs && 'ctime'
        ].filter(Boolean)
        if (moved.length > 0) {
          const who = writers?.whoWrites(before) ?? ''
          throw changed(
            entry.rel,
            `it was written to: its ${moved.join(', ')} changed as it was read${who}`
          )
        }
        batch.zeros(paddingFor(size), full)
        index.add({ path: entry.rel, type: 'file', mode, size, sha256: hash.digest('hex') })
        if (blob) blobIds!.add(blob)
        progress.files++
      } finally {
        fs.closeSync(fd)
      }
    }
    progress.entries++
    onProgress?.(progress)
    while (full.length > 0) yield full.shift()!
  }
  // all data is read: a writer that started meanwhile shows now, before the index is written
  writers?.recheck()

  // the index, copied from its spill file straight into the batches
  const indexSize = index.size
  batch.copy(
    encodeTarHeader({
      path: INDEX_PATH,
      type: 'file',
      mode: 0o644,
      size: indexSize,
      mtime: new Date(0)
    }),
    full
  )
  for (let at = 0; at < indexSize;) {
    const want = Math.min(batch.space, indexSize - at)
    if (index.read(batch.tail(), batch.used, want, at) !== want)
      throw new Error('the index spill file is shorter than what was written to it')
    batch.used += want
    at += want
    if (batch.space === 0) full.push(batch.take())
    while (full.length > 0) yield full.shift()!
  }
  batch.zeros(paddingFor(indexSize), full)
  batch.copy(END_OF_ARCHIVE, full)
  yield* full
  if (batch.used > 0) yield batch.take()
}
