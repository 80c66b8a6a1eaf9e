// The restore's writing thread: runs the file-system operations WriteThread queues, in order, with
// the same synchronous calls the main thread used to make. It decides nothing: every check on
// what may be written, and where, was made before an operation was queued.
//
// Self-contained on purpose (node: modules and erased type imports only): the bundle ships it as
// dist/write-worker.js, and the tests start this very file through Node's type stripping.
import fs from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import type { Batch, Failure, Reply, WorkerData } from './write-thread.js'

const OPEN_FLAGS =
  fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW

const { root, stop } = workerData as WorkerData
const port = parentPort!

/** The file being written: the archive is sequential, so there is at most one. */
let fd = -1
let current = ''
let failure: Failure | undefined

function closeCurrent(): void {
  if (fd < 0) return
  try {
    fs.closeSync(fd)
  } catch {
    // closing is all that is left to do with it; the caller discards the folder anyway
  }
  fd = -1
}

function codeOf(error: unknown): string {
  return String((error as NodeJS.ErrnoException).code ?? (error as Error).message)
}

/** One operation; its arguments follow its code in `ops`. Returns the index of the next one. */
function step(ops: Batch['ops'], at: number, data: Uint8Array): number {
  const code = ops[at]
  switch (code) {
    case 'mkdir': {
      const rel = ops[at + 1] as string
      attempt(ops[at + 2] as string, ops[at + 3] as string, () =>
        fs.mkdirSync(`${root}/${rel}`, 0o700)
      )
      return at + 4
    }
    case 'symlink': {
      const rel = ops[at + 1] as string
      attempt('create symlink', rel, () => fs.symlinkSync(ops[at + 2] as string, `${root}/${rel}`))
      return at + 3
    }
    case 'open': {
      const rel = ops[at + 1] as string
      current = rel
      fd = attempt('create file', rel, () => fs.openSync(`${root}/${rel}`, OPEN_FLAGS, 0o600))
      return at + 2
    }
    case 'write': {
      const offset = ops[at + 1] as number
      const length = ops[at + 2] as number
      attempt('write', current, () => {
        for (let done = 0; done < length;) {
          done += fs.writeSync(fd, data, offset + done, length - done)
        }
      })
      return at + 3
    }
    case 'close': {
      const mode = ops[at + 1] as number
      const mtime = ops[at + 2] as number | null
      attempt('finish', current, () => {
        try {
          fs.fchmodSync(fd, mode)
          if (mtime !== null) fs.futimesSync(fd, mtime, mtime)
        } finally {
          const closing = fd
          fd = -1
          fs.closeSync(closing)
        }
      })
      return at + 3
    }
    case 'chmod': {
      const rel = ops[at + 1] as string
      const mode = ops[at + 2] as number
      const mtime = ops[at + 3] as number | null
      attempt('set mode of', rel, () => {
        fs.chmodSync(`${root}/${rel}`, mode)
        if (mtime !== null) fs.utimesSync(`${root}/${rel}`, mtime, mtime)
      })
      return at + 4
    }
    default:
      throw new Error(`unknown write operation ${String(code)}`)
  }
}

function attempt<T>(action: string, path: string, work: () => T): T {
  try {
    return work()
  } catch (error) {
    failure = { action, path, code: codeOf(error) }
    throw error
  }
}

function run(batch: Batch): void {
  const data = batch.data ? new Uint8Array(batch.data) : new Uint8Array(0)
  for (let at = 0; at < batch.ops.length;) {
    // asked to stop (the restore failed elsewhere): leave the rest undone, quickly
    if (Atomics.load(stop, 0) !== 0) return
    at = step(batch.ops, at, data)
  }
}

port.on('message', (message: Batch | 'close') => {
  if (message === 'close') {
    closeCurrent()
    port.postMessage({ closed: true } satisfies Reply)
    return
  }
  if (failure === undefined) {
    try {
      run(message)
    } catch (error) {
      failure ??= { action: 'write', path: current, code: codeOf(error) }
      closeCurrent()
    }
  }
  if (Atomics.load(stop, 0) !== 0) closeCurrent()
  const reply: Reply = { data: message.data, failure }
  port.postMessage(reply, message.data ? [message.data] : [])
})
