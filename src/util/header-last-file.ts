import { createHash } from 'node:crypto'
import { open, type FileHandle } from 'node:fs/promises'
import { Writable } from 'node:stream'

const READ_BACK_SIZE = 1 << 20
/**
 * Every this many bytes written, the file's data is flushed to disk in the background. Left to
 * the kernel, nothing of a 135 MiB snapshot reaches the disk before the closing fsync (its
 * writeback waits 30 s or for ~10% of memory to be dirty), and that fsync then took 0.1–0.3 s
 * of nothing else happening; flushed as it goes, the disk works while the pipeline does.
 */
export const FLUSH_EVERY = 16 * 1024 * 1024

/**
 * A new file whose first `headerLength` bytes are known only later (an age header waiting on
 * scrypt). What is written streams to disk at once, from offset `headerLength`; when the header
 * arrives it is written at offset 0, and the bytes already on disk are read back to hash them,
 * so the SHA-256 covers the file in order without holding its body in memory. Once caught up,
 * every later write is hashed on its way, as a plain hashing writer would.
 *
 * The file is created (`wx+`: never an existing one; mode 0o600) and synced before the stream
 * finishes; `size` and `digestHex()` describe it then. A header that fails destroys the stream
 * with its error.
 */
export class HeaderLastFile extends Writable {
  readonly #path: string
  readonly #headerLength: number
  readonly #hash = createHash('sha256')
  #handle: FileHandle | undefined
  #header: Buffer | undefined
  /** Where the next write lands: the file's length so far, header space included. */
  #position: number
  /** True once the header and everything written before it arrived have been hashed. */
  #caughtUp = false
  readonly #headerReady: Promise<void>
  #digest: string | undefined
  /** The background flush in flight, if any, and where the next one is due. */
  #flushing: Promise<void> | undefined
  #flushAt = FLUSH_EVERY
  /** A background flush that failed: the data may not be on disk, so the file is not good. */
  #flushError: Error | undefined

  constructor(filePath: string, headerLength: number, header: Promise<Uint8Array>) {
    super({ highWaterMark: 4 * 1024 * 1024 })
    if (!Number.isInteger(headerLength) || headerLength < 0) {
      throw new RangeError('headerLength must be a whole number of bytes')
    }
    this.#path = filePath
    this.#headerLength = headerLength
    this.#position = headerLength
    this.#headerReady = header.then((bytes) => {
      this.#header = Buffer.from(bytes)
    })
    // a failed header fails the stream at once, not only when it finishes
    this.#headerReady.catch((error: unknown) =>
      this.destroy(error instanceof Error ? error : new Error(String(error)))
    )
  }

  /** Bytes in the file: header and body. */
  get size(): number {
    return this.#position
  }

  /** SHA-256 of the whole file, once the stream has finished. */
  digestHex(): string {
    if (this.#digest === undefined) throw new Error('the file is not finished yet')
    return this.#digest
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.#path, 'wx+', 0o600).then((handle) => {
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
    // Catching up first keeps the hash in file order: header, read-back body, then this write.
    if (this.#header && !this.#caughtUp) await this.#catchUp()
    const total = await writeAllAt(this.#open(), chunks, this.#position)
    this.#position += total
    if (this.#caughtUp) for (const chunk of chunks) this.#hash.update(chunk)
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
    await this.#headerReady
    if (!this.#caughtUp) await this.#catchUp()
    const handle = this.#open()
    await this.#flushing
    if (this.#flushError) throw this.#flushError
    await handle.sync()
    this.#handle = undefined
    await handle.close()
    this.#digest = this.#hash.digest('hex')
  }

  /** Writes the header at offset 0 and hashes it, then the body written so far, read back. */
  async #catchUp(): Promise<void> {
    const header = this.#header as Buffer
    if (header.length !== this.#headerLength) {
      throw new Error(
        `the header for ${this.#path} is ${header.length} bytes, ${this.#headerLength} were reserved`
      )
    }
    const handle = this.#open()
    await writeAllAt(handle, [header], 0)
    this.#hash.update(header)
    const buffer = Buffer.allocUnsafe(Math.min(READ_BACK_SIZE, this.#position - header.length))
    for (let at = header.length; at < this.#position;) {
      const { bytesRead } = await handle.read(
        buffer,
        0,
        Math.min(buffer.length, this.#position - at),
        at
      )
      if (bytesRead === 0) throw new Error(`${this.#path} is shorter than what was written to it`)
      this.#hash.update(buffer.subarray(0, bytesRead))
      at += bytesRead
    }
    this.#caughtUp = true
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
