import fs from 'node:fs'
import { Worker } from 'node:worker_threads'

/**
 * The decoding thread's heap: it holds a few buffers at a time and makes garbage at the data's rate,
 * so a small young generation (collected often, each time cheaply) keeps its memory flat and
 * frees the buffers it dropped soon after (V8 frees a young buffer's memory at its next
 * scavenge). Its old generation only ever holds its module and a few objects.
 */
export const DECODER_HEAP = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 }

/**
 * Starts the bundled thread `name` (dist/<name>.js, beside this chunk), or, run from the sources
 * as the tests do, the one `npm run bundle` made.
 */
export function startWorker(name: string, workerData: unknown): Worker {
  const bundled = new URL(`./${name}.js`, import.meta.url)
  const file = fs.existsSync(bundled) ? bundled : new URL(`../../dist/${name}.js`, import.meta.url)
  return new Worker(file, { workerData, resourceLimits: DECODER_HEAP })
}
