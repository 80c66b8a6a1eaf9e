import { Transform, type TransformCallback } from 'node:stream'

/** Encodes blocks on libuv's threadpool into self-contained frames. */
export interface BlockCodec {
  /**
   * The frame, in one or more pieces (joining them would cost a copy). They must be new
   * memory: `block` goes back to its producer once this settles.
   */
  encode(block: Buffer): Promise<Buffer[]>
  /** Frees what the codec holds; called once the stream ends or is destroyed. */
  close(): void
}

export interface BlockTransformOptions {
  /** Most blocks being encoded at once; memory is about (inFlight + 1) chunks and their frames. */
  inFlight: number
  /**
   * Called with each input chunk once its frame is made: this stream is the chunk's last stage,
   * so its producer may reuse the memory (see BufferPool).
   */
  release?: (chunk: Buffer) => void
}

interface Job {
  settled: Promise<void>
  done: boolean
  value?: Buffer[]
  error?: unknown
}

/**
 * One input chunk, one block: each is encoded as it comes, up to `inFlight` at once, and the
 * frames are emitted in input order. The producer decides the block size (the snapshot's
 * archive writes 1 MiB chunks); nothing is cut, copied or shared here. Holding the write
 * callback while `inFlight` blocks are busy is the backpressure: memory stays flat whatever
 * the input size.
 */
export class BlockTransform extends Transform {
  #jobs: Job[] = []
  #blocks = 0
  readonly #codec: BlockCodec
  readonly #options: BlockTransformOptions

  constructor(codec: BlockCodec, options: BlockTransformOptions) {
    super()
    if (!(Number.isInteger(options.inFlight) && options.inFlight >= 1)) {
      throw new RangeError('inFlight must be a whole number of at least 1')
    }
    this.#codec = codec
    this.#options = options
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (chunk.length === 0) return callback()
    this.#drain(this.#options.inFlight - 1)
      .then(() => {
        if (this.destroyed) return
        this.#start(chunk)
        this.#emitFinished()
      })
      .then(() => callback(), callback)
  }

  override _flush(callback: TransformCallback): void {
    // An empty input still gets one (empty) frame: stock `gzip -d` rejects a zero-byte file.
    if (this.#blocks === 0) this.#start(Buffer.alloc(0))
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
    this.#jobs = []
    this.#codec.close()
    callback(error)
  }

  #start(block: Buffer): void {
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
    void job.settled.then(() => this.#options.release?.(block))
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
}
