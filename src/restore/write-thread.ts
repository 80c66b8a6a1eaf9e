import fs from 'node:fs'
import type { Worker } from 'node:worker_threads'
import { showPath } from './entry-path.js'

/**
 * Operation codes, each followed in the op list by its arguments (byte ranges are in the batch's
 * data, paths there in full: root, '/', entry path):
 * `mkdir path` · `mkdirParent path entry` (a missing parent of `entry`) · `symlink path target`
 * · `open path` · `write range` · `close mode mtime` (the open file) · `chmod path mode mtime`
 * (a folder). A range is two numbers, offset and length; a missing mtime is NaN.
 */
export const OP = {
  mkdir: 1,
  mkdirParent: 2,
  symlink: 3,
  open: 4,
  write: 5,
  close: 6,
  chmod: 7
} as const

/** What a failed operation was doing, for the one-line error naming the entry. */
const ACTION: Record<number, string> = {
  [OP.mkdir]: 'create folder',
  [OP.mkdirParent]: 'create parent folder of',
  [OP.symlink]: 'create symlink',
  [OP.open]: 'create file',
  [OP.write]: 'write',
  [OP.close]: 'finish',
  [OP.chmod]: 'set mode of'
}

/**
 * A batch: numbers and bytes only, both transferred to the thread and back for reuse, so that
 * nothing per entry is copied or collected on either side (paths as strings made the thread's
 * heap grow by ~30 MiB restoring 100,000 files).
 */
export interface Batch {
  ops: ArrayBuffer
  opCount: number
  data: ArrayBuffer
}

/** What failed in the writing thread; the entry is named on this side. */
export interface Failure {
  op: number
  entry: string
  code: string
}

export type Reply = { batch: Batch; failure: Failure | undefined } | { closed: true }

export interface WorkerData {
  /** Bytes of `root + '/'`: what precedes the entry path in every full path. */
  prefixLength: number
  ops: typeof OP
  /** Set to 1 to make the thread skip what is still queued. */
  stop: Int32Array
}

