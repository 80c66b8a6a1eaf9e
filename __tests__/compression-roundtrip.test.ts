import { COMPRESSIONS } from '../src/format/compression.js'
import { createCompressStream } from '../src/compression/compress.js'
import { createDecompressStream } from '../src/compression/decompress.js'
import {
  mixedData,
  oddChunks,
  through,
  zstdDescriptors
} from '../__fixtures__/compression-helpers.js'

/** The snapshot archive's chunk, so one block: sizes around it. */
const B = 1 << 20
const SIZES: [string, number][] = [
  ['0', 0],
  ['1', 1],
  ['block-1', B - 1],
  ['block', B],
  ['block+1', B + 1],
  ['several blocks', 3 * B + 12345]
]

describe.each(COMPRESSIONS)('%s round trip', (kind) => {
  it.each(SIZES)('restores %s bytes fed in odd chunks', async (_name, size) => {
    const data = mixedData(size)
    const packed = await through(oddChunks(data), createCompressStream(kind))
    const restored = await through(oddChunks(packed), createDecompressStream(kind))
    expect(restored.equals(data)).toBe(true)
    if (kind !== 'none' && size > 1000) expect(packed.length).toBeLessThan(size)
  })

  it('keeps block order with many small blocks in flight', async () => {
    const data = mixedData(300_001, 7)
    for (const inFlight of [1, 2, 4]) {
      const packed = await through(oddChunks(data), createCompressStream(kind, { inFlight }))
      const restored = await through([packed], createDecompressStream(kind))
      expect(restored.equals(data)).toBe(true)
    }
  })
})

describe('zstd frames', () => {
  it('every frame carries a checksum and its content size', async () => {
    const data = mixedData(10 * 1000 + 1, 4)
    const chunks = Array.from({ length: 11 }, (_, i) => data.subarray(i * 1000, (i + 1) * 1000))
    // one chunk, one block, one frame
    const packed = await through(chunks, createCompressStream('zstd', { inFlight: 3 }))
    const descriptors = zstdDescriptors(packed)
    expect(descriptors).toHaveLength(11)
    for (const fhd of descriptors) {
      expect(fhd & 0x04).toBe(0x04) // Content_Checksum_flag
      // Frame_Content_Size present: a size flag, or Single_Segment (1 byte for small frames)
      expect(fhd >> 6 !== 0 || (fhd & 0x20) !== 0).toBe(true)
    }
  })
})

describe('one upstream chunk, one block', () => {
  const frames = async (chunks: Buffer[]): Promise<number> =>
    zstdDescriptors(await through(chunks, createCompressStream('zstd', { inFlight: 2 }))).length

  it('makes one frame of each chunk, whatever its size, and none of an empty one', async () => {
    const data = mixedData(30_000, 8)
    const chunksOf = (n: number): Buffer[] =>
      Array.from({ length: Math.ceil(data.length / n) }, (_, i) =>
        data.subarray(i * n, (i + 1) * n)
      )
    expect(await frames(chunksOf(1500))).toBe(20)
    expect(await frames([data])).toBe(1)
    expect(await frames(chunksOf(300))).toBe(100)
    expect(await frames([data, Buffer.alloc(0), data])).toBe(2)
    // an empty input is one empty frame: stock tools reject a zero-byte file
    expect(await frames([])).toBe(1)
  })
})

describe('decompression with frame and member headers split across chunks', () => {
  it.each(['zstd', 'gzip'] as const)('%s, fed 1 to 5 bytes at a time', async (kind) => {
    const data = mixedData(20_000, 6)
    const blocks = Array.from({ length: 20 }, (_, i) => data.subarray(i * 1000, (i + 1) * 1000))
    const packed = await through(blocks, createCompressStream(kind, { inFlight: 2 }))
    for (const step of [1, 2, 3, 5]) {
      const chunks = Array.from({ length: Math.ceil(packed.length / step) }, (_, i) =>
        packed.subarray(i * step, (i + 1) * step)
      )
      expect((await through(chunks, createDecompressStream(kind))).equals(data)).toBe(true)
    }
  })
})
