/**
 * Fixed-size buffers handed out and taken back, so a stream moves its data through the same
 * memory over and over. Fresh memory costs a page fault per 4 KiB on first touch (on a VM,
 * measured here: reading 256 MiB into fresh 1 MiB buffers took 3× as long as into reused ones)
 * and garbage for the collector afterwards.
 *
 * One rule (as restic's archiver/buffer.go): a buffer belongs to whoever holds it, and the last
 * stage to use it gives it back, once, whole. A short view (a last, partial batch or read) is
 * not taken back but left to the collector, as is any buffer nobody gives back: a stage that
 * does not know the pool is always safe.
 */
export class BufferPool {
  readonly size: number
  readonly #keep: number
  readonly #free: Buffer[] = []

  /** `keep`: how many free buffers are held at most; more given back are left to the GC. */
  constructor(size: number, keep: number) {
    if (!(Number.isInteger(size) && size >= 1 && Number.isInteger(keep) && keep >= 0)) {
      throw new RangeError('a buffer pool needs a whole size ≥ 1 and keep ≥ 0')
    }
    this.size = size
    this.#keep = keep
  }

  /** A buffer of `size` bytes, its own memory, with unspecified content. */
  take(): Buffer {
    // allocUnsafeSlow: its own memory, never a slice of Node's shared pool
    return this.#free.pop() ?? Buffer.allocUnsafeSlow(this.size)
  }

  /** Gives back a whole buffer of this size; anything else, or a second give-back, is ignored. */
  release(buffer: Buffer): void {
    const whole =
      buffer.length === this.size &&
      buffer.byteOffset === 0 &&
      buffer.buffer.byteLength === this.size
    if (!whole || this.#free.length >= this.#keep) return
    if (this.#free.some((free) => free.buffer === buffer.buffer)) return
    this.#free.push(buffer)
  }

  /** Free buffers held right now (for tests and diagnostics). */
  get available(): number {
    return this.#free.length
  }
}
