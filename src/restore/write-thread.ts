import fs from 'node:fs'
import { Worker } from 'node:worker_threads'
import { showPath } from './entry-path.js'

/**
 * Operations as a flat list, each code followed by its arguments:
 * `mkdir rel action label` · `symlink rel target` · `open rel` · `write offset length` (bytes of
 * the batch's data) · `close mode mtime` (the open file) · `chmod rel mode mtime` (a folder).
 * A flat list of strings and numbers is what structured cloning copies fastest.
 */
export type OpList = (string | number | null)[]

export interface Batch {
  ops: OpList
  /** The file bytes the batch's writes point into; sent over (transferred), then sent back. */
  data: ArrayBuffer | null
}

/** What failed in the writing thread: formatted on this side, where entry names are shown. */
export interface Failure {
  action: string
  path: string
  code: string
}

export type Reply = { data: ArrayBuffer | null; failure: Failure | undefined } | { closed: true }

export interface WorkerData {
  root: string
  /** Set to 1 to make the thread skip what is still queued. */
  stop: Int32Array
}

/** File bytes per batch: big enough that messages are few, small enough to be cache-warm. */
const BATCH_BYTES = 1 << 20
/** Operations per batch, for archives of many empty or tiny entries. */
const BATCH_OPS = 16384
/** Batches the writing thread may have queued before the reader waits: about 4 MiB of data. */
const MAX_IN_FLIGHT = 4
const YOUNG_GENERATION_MIB = 4

/**
 * dist/write-worker.js beside this chunk in the bundle; the TypeScript source when this module
 * runs from src/ (the tests), which Node 24 starts as it is by stripping its types.
 */
function workerFile(): URL {
  const bundled = new URL('./write-worker.js', import.meta.url)
  return fs.existsSync(bundled) ? bundled : new URL('./write-worker.ts', import.meta.url)
}

/**
 * The restore's file-system writes, made on a thread of their own. Creating files is the costly
 * part of a restore (ext4 allocates an inode per file: 20-250 µs each, growing after large
 * deletions on a filesystem without a journal); made on the main thread, it stopped decryption,
 * decompression hand-off and hashing while the kernel worked. Here the main thread queues
 * operations and file bytes in batches of about 1 MiB and goes on; the thread runs them in
 * order with the same synchronous calls. The first failure stops everything after it and is
 * reported, naming the entry, by the next settle() or backpressure(); stop() ends the thread.
 */
export class WriteThread {
  readonly root: string
  readonly #worker: Worker
  readonly #stop = new Int32Array(new SharedArrayBuffer(4))
  readonly #spare: ArrayBuffer[] = []
  #ops: OpList = []
  #data: Uint8Array | undefined
  #used = 0
  #inFlight = 0
  /** Between open() and finishFile(): the thread holds a file descriptor. */
  #fileOpen = false
  #failure: Error | undefined
  #gone = false
  #wake: (() => void)[] = []
  #closing: Promise<void> | undefined

