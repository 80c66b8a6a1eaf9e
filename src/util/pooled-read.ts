import { open } from 'node:fs/promises'
import type { BufferPool } from './buffer-pool.js'

/**
 * A file's bytes in order, read on the threadpool into buffers taken from `pool`. Each yielded
 * chunk is a view of a pool buffer: the consumer gives it back with `pool.release` when done,
 * or drops it and the GC takes it.
 */
export async function* readPooled(filePath: string, pool: BufferPool): AsyncGenerator<Buffer> {
  const handle = await open(filePath, 'r')
  try {
    for (;;) {
      const buffer = pool.take()
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null)
      if (bytesRead === 0) {
        pool.release(buffer)
        return
      }
      yield buffer.subarray(0, bytesRead)
    }
  } finally {
    await handle.close()
  }
}
