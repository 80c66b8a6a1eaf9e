import { Transform, type TransformCallback } from 'node:stream'

/** Encodes one block on libuv's threadpool; the result is a self-contained frame. */
export type BlockCodec = (block: Buffer) => Promise<Buffer>

export interface BlockTransformOptions {
  /** Input bytes per frame. */
  blockSize: number
  /** Most blocks being encoded at once; memory is about blockSize × (inFlight + 1) × 2. */
  inFlight: number
}

interface Job {
  settled: Promise<void>
  done: boolean
  value?: Buffer
  error?: unknown
}

/**
 * Cuts the input into fixed-size blocks, encodes up to `inFlight` of them at once with `codec`,
 * and emits the frames in input order. Holding the write callback while `inFlight` blocks are
 * busy is the backpressure: memory stays flat whatever the input size.
 */
export class BlockTransform extends Transform {
  #parts: Buffer[] = []
  #buffered = 0
  #jobs: Job[] = []
  #blocks = 0

  readonly #codec: BlockCodec
  readonly #options: BlockTransformOptions

  constructor(codec: BlockCodec, options: BlockTransformOptions) {
    super()
    if (!(options.blockSize >= 1 && options.inFlight >= 1)) {
      throw new RangeError('blockSize and inFlight must be at least 1')
    }
    this.#codec = codec
    this.#options = options
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#parts.push(chunk)
    this.#buffered += chunk.length
    this.#accept().then(() => callback(), callback)
  }

  override _flush(callback: TransformCallback): void {
    // An empty input still gets one (empty) frame: stock `gzip -d` rejects a zero-byte file.
    if (this.#buffered > 0 || this.#blocks === 0) this.#start(this.#cutBlock(this.#buffered))
    this.#drain(0).then(() => callback(), callback)
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Blocks still on the threadpool finish there; their results are dropped with the jobs.
    this.#parts = []
    this.#buffered = 0
    this.#jobs = []
    callback(error)
  }

  async #accept(): Promise<void> {
    const { blockSize, inFlight } = this.#options
    while (!this.destroyed && this.#buffered >= blockSize) {
      await this.#drain(inFlight - 1)
      this.#start(this.#cutBlock(blockSize))
    }
    this.#emitFinished()
  }

  #start(block: Buffer): void {
    this.#blocks++
    const job: Job = { done: false, settled: Promise.resolve() }
    // Settle into the job, never reject: a failing later block must not be an unhandled rejection.
    job.settled = this.#codec(block).then(
      (value) => {
        job.done = true
        job.value = value
      },
      (error: unknown) => {
        job.done = true
        job.error = error ?? new Error('compression failed')
      }
    )
    this.#jobs.push(job)
  }

  /** Waits for the oldest jobs, emitting them in order, until at most `keep` are left. */
  async #drain(keep: number): Promise<void> {
    while (this.#jobs.length > keep) {
      await this.#jobs[0]?.settled
      this.#emitFinished()
    }
  }

  /** Emits the finished jobs at the head of the queue; throws the first error found there. */
  #emitFinished(): void {
    while (this.#jobs[0]?.done) {
      const job = this.#jobs.shift() as Job
      if (job.error !== undefined) throw job.error
      if (job.value !== undefined && job.value.length > 0) this.push(job.value)
    }
  }

  /** Takes exactly `size` buffered bytes, copying only when a block spans several chunks. */
  #cutBlock(size: number): Buffer {
    const first = this.#parts[0]
    if (first !== undefined && first.length >= size) {
      if (first.length === size) this.#parts.shift()
      else this.#parts[0] = first.subarray(size)
      this.#buffered -= size
      return first.subarray(0, size)
    }
    const block = Buffer.allocUnsafe(size)
    let at = 0
    let used = 0
    while (at < size) {
      const part = this.#parts[used] as Buffer
      const n = part.copy(block, at, 0, Math.min(part.length, size - at))
      at += n
      if (n === part.length) used++
      else this.#parts[used] = part.subarray(n)
    }
    // One splice, not a shift per part: many small writes would make that quadratic.
    this.#parts.splice(0, used)
    this.#buffered -= size
    return block
  }
}