/** Bytes of data per batch: big enough that messages are few, small enough to be cache-warm. */
const BATCH_BYTES = 1 << 20
/** Numbers per batch's op list (128 KiB), for archives of many empty or tiny entries. */
const BATCH_OPS = 16384
/** The most numbers one operation takes. */
const OP_MAX = 5
/** Batches the writing thread may have queued before the reader waits: about 4 MiB of data. */
const MAX_IN_FLIGHT = 4

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
  readonly #prefix: Buffer
  readonly #worker: Worker
  readonly #stop = new Int32Array(new SharedArrayBuffer(4))
  readonly #spare: Batch[] = []
  #ops: Float64Array
  #opCount = 0
  /** Where in the op list the last operation, a write, starts; -1 when the last is not one. */
  #lastWrite = -1
  #data: Buffer
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
    this.#prefix = Buffer.from(`${root}/`)
    ;[this.#ops, this.#data] = this.#fresh()
    const workerData: WorkerData = { prefixLength: this.#prefix.length, ops: OP, stop: this.#stop }
    // loaded by the first restore, not at start-up by every mode (~5 ms)
    const { Worker } = process.getBuiltinModule('node:worker_threads')
    this.#worker = new Worker(workerFile(), { workerData })
    this.#worker.on('message', (reply: Reply) => this.#onReply(reply))
    this.#worker.on('error', (error) =>
      this.#fail(new Error(`the restore's writing thread failed: ${error.message}`))
    )
    this.#worker.on('exit', () => {
      this.#gone = true
      this.#fail(new Error("the restore's writing thread stopped before the restore ended"))
    })
  }

  /** A folder; `forEntry` names the entry it is a missing parent of, when it is one. */
  mkdir(rel: string, forEntry?: string): void {
    if (forEntry === undefined) this.#pathOp(OP.mkdir, rel)
    else this.#pathOp(OP.mkdirParent, rel, forEntry)
  }

  symlink(rel: string, target: string): void {
    this.#pathOp(OP.symlink, rel, target)
  }

  open(rel: string): void {
    this.#pathOp(OP.open, rel)
    this.#fileOpen = true
  }

  /** Copies `piece` into the batch (the caller may reuse it at once) and queues its write. */
  write(piece: Buffer): void {
    for (let at = 0; at < piece.length;) {
      if (this.#used === this.#data.length) this.#send()
      this.#room(1)
      const n = Math.min(this.#data.length - this.#used, piece.length - at)
      piece.copy(this.#data, this.#used, at, at + n)
      // the file's bytes lie end to end in the batch: one write for all of them, not one per
      // piece the tar reader hands over (~1,100 system calls fewer in the bench's 256 MiB)
      const last = this.#lastWrite
      if (last >= 0) this.#ops[last + 2] = (this.#ops[last + 2] ?? 0) + n
      else {
        this.#push(OP.write, this.#used, n)
        this.#lastWrite = this.#opCount - 3
      }
      this.#used += n
      at += n
    }
  }

  /** Sets the open file's mode and time and closes it. */
  finishFile(mode: number, mtime: number | undefined): void {
    this.#room(0)
    this.#push(OP.close, mode, mtime ?? NaN)
    this.#fileOpen = false
  }

  chmod(rel: string, mode: number, mtime: number | undefined): void {
    this.#pathOp(OP.chmod, rel)
    this.#push(mode, mtime ?? NaN)
  }

  /**
   * Between input chunks: keeps the thread busy (hands over what is queued when it is idle) and
   * waits while it is more than MAX_IN_FLIGHT batches behind. Throws the thread's failure.
   */
  async backpressure(): Promise<void> {
    if (this.#failure === undefined && this.#inFlight === 0 && this.#opCount > 0) this.#send()
    while (this.#failure === undefined && this.#inFlight > MAX_IN_FLIGHT) await this.#next()
    if (this.#failure) throw this.#failure
  }

  /** Hands over everything queued and waits until it is done: the tree is then as described. */
  async settle(): Promise<void> {
    if (this.#failure === undefined && this.#opCount > 0) this.#send()
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
    const idle = this.#inFlight === 0 && this.#opCount === 0 && !this.#fileOpen
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

  /** An operation on root/rel: its code, the full path's range, then `text`'s range if given. */
  #pathOp(code: number, rel: string, text?: string): void {
    const bytes = this.#prefix.length + Buffer.byteLength(rel)
    const textBytes = text === undefined ? 0 : Buffer.byteLength(text)
    this.#room(bytes + textBytes)
    const at = this.#used
    this.#prefix.copy(this.#data, at)
    this.#data.write(rel, at + this.#prefix.length, 'utf8')
    this.#push(code, at, bytes)
    if (text !== undefined) {
      this.#data.write(text, at + bytes, 'utf8')
      this.#push(at + bytes, textBytes)
    }
    this.#used += bytes + textBytes
  }

  /**
   * Makes sure the batch has `bytes` of data and one more operation's worth of room, handing
   * the batch over first when it has not. Data longer than a batch (a very long path) gets a
   * batch of its own size.
   */
  #room(bytes: number): void {
    if (this.#failure) throw this.#failure
    const full = this.#opCount + OP_MAX > this.#ops.length || this.#used + bytes > this.#data.length
    if (full && this.#opCount > 0) this.#send()
    if (bytes > this.#data.length) this.#data = Buffer.alloc(bytes)
  }

  #push(...numbers: number[]): void {
    this.#lastWrite = -1
    for (const n of numbers) this.#ops[this.#opCount++] = n
  }

  #fresh(): [Float64Array, Buffer] {
    const batch = this.#spare.pop()
    return batch
      ? [new Float64Array(batch.ops), Buffer.from(batch.data)]
      : [new Float64Array(BATCH_OPS), Buffer.allocUnsafeSlow(BATCH_BYTES)]
  }

  #send(): void {
    const batch: Batch = {
      ops: this.#ops.buffer as ArrayBuffer,
      opCount: this.#opCount,
      data: this.#data.buffer as ArrayBuffer
    }
    this.#inFlight++
    this.#worker.postMessage(batch, [batch.ops, batch.data])
    ;[this.#ops, this.#data] = this.#fresh()
    this.#opCount = 0
    this.#lastWrite = -1
    this.#used = 0
  }

  #onReply(reply: Reply): void {
    if ('closed' in reply) return
    this.#inFlight--
    if (reply.batch.data.byteLength === BATCH_BYTES) this.#spare.push(reply.batch)
    if (reply.failure) {
      const { op, entry, code } = reply.failure
      this.#fail(new Error(`cannot ${ACTION[op] ?? 'write'} entry ${showPath(entry)}: ${code}`))
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
