import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { BlockTransform } from '../src/compression/block-transform.js'
import { createCompressStream } from '../src/compression/compress.js'
import { createDecompressStream } from '../src/compression/decompress.js'
import { mixedData, through } from '../__fixtures__/compression-helpers.js'
import { withTools } from '../__fixtures__/stock-tools.js'

const data = mixedData(600_000, 5)
const small = { inFlight: 3 }

async function packed(kind: 'zstd' | 'gzip'): Promise<Buffer> {
  return through([data], createCompressStream(kind, small))
}

function flipped(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes)
  copy[at] = (copy[at] as number) ^ 0x40
  return copy
}

describe.each(['zstd', 'gzip'] as const)('%s decompression refuses bad input', (kind) => {
  it('a flipped byte in every eighth of the stream', async () => {
    const good = await packed(kind)
    for (let i = 1; i < 8; i++) {
      const bad = flipped(good, Math.floor((good.length * i) / 8))
      await expect(through([bad], createDecompressStream(kind))).rejects.toThrow()
    }
  })

  it('a truncated stream', async () => {
    const good = await packed(kind)
    for (const keep of [1, 10, Math.floor(good.length / 2), good.length - 1]) {
      await expect(
        through([good.subarray(0, keep)], createDecompressStream(kind))
      ).rejects.toThrow()
    }
  })

  it('trailing garbage and an empty stream', async () => {
    const good = await packed(kind)
    const garbage = Buffer.concat([good, Buffer.from('not compressed at all')])
    await expect(through([garbage], createDecompressStream(kind))).rejects.toThrow()
    await expect(through([], createDecompressStream(kind))).rejects.toThrow()
  })
})

describe('zstd specifics', () => {
  it("names truncation and bad magic, with ZSTD_error_ codes as Node's zstd errors have", async () => {
    const good = await packed('zstd')
    const truncated = through([good.subarray(0, 1000)], createDecompressStream('zstd'))
    await expect(truncated).rejects.toThrow(/truncated/)
    await expect(truncated).rejects.toMatchObject({ code: 'ZSTD_error_truncated' })
    const plain = through([Buffer.from('plain tar bytes')], createDecompressStream('zstd'))
    await expect(plain).rejects.toThrow(/not a zstd stream/)
    await expect(plain).rejects.toMatchObject({ code: 'ZSTD_error_prefix_unknown' })
  })

  const withZstd = withTools('zstd').it
  withZstd(
    'stock zstd -d also detects corruption of incompressible data (frame checksum)',
    async () => {
      const { spawnSync } = await import('node:child_process')
      const random = mixedData(50_000, 9).subarray(0, 32) // sha256 output: incompressible
      const noise = Buffer.concat(
        Array.from({ length: 4000 }, (_, i) => Buffer.from(random.map((b) => b ^ i)))
      )
      const good = await through([noise], createCompressStream('zstd', small))
      const bad = flipped(good, Math.floor(good.length / 2))
      expect(spawnSync('zstd', ['-d', '-c'], { input: bad }).status).not.toBe(0)
      await expect(through([bad], createDecompressStream('zstd'))).rejects.toThrow()
    }
  )
})

describe('compression errors propagate', () => {
  it('a failing block rejects the pipeline, with no unhandled rejection from later blocks', async () => {
    let calls = 0
    let closed = 0
    const codec = {
      encode: async (block: Buffer) => {
        calls++
        if (calls >= 2) throw new Error(`block ${calls} failed`)
        return [Buffer.from(block)]
      },
      close: () => closed++
    }
    const failing = new BlockTransform(codec, { inFlight: 3 })
    const data = mixedData(10_000)
    const blocks = Array.from({ length: 10 }, (_, i) => data.subarray(i * 1000, (i + 1) * 1000))
    await expect(through(blocks, failing)).rejects.toThrow(/block 2 failed/)
    expect(closed).toBeGreaterThan(0)
  })

  it('an upstream error destroys the compressor', async () => {
    const source = new Readable({
      read() {
        this.destroy(new Error('read failed'))
      }
    })
    const sink = new Writable({ write: (_c, _e, cb) => cb() })
    await expect(pipeline(source, createCompressStream('zstd'), sink)).rejects.toThrow(
      /read failed/
    )
  })

  it('refuses an in-flight count that is not a whole number of at least 1', () => {
    expect(() => createCompressStream('zstd', { inFlight: 0 })).toThrow(RangeError)
    expect(() => createCompressStream('gzip', { inFlight: 1.5 })).toThrow(RangeError)
  })
})
