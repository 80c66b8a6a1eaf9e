import { constants } from 'node:fs'
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

/**
 * Up to `length` bytes from the start of a regular file; empty for anything else or if it cannot
 * be read (callers check the file properly). Opened non-blocking, so a FIFO cannot hang it.
 */
export async function readHead(filePath: string, length: number): Promise<Buffer> {
  try {
    const handle = await open(filePath, constants.O_RDONLY | constants.O_NONBLOCK)
    try {
      if (!(await handle.stat()).isFile()) return Buffer.alloc(0)
      const buffer = Buffer.alloc(length)
      const { bytesRead } = await handle.read(buffer, 0, length, 0)
      return buffer.subarray(0, bytesRead)
    } finally {
      await handle.close()
    }
  } catch {
    return Buffer.alloc(0)
  }
}
