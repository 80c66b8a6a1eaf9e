import { Transform, type TransformCallback } from 'node:stream'

/** Encodes blocks on libuv's threadpool into self-contained frames. */
export interface BlockCodec {
  /**
   * The frame, in one or more pieces (joining them would cost a copy). They must be new
   * memory: `block` is reused for later input once this settles.
   */
  encode(block: Buffer): Promise<Buffer[]>
  /** Frees what the codec holds; called once the stream ends or is destroyed. */
  close(): void
}

export interface BlockTransformOptions {
  /** Input bytes per frame (an upstream chunk of up to twice this is one frame, uncopied). */
  blockSize: number
  /** Most blocks being encoded at once; memory is about blockSize × (inFlight + 1) × 4. */
  inFlight: number
  /**
   * Called with each input chunk once this stream holds no reference to it any more (copied
   * out, or its block encoded), so its producer may reuse the memory.
   */
  release?: (chunk: Buffer) => void
}

/** A block to encode; its reusable backing buffer when copied, or the input chunk it is, whole. */
type Cut = [block: Buffer, backing: Buffer | null, whole?: Buffer]

interface Job {
  settled: Promise<void>
  done: boolean
  value?: Buffer[]
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
  // Block buffers whose job has settled, reused so the input side makes no garbage per block.
  #spare: Buffer[] = []
  // Views of input chunks that an encoding block also points into: not to be released.
  readonly #shared = new WeakSet<Buffer>()

  readonly #codec: BlockCodec
  readonly #options: BlockTransformOptions

  constructor(codec: BlockCodec, options: BlockTransformOptions) {
    super()
    if (!(Number.isInteger(options.blockSize) && options.blockSize >= 1 && options.inFlight >= 1)) {
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
    this.#drain(0).then(
      () => {
        this.#codec.close()
        callback()
      },
      (error: Error) => {
        this.#codec.close()
        callback(error)
      }
    )
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Blocks still on the threadpool finish there; their results are dropped with the jobs.
    this.#parts = []
    this.#spare = []
    this.#buffered = 0
    this.#jobs = []
    this.#codec.close()
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

  #start([block, backing, whole]: Cut): void {
    this.#blocks++
    const job: Job = { done: false, settled: Promise.resolve() }
    // Settle into the job, never reject: a failing later block must not be an unhandled rejection.
    job.settled = this.#codec.encode(block).then(
      (value) => {
        job.done = true
        job.value = value
      },
      (error: unknown) => {
        job.done = true
        job.error = error ?? new Error('compression failed')
      }
    )
    if (backing) void job.settled.then(() => this.#spare.push(backing))
    else if (whole) void job.settled.then(() => this.#options.release?.(whole))
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
      for (const piece of job.value ?? []) if (piece.length > 0) this.push(piece)
    }
  }

  /**
   * Takes the next block: a buffered chunk of `size` to 2 × `size` bytes as it is (no copy:
   * upstream chunks of about the block size then never get copied), a bigger one in `size`
   * slices, else exactly `size` bytes copied into a reusable backing buffer, returned second.
   */
  #cutBlock(size: number): Cut {
    const first = this.#parts[0]
    if (first !== undefined && first.length >= size) {
      const take = first.length <= 2 * size ? first.length : size
      this.#buffered -= take
      if (take === first.length) {
        this.#parts.shift()
        return [first, null, this.#shared.has(first) ? undefined : first]
      }
      // the rest of a chunk a block still uses: never released, the GC takes it
      const rest = first.subarray(take)
      this.#shared.add(rest)
      this.#parts[0] = rest
      return [first.subarray(0, take), null]
    }
    const backing = this.#spare.pop() ?? Buffer.allocUnsafeSlow(this.#options.blockSize)
    const block = backing.subarray(0, size)
    let at = 0
    let used = 0
    while (at < size) {
      const part = this.#parts[used] as Buffer
      const n = part.copy(block, at, 0, Math.min(part.length, size - at))
      at += n
      if (n === part.length) {
        used++
        if (!this.#shared.has(part)) this.#options.release?.(part)
      } else {
        const rest = part.subarray(n)
        if (this.#shared.has(part)) this.#shared.add(rest)
        this.#parts[used] = rest
      }
    }
    // One splice, not a shift per part: many small writes would make that quadratic.
    this.#parts.splice(0, used)
    this.#buffered -= size
    return [block, backing]
  }
}
