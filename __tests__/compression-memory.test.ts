import { Readable, type Transform } from 'node:stream'
import zlib from 'node:zlib'
import { createCompressStream } from '../src/compression/compress.js'
import { createDecompressStream } from '../src/compression/decompress.js'
import { mixedData } from '../__fixtures__/compression-helpers.js'

/** Resolves once `read()` stops changing for a while (the stream has stalled on backpressure). */
async function settled(read: () => number): Promise<number> {
  let last = -1
  let still = 0
  while (still < 10) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    const now = read()
    still = now === last ? still + 1 : 0
    last = now
  }
  return last
}

/** An endless source that counts the bytes taken from it. */
function endless(chunk: Buffer): { source: Readable; taken: () => number } {
  let taken = 0
  const source = new Readable({
    read() {
      taken += chunk.length
      this.push(chunk)
    }
  })
  return { source, taken: () => taken }
}

describe('compressors stop taking input when nobody reads', () => {
  it.each(['zstd', 'gzip'] as const)('%s holds a bounded number of blocks', async (kind) => {
    const blocks = { inFlight: 3 }
    const chunk = 64 << 10
    const { source, taken } = endless(mixedData(chunk, 2))
    const compressor: Transform = createCompressStream(kind, blocks)
    source.pipe(compressor)
    const held = await settled(taken)
    // one block per chunk: in flight + the readable and writable buffers, far below "everything"
    expect(held).toBeLessThan((blocks.inFlight + 4) * chunk)
    expect(held).toBeGreaterThan(chunk)
    source.destroy()
    compressor.destroy()
  })
})

describe('decompressors keep pace with the reader (no bomb buffering)', () => {
  const size = 256 << 20
  const zeros = (): Readable =>
    Readable.from(
      (function* () {
        const chunk = Buffer.alloc(1 << 20)
        for (let i = 0; i < size >> 20; i++) yield chunk
      })()
    )

  async function bomb(kind: 'zstd' | 'gzip'): Promise<Buffer> {
    const stream = kind === 'zstd' ? zlib.createZstdCompress() : zlib.createGzip({ level: 9 })
    const out: Buffer[] = []
    for await (const chunk of zeros().pipe(stream)) out.push(chunk as Buffer)
    return Buffer.concat(out)
  }

  it.each(['zstd', 'gzip'] as const)(
    '%s: 256 MiB of zeros buffers little, then all of it arrives',
    async (kind) => {
      const packed = await bomb(kind)
      expect(packed.length).toBeLessThan(size / 500)
      const decompressor = createDecompressStream(kind)
      decompressor.end(packed)
      const buffered = await settled(() => decompressor.readableLength)
      expect(buffered).toBeLessThan(8 << 20)
      let total = 0
      for await (const chunk of decompressor) total += (chunk as Buffer).length
      expect(total).toBe(size)
    }
  )
})
