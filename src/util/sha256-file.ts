import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'

const READ_SIZE = 4 << 20

/**
 * SHA-256 of a whole file, reading on the threadpool into two buffers that take turns: the next
 * read runs while this one is hashed, and no memory is allocated per read (fresh buffers cost a
 * page fault per 4 KiB, which on a VM is most of the time).
 */
export async function sha256OfFile(filePath: string): Promise<string> {
  const hash = createHash('sha256')
  const handle = await open(filePath, 'r')
  try {
    const buffers = [Buffer.allocUnsafeSlow(READ_SIZE), Buffer.allocUnsafeSlow(READ_SIZE)]
    let turn = 0
    let pending = handle.read(buffers[0]!, 0, READ_SIZE, null)
    for (;;) {
      const { bytesRead, buffer } = await pending
      if (bytesRead === 0) break
      turn ^= 1
      pending = handle.read(buffers[turn]!, 0, READ_SIZE, null)
      hash.update(buffer.subarray(0, bytesRead))
    }
  } finally {
    await handle.close()
  }
  return hash.digest('hex')
}
