import { open, type FileHandle } from 'node:fs/promises'
import type { BufferPool } from './buffer-pool.js'

/**
 * A file's bytes in order, read on the threadpool into buffers taken from `pool`, one read ahead
 * of the consumer. Each yielded chunk is a view of a pool buffer: the consumer gives it back with
 * `pool.release` when done with it, or drops it and the GC takes it.
 */
export async function* readPooled(filePath: string, pool: BufferPool): AsyncGenerator<Buffer> {
  const handle = await open(filePath, 'r')
  let next: Promise<Buffer | undefined> | undefined
  try {
    next = readInto(handle, pool)
    for (;;) {
      const chunk = await next
      if (!chunk) return
      // the next read runs while the consumer works on this chunk
      next = readInto(handle, pool)
      yield chunk
    }
  } finally {
    // a consumer that stops early may leave a read in flight: let it land before closing
    await next?.catch(() => undefined)
    await handle.close()
  }
}

async function readInto(handle: FileHandle, pool: BufferPool): Promise<Buffer | undefined> {
  const buffer = pool.take()
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, null)
  if (bytesRead > 0) return buffer.subarray(0, bytesRead)
  pool.release(buffer)
  return undefined
}
