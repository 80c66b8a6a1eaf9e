// The restore's writing thread: runs the file-system operations WriteThread queues, in order, with
// the same synchronous calls the main thread used to make. It decides nothing: every check on
// what may be written, and where, was made before an operation was queued.
//
// Self-contained on purpose (node: modules and erased type imports only): the bundle ships it as
// dist/write-worker.js, and the tests start this very file through Node's type stripping. The
// operation codes come in workerData, from write-thread.ts.
import fs from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import type { Batch, Failure, Reply, WorkerData } from './write-thread.js'

const OPEN_FLAGS =
  fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW

const { prefixLength, ops: OP, stop } = workerData as WorkerData
const port = parentPort!

/** The file being written (the archive is sequential: at most one), and its entry path. */
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

/** Runs one batch; on a failure, records it (naming the entry) and stops. */
function run({ ops: opBuffer, opCount, data: dataBuffer }: Batch): void {
  const ops = new Float64Array(opBuffer, 0, opCount)
  const data = Buffer.from(dataBuffer)
  // a full path's bytes in the batch, as the Buffer path fs takes without a string
  const path = (at: number): Buffer => data.subarray(ops[at]!, ops[at]! + ops[at + 1]!)
  // the entry path inside a full path, as text: to name it in a failure
  const entryOf = (at: number): string =>
    data.toString('utf8', ops[at]! + prefixLength, ops[at]! + ops[at + 1]!)
  /** The entry an operation concerns, to name it if it fails. */
  const entryAt = (op: number, args: number): string => {
    if (op === OP.write || op === OP.close) return current
    if (op === OP.mkdirParent)
      return data.toString('utf8', ops[args + 2]!, ops[args + 2]! + ops[args + 3]!)
    return entryOf(args)
  }
  let at = 0
  let op = 0
  try {
    while (at < opCount) {
      // asked to stop (the restore failed elsewhere): leave the rest undone, quickly
      if (Atomics.load(stop, 0) !== 0) return
      op = ops[at]!
      const args = at + 1
      switch (op) {
        case OP.mkdir:
          fs.mkdirSync(path(args), 0o700)
          at += 3
          break
        case OP.mkdirParent:
          fs.mkdirSync(path(args), 0o700)
          at += 5
          break
        case OP.symlink:
          fs.symlinkSync(path(args + 2), path(args))
          at += 5
          break
        case OP.open:
          current = entryOf(args)
          fd = fs.openSync(path(args), OPEN_FLAGS, 0o600)
          at += 3
          break
        case OP.write: {
          const offset = ops[args]!
          const length = ops[args + 1]!
          for (let done = 0; done < length;) {
            done += fs.writeSync(fd, data, offset + done, length - done)
          }
          at += 3
          break
        }
        case OP.close: {
          const mode = ops[args]!
          const mtime = ops[args + 1]!
          const closing = fd
          fd = -1
          try {
            fs.fchmodSync(closing, mode)
            if (!Number.isNaN(mtime)) fs.futimesSync(closing, mtime, mtime)
          } finally {
            fs.closeSync(closing)
          }
          at += 3
          break
        }
        case OP.chmod: {
          const mode = ops[args + 2]!
          const mtime = ops[args + 3]!
          fs.chmodSync(path(args), mode)
          if (!Number.isNaN(mtime)) fs.utimesSync(path(args), mtime, mtime)
          at += 5
          break
        }
        default:
          throw new Error(`unknown write operation ${op}`)
      }
    }
  } catch (error) {
    failure = { op, entry: entryAt(op, at + 1), code: codeOf(error) }
    closeCurrent()
  }
}

port.on('message', (message: Batch | 'close') => {
  if (message === 'close') {
    closeCurrent()
    port.postMessage({ closed: true } satisfies Reply)
    return
  }
  if (failure === undefined) run(message)
  if (Atomics.load(stop, 0) !== 0) closeCurrent()
  const reply: Reply = { batch: message, failure }
  port.postMessage(reply, [message.ops, message.data])
})
