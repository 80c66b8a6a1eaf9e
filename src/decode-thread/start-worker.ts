import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

/**
 * The decoding thread's heap: it holds a few buffers at a time and makes garbage at the data's rate,
 * so a small young generation (collected often, each time cheaply) keeps its memory flat and
 * frees the buffers it dropped soon after (V8 frees a young buffer's memory at its next
 * scavenge). Its old generation only ever holds its module and a few objects.
 */
export const DECODER_HEAP = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 }

/**
 * A thread of ours that is missing, fails to load, throws or dies: a fault of this install (or a
 * bug), never of the snapshot being read, so its message is not put on the snapshot.
 */
export class WorkerFault extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WorkerFault'
  }
}

/** What to do about a thread that failed: the same line wherever it failed. */
export const FAULT_REMEDY =
  'reinstall cutover-gate (from a checkout: npm run bundle); if it persists, report it as a bug'

/**
 * Starts the bundled thread `name` (dist/<name>.js, beside this chunk), or, run from the sources
 * as the tests do, the one `npm run bundle` made. Neither there: a WorkerFault naming the file.
 */
export function startWorker(name: string, workerData: unknown): Worker {
  const bundled = new URL(`./${name}.js`, import.meta.url)
  const file = fs.existsSync(bundled) ? bundled : new URL(`../../dist/${name}.js`, import.meta.url)
  if (!fs.existsSync(file)) {
    throw new WorkerFault(
      `cutover-gate is incomplete: its ${name}.js is missing from ${fileURLToPath(new URL('.', bundled))}: ${FAULT_REMEDY}`
    )
  }
  return new Worker(file, { workerData, resourceLimits: DECODER_HEAP })
}
