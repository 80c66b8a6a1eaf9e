import { createHash } from 'node:crypto'
import { open, type FileHandle } from 'node:fs/promises'
import { Writable } from 'node:stream'

/**
 * Every this many bytes written, the file's data is flushed to disk in the background. Left to
 * the kernel, nothing of a 135 MiB snapshot reaches the disk before the closing fsync (its
 * writeback waits 30 s or for ~10% of memory to be dirty), and that fsync then took 0.1–0.3 s
 * of nothing else happening; flushed as it goes, the disk works while the pipeline does.
 */
export const FLUSH_EVERY = 16 * 1024 * 1024

/**
 * A new file written in order, each chunk hashed on its way to disk, so the SHA-256 covers the
 * file as written without reading it back. Created with `wx` (never an existing file; mode
 * 0o600) and synced before the stream finishes; `size` and `digestHex()` describe it then.
 */
export class HashedFileWriter extends Writable {
  readonly #path: string
  readonly #hash = createHash('sha256')
  #handle: FileHandle | undefined
  #position = 0
  #digest: string | undefined
  /** The background flush in flight, if any, and where the next one is due. */
  #flushing: Promise<void> | undefined
  #flushAt = FLUSH_EVERY
  /** A background flush that failed: the data may not be on disk, so the file is not good. */
  #flushError: Error | undefined

  constructor(filePath: string) {
    super({ highWaterMark: 4 * 1024 * 1024 })
    this.#path = filePath
  }

  /** Bytes written so far. */
  get size(): number {
    return this.#position
  }

  /** SHA-256 of the whole file, once the stream has finished. */
  digestHex(): string {
    if (this.#digest === undefined) throw new Error(`${this.#path} is not finished yet`)
    return this.#digest
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.#path, 'wx', 0o600).then((handle) => {
      this.#handle = handle
      callback()
    }, callback)
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (e?: Error) => void): void {
    this.#append([chunk]).then(() => callback(), callback)
  }

  override _writev(
    chunks: { chunk: Buffer; encoding: BufferEncoding }[],
    callback: (e?: Error) => void
  ): void {
    this.#append(chunks.map((c) => c.chunk)).then(() => callback(), callback)
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#finish().then(() => callback(), callback)
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const handle = this.#handle
    this.#handle = undefined
    if (!handle) {
      callback(error)
      return
    }
    // a flush still running uses the descriptor: close after it
    Promise.resolve(this.#flushing)
      .then(() => handle.close())
      .then(
        () => callback(error),
        (closeError: unknown) => callback(error ?? (closeError as Error))
      )
  }

  async #append(chunks: Buffer[]): Promise<void> {
    // hashed while the write is on the threadpool: the two overlap
    const written = writeAllAt(this.#open(), chunks, this.#position)
    for (const chunk of chunks) this.#hash.update(chunk)
    this.#position += await written
    this.#flushInBackground()
  }

  /**
   * Starts fdatasync once FLUSH_EVERY more bytes are written, one at a time, never awaited
   * here: writes go on meanwhile. Its error is kept (Linux reports a writeback error once) and
   * fails the next write or the finish.
   */
  #flushInBackground(): void {
    if (this.#flushError) throw this.#flushError
    if (this.#flushing || this.#position < this.#flushAt) return
    this.#flushAt = this.#position + FLUSH_EVERY
    this.#flushing = this.#open()
      .datasync()
      .catch((error: unknown) => {
        this.#flushError = error instanceof Error ? error : new Error(String(error))
      })
      .finally(() => {
        this.#flushing = undefined
      })
  }

  async #finish(): Promise<void> {
    const handle = this.#open()
    await this.#flushing
    if (this.#flushError) throw this.#flushError
    await handle.sync()
    this.#handle = undefined
    await handle.close()
    this.#digest = this.#hash.digest('hex')
  }

  #open(): FileHandle {
    if (!this.#handle) throw new Error(`${this.#path} is closed`)
    return this.#handle
  }
}

/**
 * Writes every byte of `chunks` at `position`, going on after a short write (a filling disk
 * writes what fits, then fails the next call with ENOSPC). Returns the bytes written.
 */
async function writeAllAt(handle: FileHandle, chunks: Buffer[], position: number): Promise<number> {
  let total = 0
  for (const chunk of chunks) total += chunk.length
  const left = chunks.filter((chunk) => chunk.length > 0)
  let first = 0
  for (let done = 0; done < total;) {
    const { bytesWritten } = await handle.writev(
      first === 0 ? left : left.slice(first),
      position + done
    )
    if (bytesWritten <= 0) throw new Error(`writing stopped ${total - done} bytes short`)
    done += bytesWritten
    // drop what was written: whole chunks, then the front of a partly written one
    for (let skip = bytesWritten; skip > 0;) {
      const chunk = left[first] as Buffer
      if (skip < chunk.length) {
        left[first] = chunk.subarray(skip)
        skip = 0
      } else {
        skip -= chunk.length
        first++
      }
    }
  }
  return total
}
