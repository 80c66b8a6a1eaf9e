import fs from 'node:fs'
import os from 'node:os'
import type { Worker } from 'node:worker_threads'
import { showPath } from '../tar/entry-path.js'

/**
 * What a writing thread does, as records of three numbers in a batch's op list: the code, then
 * two numbers. `open` a byte range of the batch's data holding the full path (root, '/', entry
 * path) · `write` a byte range of the data into the open file · `close` the open file after
 * setting its mode and mtime (NaN: no mtime). Every record has the same size, so neither side
 * counts arguments.
 */
export const OP = { open: 1, write: 2, close: 3 } as const
export const RECORD = 3

/** What a failed operation was doing, for the one-line error naming the entry. */
const ACTION: Record<number, string> = {
  [OP.open]: 'create file',
  [OP.write]: 'write',
  [OP.close]: 'finish'
}

/**
 * A batch: numbers and bytes only, both transferred to the thread and back for reuse, so that
 * nothing per entry is copied or collected on either side (paths as strings made a thread's
 * heap grow by ~30 MiB restoring 100,000 files).
 */
export interface Batch {
  ops: ArrayBuffer
  /** Records in `ops`. */
  records: number
  data: ArrayBuffer
  /** Bytes of `data` in use. */
  used: number
}

/** What failed in a writing thread; the entry is named on this side. */
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
  record: typeof RECORD
  /** Set to 1 (by any thread) to make every writing thread skip what is still queued. */
  stop: Int32Array
}

/** Bytes of data per batch: big enough that messages are few, small enough to be cache-warm. */
const BATCH_BYTES = 1 << 20
/** Records per batch (about 16,384 numbers, 128 KiB), for archives of many empty or tiny files. */
const BATCH_RECORDS = Math.floor(16384 / RECORD)
/** Batches each thread may have queued before the reader waits: about 4 MiB of data. */
const MAX_IN_FLIGHT = 4
/**
 * A new file weighs like this many bytes of data when choosing the least busy thread: creating
 * one costs 0.1-1 ms of kernel time here, writing 128 KiB about as much.
 */
const FILE_WEIGHT = 128 * 1024

/**
 * Writing threads for a restore, besides the calling thread, which helps when they are behind:
 * one per core but the caller's, one at least, two at most. Creating files is kernel work that
 * runs in parallel on separate cores (two threads created the bench's 16,500 files in 4 s where
 * one took 9 s), and every thread is a Node environment of ~13 MiB.
 */
export function writerCount(): number {
  return Math.min(2, Math.max(1, os.availableParallelism() - 1))
}

/**
 * dist/write-worker.js beside this chunk in the bundle; the TypeScript source when this module
 * runs from src/ (the tests), which Node 24 starts as it is by stripping its types.
 */
function workerFile(): URL {
  const bundled = new URL('./write-worker.js', import.meta.url)
  return fs.existsSync(bundled) ? bundled : new URL('./write-worker.ts', import.meta.url)
}

/** Never through an existing name, link or not: the restore folder holds only what we made. */
const OPEN_FLAGS =
  fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW

function errorCode(error: unknown): string {
  return String((error as NodeJS.ErrnoException).code ?? (error as Error).message)
}

/** The file this thread writes itself, while the writing threads are behind. */
interface HereFile {
  fd: number
  entry: string
}

/** One writing thread and the batch being filled for it. */
interface Writer {
  worker: Worker
  ops: Float64Array
  records: number
  data: Buffer
  used: number
  /** Where in the op list the last record, a write, starts; -1 when the last is not one. */
  lastWrite: number
  inFlight: number
  /** Bytes and files handed over and not yet done, to find the least busy thread. */
  pendingBytes: number
  pendingFiles: number
  /** Between open() and finishFile(): the thread holds a file descriptor. */
  fileOpen: boolean
  gone: boolean
}

/**
 * The restore's file-system writes. Folders and symlinks are few and made here at once, in
 * archive order, so that everything inside them can follow on any thread. Files, the costly part
 * (ext4 allocates an inode per file in kernel time: 20-250 µs each, up to a millisecond after
 * large deletions on a filesystem without a journal), go each whole to a writing thread, which
 * runs its files in order with synchronous calls while this thread queues operations and bytes
 * in batches of about 1 MiB and goes on decrypting, decompressing and hashing. When the writing
 * threads are behind, this thread writes files itself instead of waiting, so that on two cores
 * both create files in parallel with one writing thread. Folder modes and times wait until every
 * file is written. The first failure stops every thread and is reported, naming the entry, at
 * once (here) or by the next call, backpressure() or settle(); stop() ends the threads.
 */