  constructor(root: string) {
    this.root = root
    const workerData: WorkerData = { root, stop: this.#stop }
    this.#worker = new Worker(workerFile(), {
      workerData,
      // its garbage is a few op lists per MiB written: a small young generation is plenty
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MIB }
    })
    this.#worker.on('message', (reply: Reply) => this.#onReply(reply))
    this.#worker.on('error', (error) =>
      this.#fail(new Error(`the restore's writing thread failed: ${error.message}`))
    )
    this.#worker.on('exit', () => {
      this.#gone = true
      this.#fail(new Error("the restore's writing thread stopped before the restore ended"))
    })
  }

  mkdir(rel: string, action: string, label: string): void {
    this.#queue('mkdir', rel, action, label)
  }

  symlink(rel: string, target: string): void {
    this.#queue('symlink', rel, target)
  }

  open(rel: string): void {
    this.#queue('open', rel)
    this.#fileOpen = true
  }

  /** Copies `piece` into the batch (the caller may reuse it at once) and queues its write. */
  write(piece: Buffer): void {
    for (let at = 0; at < piece.length;) {
      if (this.#data === undefined || this.#used === this.#data.length) this.#newData()
      const data = this.#data!
      const n = Math.min(data.length - this.#used, piece.length - at)
      piece.copy(data, this.#used, at, at + n)
      const offset = this.#used
      this.#used += n
      at += n
      this.#queue('write', offset, n)
    }
  }

  /** Sets the open file's mode and time and closes it. */
  finishFile(mode: number, mtime: number | undefined): void {
    this.#queue('close', mode, mtime ?? null)
    this.#fileOpen = false
  }

  chmod(rel: string, mode: number, mtime: number | undefined): void {
    this.#queue('chmod', rel, mode, mtime ?? null)
  }

  /**
   * Between input chunks: keeps the thread busy (hands over what is queued when it is idle) and
   * waits while it is more than MAX_IN_FLIGHT batches behind. Throws the thread's failure.
   */
  async backpressure(): Promise<void> {
    if (this.#inFlight === 0 && this.#ops.length > 0) this.#send()
    while (this.#failure === undefined && this.#inFlight > MAX_IN_FLIGHT) await this.#next()
    if (this.#failure) throw this.#failure
  }

  /** Hands over everything queued and waits until it is done: the tree is then as described. */
  async settle(): Promise<void> {
    if (this.#ops.length > 0) this.#send()
    while (this.#failure === undefined && this.#inFlight > 0) await this.#next()
    if (this.#failure) throw this.#failure
  }

  /**
   * Stops the thread: what is still queued is skipped, an open file is closed, and the thread
   * has ended when this resolves, so nothing writes into the folder after it. Safe to call twice.
   */
  stop(): Promise<void> {
    this.#closing ??= this.#shutDown()
    return this.#closing
  }

  async #shutDown(): Promise<void> {
    Atomics.store(this.#stop, 0, 1)
    // when everything queued was done and no file is open, there is nothing to close: just end it
    const idle = this.#inFlight === 0 && this.#ops.length === 0 && !this.#fileOpen
    if (!this.#gone && !(idle && this.#failure === undefined)) {
      const closed = new Promise<void>((resolve) => {
        this.#worker.on('message', (reply: Reply) => {
          if ('closed' in reply) resolve()
        })
        this.#worker.once('exit', () => resolve())
      })
      this.#worker.postMessage('close')
      await closed
    }
    await this.#worker.terminate()
  }

  #queue(...op: OpList): void {
    if (this.#failure) throw this.#failure
    for (const part of op) this.#ops.push(part)
    if (this.#ops.length >= BATCH_OPS) this.#send()
  }

  #newData(): void {
    if (this.#data !== undefined) this.#send()
    this.#data = new Uint8Array(this.#spare.pop() ?? new ArrayBuffer(BATCH_BYTES))
    this.#used = 0
  }

  #send(): void {
    const data = this.#used > 0 && this.#data ? (this.#data.buffer as ArrayBuffer) : null
    const batch: Batch = { ops: this.#ops, data }
    this.#ops = []
    if (data) {
      this.#data = undefined
      this.#used = 0
    }
    this.#inFlight++
    this.#worker.postMessage(batch, data ? [data] : [])
  }

  #onReply(reply: Reply): void {
    if ('closed' in reply) return
    this.#inFlight--
    if (reply.data) this.#spare.push(reply.data)
    if (reply.failure) {
      const { action, path, code } = reply.failure
      this.#fail(new Error(`cannot ${action} entry ${showPath(path)}: ${code}`))
    }
    this.#wakeAll()
  }

  #fail(error: Error): void {
    if (this.#closing === undefined) this.#failure ??= error
    this.#wakeAll()
  }

  #next(): Promise<void> {
    return new Promise((resolve) => this.#wake.push(resolve))
  }

  #wakeAll(): void {
    for (const resolve of this.#wake.splice(0)) resolve()
  }
}