export class FileWriters {
  readonly root: string
  readonly #prefix: Buffer
  readonly #writers: Writer[]
  readonly #stop = new Int32Array(new SharedArrayBuffer(4))
  readonly #spare: Batch[] = []
  /** Folder modes and times, applied by settle() once every file is in place. */
  readonly #folderModes: { path: string; mode: number; mtime: number }[] = []
  /** The thread holding the open file, if one is open there. */
  #current: Writer | undefined
  /** The open file, when this thread writes it itself. */
  #here: HereFile | undefined
  /** The folder of the last file started, and who took it: a writing thread, or this one. */
  #lastFolder: string | undefined
  #lastLane: Writer | 'here' | undefined
  #failure: Error | undefined
  #wake: (() => void)[] = []
  #closing: Promise<void> | undefined

  constructor(root: string, threads = writerCount()) {
    this.root = root
    this.#prefix = Buffer.from(`${root}/`)
    const workerData: WorkerData = {
      prefixLength: this.#prefix.length,
      ops: OP,
      record: RECORD,
      stop: this.#stop
    }
    // loaded by the first restore, not at start-up by every mode (~5 ms)
    const { Worker } = process.getBuiltinModule('node:worker_threads')
    this.#writers = Array.from({ length: threads }, () => {
      const [ops, data] = this.#fresh()
      const writer: Writer = {
        worker: new Worker(workerFile(), { workerData }),
        ops,
        records: 0,
        data,
        used: 0,
        lastWrite: -1,
        inFlight: 0,
        pendingBytes: 0,
        pendingFiles: 0,
        fileOpen: false,
        gone: false
      }
      writer.worker.on('message', (reply: Reply) => this.#onReply(writer, reply))
      writer.worker.on('error', (error) =>
        this.#fail(new Error(`a restore writing thread failed: ${error.message}`))
      )
      writer.worker.on('exit', () => {
        writer.gone = true
        this.#fail(new Error('a restore writing thread stopped before the restore ended'))
      })
      return writer
    })
  }

  /** A folder, made now; `forEntry` names the entry it is a missing parent of, when it is one. */
  mkdir(rel: string, forEntry?: string): void {
    const what = forEntry === undefined ? 'create folder' : 'create parent folder of'
    this.#now(what, forEntry ?? rel, () => fs.mkdirSync(this.#full(rel), 0o700))
  }

  /** A symlink, made now. */
  symlink(rel: string, target: string): void {
    this.#now('create symlink', rel, () => fs.symlinkSync(target, this.#full(rel)))
  }

  /**
   * Starts a file, whose writes and finishFile() follow it where it goes: where the file before
   * it went when both are in one folder (creating a file takes its folder's lock, so two threads
   * in one folder mostly wait on each other), else to the least busy writing thread; but when
   * that one is MAX_IN_FLIGHT batches behind, this thread writes the file itself rather than
   * wait, and the folder's next files too until a writing thread is idle.
   */
  open(rel: string): void {
    this.#refuseIfDone()
    const folder = rel.slice(0, Math.max(0, rel.lastIndexOf('/')))
    const lane = this.#laneFor(folder)
    this.#lastFolder = folder
    this.#lastLane = lane
    if (lane === 'here') {
      this.#now('create file', rel, () => {
        this.#here = { fd: fs.openSync(this.#full(rel), OPEN_FLAGS, 0o600), entry: rel }
      })
      return
    }
    const writer = lane
    const bytes = this.#prefix.length + Buffer.byteLength(rel)
    this.#record(writer, bytes)
    const at = writer.used
    this.#prefix.copy(writer.data, at)
    writer.data.write(rel, at + this.#prefix.length, 'utf8')
    writer.used += bytes
    this.#push(writer, OP.open, at, bytes)
    writer.pendingFiles++
    writer.fileOpen = true
    this.#current = writer
  }

  /**
   * Writes `piece` to the open file, or copies it into the file's batch and queues it: either
   * way the caller may reuse it at once.
   */
  write(piece: Buffer): void {
    const here = this.#here
    if (here) {
      this.#hereDo('write', () => {
        for (let done = 0; done < piece.length;)
          done += fs.writeSync(here.fd, piece, done, piece.length - done)
      })
      return
    }
    const writer = this.#current!
    for (let at = 0; at < piece.length;) {
      if (writer.used === writer.data.length) this.#send(writer)
      this.#record(writer, 1)
      const n = Math.min(writer.data.length - writer.used, piece.length - at)
      piece.copy(writer.data, writer.used, at, at + n)
      // the file's bytes lie end to end in the batch: one write for all of them, not one per
      // piece the tar reader hands over (~1,100 system calls fewer in the bench's 256 MiB)
      const last = writer.lastWrite
      if (last >= 0) writer.ops[last + 2] = writer.ops[last + 2]! + n
      else {
        this.#push(writer, OP.write, writer.used, n)
        writer.lastWrite = (writer.records - 1) * RECORD
      }
      writer.used += n
      at += n
    }
  }

  /** Sets the open file's mode and time and closes it. */
  finishFile(mode: number, mtime: number | undefined): void {
    const here = this.#here
    if (here) {
      this.#here = undefined
      this.#now('finish', here.entry, () => {
        try {
          fs.fchmodSync(here.fd, mode)
          if (mtime !== undefined) fs.futimesSync(here.fd, mtime, mtime)
        } finally {
          fs.closeSync(here.fd)
        }
      })
      return
    }
    const writer = this.#current!
    this.#record(writer, 0)
    this.#push(writer, OP.close, mode, mtime ?? NaN)
    writer.fileOpen = false
    this.#current = undefined
  }

  /** A folder's mode and time, set by settle() after every file (a read-only folder stays open). */
  chmod(rel: string, mode: number, mtime: number | undefined): void {
    this.#refuseIfDone()
    this.#folderModes.push({ path: rel, mode, mtime: mtime ?? NaN })
  }

  /**
   * Between input chunks: keeps every thread busy (hands over what is queued for an idle one)
   * and waits while any is more than MAX_IN_FLIGHT batches behind. Throws the first failure.
   */
  async backpressure(): Promise<void> {
    this.#refuseIfDone()
    for (const writer of this.#writers) {
      if (writer.inFlight === 0 && writer.records > 0) this.#send(writer)
    }
    while (this.#going() && this.#writers.some((w) => w.inFlight > MAX_IN_FLIGHT))
      await this.#next()
    this.#refuseIfDone()
  }

  /**
   * Hands over everything queued, waits until it is done, then sets the folders' modes and times
   * in the order they were given: the tree is then as described.
   */
  async settle(): Promise<void> {
    this.#refuseIfDone()
    for (const writer of this.#writers) {
      if (writer.records > 0) this.#send(writer)
    }
    while (this.#going() && this.#writers.some((w) => w.inFlight > 0)) await this.#next()
    this.#refuseIfDone()
    for (const { path, mode, mtime } of this.#folderModes.splice(0)) {
      this.#now('set mode of', path, () => {
        fs.chmodSync(this.#full(path), mode)
        if (!Number.isNaN(mtime)) fs.utimesSync(this.#full(path), mtime, mtime)
      })
    }
  }

  /**
   * Stops the threads: what is still queued is skipped, an open file is closed, and every thread
   * has ended when this resolves, so nothing writes into the folder after it. Safe to call twice.
   */
  stop(): Promise<void> {
    this.#closing ??= this.#shutDown()
    return this.#closing
  }

  async #shutDown(): Promise<void> {
    Atomics.store(this.#stop, 0, 1)
    this.#closeHere()
    // a settle() or backpressure() still waiting hears of the stop
    this.#wakeAll()
    await Promise.all(this.#writers.map((writer) => this.#end(writer)))
  }

  async #end(writer: Writer): Promise<void> {
    // when everything queued was done and no file is open, there is nothing to close: just end it
    const idle = writer.inFlight === 0 && writer.records === 0 && !writer.fileOpen
    if (!writer.gone && !(idle && this.#failure === undefined)) {
      const closed = new Promise<void>((resolve) => {
        writer.worker.on('message', (reply: Reply) => {
          if ('closed' in reply) resolve()
        })
        writer.worker.once('exit', () => resolve())
      })
      writer.worker.postMessage('close')
      await closed
    }
    await writer.worker.terminate()
  }

  #full(rel: string): string {
    return `${this.root}/${rel}`
  }

  /** Neither failed nor stopped: waiting for the threads still makes sense. */
  #going(): boolean {
    return this.#failure === undefined && this.#closing === undefined
  }

  /** Nothing is taken after a failure (it is thrown again) or once stop() was called. */
  #refuseIfDone(): void {
    if (this.#failure) throw this.#failure
    if (this.#closing) throw new Error('the restore writers were stopped: nothing more is written')
  }

  /** A folder operation on this thread, failing like a thread's would, naming the entry. */
  #now(action: string, entry: string, run: () => void): void {
    this.#refuseIfDone()
    try {
      run()
    } catch (error) {
      const failure = new Error(`cannot ${action} entry ${showPath(entry)}: ${errorCode(error)}`)
      this.#fail(failure)
      // after stop() no failure is kept, but this one is still the caller's to hear
      throw this.#failure ?? failure
    }
  }

  /** Where a file of `folder` goes: see open(). */
  #laneFor(folder: string): Writer | 'here' {
    const last = this.#lastLane
    const writer = this.#leastBusy()
    const idle = writer.inFlight === 0 && writer.records === 0
    if (folder === this.#lastFolder && last !== undefined && !(last === 'here' && idle)) return last
    return writer.inFlight >= MAX_IN_FLIGHT ? 'here' : writer
  }

  /** An operation on the file this thread writes itself; a failure closes it and names it. */
  #hereDo(action: string, run: () => void): void {
    const here = this.#here!
    try {
      this.#now(action, here.entry, run)
    } catch (error) {
      this.#closeHere()
      throw error
    }
  }

  #closeHere(): void {
    const here = this.#here
    this.#here = undefined
    try {
      if (here) fs.closeSync(here.fd)
    } catch {
      // closing is all that is left to do with it; the caller discards the folder anyway
    }
  }

  /** The thread with the least handed over and not done, files weighed as FILE_WEIGHT bytes. */
  #leastBusy(): Writer {
    let best = this.#writers[0]!
    let bestLoad = Infinity
    for (const writer of this.#writers) {
      const load = writer.pendingBytes + writer.used + writer.pendingFiles * FILE_WEIGHT
      if (load < bestLoad) [best, bestLoad] = [writer, load]
    }
    return best
  }

  /**
   * Makes sure `writer`'s batch has `bytes` of data and one more record's room, handing the
   * batch over first when it has not. Data longer than a batch (a very long path) gets a batch
   * of its own size.
   */
  #record(writer: Writer, bytes: number): void {
    this.#refuseIfDone()
    const full = writer.records + 1 > BATCH_RECORDS || writer.used + bytes > writer.data.length
    if (full && writer.records > 0) this.#send(writer)
    if (bytes > writer.data.length) writer.data = Buffer.alloc(bytes)
  }

  #push(writer: Writer, code: number, a: number, b: number): void {
    const at = writer.records * RECORD
    writer.ops[at] = code
    writer.ops[at + 1] = a
    writer.ops[at + 2] = b
    writer.records++
    writer.lastWrite = -1
  }

  #fresh(): [Float64Array, Buffer] {
    const batch = this.#spare.pop()
    return batch
      ? [new Float64Array(batch.ops), Buffer.from(batch.data)]
      : [new Float64Array(BATCH_RECORDS * RECORD), Buffer.allocUnsafeSlow(BATCH_BYTES)]
  }

  #send(writer: Writer): void {
    const batch: Batch = {
      ops: writer.ops.buffer as ArrayBuffer,
      records: writer.records,
      data: writer.data.buffer as ArrayBuffer,
      used: writer.used
    }
    writer.inFlight++
    writer.pendingBytes += writer.used
    writer.worker.postMessage(batch, [batch.ops, batch.data])
    ;[writer.ops, writer.data] = this.#fresh()
    writer.records = 0
    writer.lastWrite = -1
    writer.used = 0
  }

  #onReply(writer: Writer, reply: Reply): void {
    if ('closed' in reply) return
    writer.inFlight--
    const { batch, failure } = reply
    writer.pendingBytes -= batch.used
    const ops = new Float64Array(batch.ops, 0, batch.records * RECORD)
    for (let at = 0; at < ops.length; at += RECORD) if (ops[at] === OP.open) writer.pendingFiles--
    if (batch.data.byteLength === BATCH_BYTES) this.#spare.push(batch)
    if (failure) {
      const { op, entry, code } = failure
      this.#fail(new Error(`cannot ${ACTION[op] ?? 'write'} entry ${showPath(entry)}: ${code}`))
    }
    this.#wakeAll()
  }

  #fail(error: Error): void {
    if (this.#closing === undefined && this.#failure === undefined) {
      this.#failure = error
      // the other threads skip what they still hold: nothing more is written after a failure
      Atomics.store(this.#stop, 0, 1)
    }
    this.#wakeAll()
  }

  #next(): Promise<void> {
    return new Promise((resolve) => this.#wake.push(resolve))
  }

  #wakeAll(): void {
    for (const resolve of this.#wake.splice(0)) resolve()
  }
}
