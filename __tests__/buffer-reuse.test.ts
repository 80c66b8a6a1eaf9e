import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { pieces } from '../__fixtures__/age-streams.js'
import { createDecryptStream } from '../src/age/decrypt.js'
import { encryptStream } from '../src/age/encrypt.js'
import { BlockTransform, type BlockCodec } from '../src/compression/block-transform.js'
import { restoreIntoTarget } from '../src/restore/restore-into-target.js'
import { createSnapshot } from '../src/snapshot/create-snapshot.js'
import { BufferPool } from '../src/util/buffer-pool.js'
import { sha256OfFile } from '../__fixtures__/sha256-file.js'
import { MemoryLogger } from '../__fixtures__/memory-logger.js'
import { tempDir } from '../__fixtures__/trees.js'

describe('BufferPool', () => {
  it('hands back what was given back, found from any view of it', () => {
    const pool = new BufferPool(1024, 4)
    const a = pool.take()
    expect(a.length).toBe(1024)
    pool.release(a.subarray(100, 200))
    expect(pool.available).toBe(1)
    expect(pool.take()).toBe(a)
    expect(pool.take()).not.toBe(a)
  })

  it('ignores foreign buffers, double releases and buffers past its keep limit', () => {
    const pool = new BufferPool(64, 2)
    pool.release(Buffer.alloc(64))
    expect(pool.available).toBe(0)
    const [a, b, c] = [pool.take(), pool.take(), pool.take()]
    pool.release(a)
    pool.release(a)
    expect(pool.available).toBe(1)
    pool.release(b)
    pool.release(c)
    expect(pool.available).toBe(2)
    const again = [pool.take(), pool.take(), pool.take()]
    expect(again).toContain(a)
    expect(again).toContain(b)
    expect(again).not.toContain(c)
  })

  it('refuses a size or limit that is not a whole number', () => {
    expect(() => new BufferPool(0, 1)).toThrow(RangeError)
    expect(() => new BufferPool(10, -1)).toThrow(RangeError)
  })
})

/** A codec whose blocks settle only when the test says so, recording what it was given. */
class HeldCodec implements BlockCodec {
  readonly pending: Array<{ block: Buffer; settle: () => void }> = []
  encode(block: Buffer): Promise<Buffer[]> {
    const copy = Buffer.from(block)
    return new Promise((resolve) => this.pending.push({ block, settle: () => resolve([copy]) }))
  }
  close(): void {}
}

describe('BlockTransform gives input chunks back only when it no longer holds them', () => {
  const blockSize = 1000

  it('a whole-block chunk after its block is encoded, a smaller one once copied', async () => {
    const codec = new HeldCodec()
    const released: Buffer[] = []
    const stream = new BlockTransform(codec, {
      blockSize,
      inFlight: 4,
      release: (b) => released.push(b)
    })
    const out: Buffer[] = []
    stream.on('data', (d: Buffer) => out.push(d))
    const whole = randomBytes(blockSize)
    const half1 = randomBytes(blockSize / 2)
    const half2 = randomBytes(blockSize / 2)
    for (const chunk of [whole, half1, half2]) stream.write(chunk)
    await new Promise((r) => setImmediate(r))
    // the whole chunk is the block being encoded: not released while the codec holds it
    expect(codec.pending.map((p) => p.block)).toContain(whole)
    expect(released).not.toContain(whole)
    // the halves were copied into a block of the stream's own, so they are free already
    expect(released).toEqual(expect.arrayContaining([half1, half2]))
    codec.pending.forEach((p) => p.settle())
    await new Promise((r) => setImmediate(r))
    expect(released).toContain(whole)
    stream.end()
    await new Promise((r) => stream.on('end', r))
    expect(Buffer.concat(out)).toEqual(Buffer.concat([whole, half1, half2]))
  })

  it('never releases a chunk that more than one block points into', async () => {
    const released: Buffer[] = []
    const big = randomBytes(blockSize * 3 + 10)
    const after = randomBytes(blockSize * 2)
    const got = await through([big, after], (b) => released.push(b))
    expect(got).toEqual(Buffer.concat([big, after]))
    expect(released.some((b) => b.buffer === big.buffer)).toBe(false)
    expect(released).toContain(after)
  })

  it('through a pipeline, every byte in order; all chunks but the sliced ones given back', async () => {
    const released: Buffer[] = []
    // 300 to 2113 bytes: below, at and above one and two blocks
    const chunks = Array.from({ length: 50 }, (_, i) => randomBytes(300 + i * 37))
    expect(await through(chunks, (b) => released.push(b))).toEqual(Buffer.concat(chunks))
    const sliced = chunks.filter((c) => c.length > 2 * blockSize)
    expect(sliced.length).toBeGreaterThan(0)
    expect(released.length).toBe(chunks.length - sliced.length)
    for (const chunk of sliced) expect(released.map((b) => b.buffer)).not.toContain(chunk.buffer)
  })

  async function through(chunks: Buffer[], release: (b: Buffer) => void): Promise<Buffer> {
    const codec: BlockCodec = { encode: async (block) => [Buffer.from(block)], close: () => {} }
    const got: Buffer[] = []
    await pipeline(
      Readable.from(chunks),
      new BlockTransform(codec, { blockSize, inFlight: 3, release }),
      new Writable({
        write(chunk: Buffer, _e, cb) {
          got.push(chunk)
          cb()
        }
      })
    )
    return Buffer.concat(got)
  }
})

describe('snapshots that cycle their read buffers many times', () => {
  it('restore byte for byte, every file verified against its own hash', async () => {
    const repo = tempDir('cg-reuse-')
    const state = path.join(repo, 'state')
    fs.mkdirSync(state)
    // ~40 MiB in files of many sizes, so each 1 MiB read buffer is reused many times over
    const sizes = [0, 1, 511, 512, 513, 65_536, 1_048_575, 1_048_576, 1_048_577, 5_000_000]
    const want = new Map<string, string>()
    for (let i = 0; i < 60; i++) {
      const size = sizes[i % sizes.length]! + i
      const data = randomBytes(size)
      const name = `f${String(i).padStart(2, '0')}.bin`
      fs.writeFileSync(path.join(state, name), data)
      want.set(name, createHash('sha256').update(data).digest('hex'))
    }
    const snapshotDir = path.join(repo, 'snapshots')
    const manifestPath = path.join(snapshotDir, 'latest-manifest.json')
    const logger = new MemoryLogger()
    await createSnapshot(
      {
        repo,
        includes: ['state'],
        snapshotDir,
        manifestPath,
        force: false,
        compression: 'zstd',
        workFactor: 10
      },
      'reuse ✓',
      logger
    )
    const target = path.join(tempDir('cg-reuse-target-'), 'restored')
    await restoreIntoTarget(manifestPath, 'reuse ✓', target, logger)
    for (const [name, sha256] of want) {
      expect(await sha256OfFile(path.join(target, 'state', name))).toBe(sha256)
    }
  }, 120_000)
})

describe('sha256OfFile', () => {
  it('matches a one-shot hash for empty, small and multi-buffer files', async () => {
    const dir = tempDir('cg-sha-')
    for (const size of [0, 1, 4 << 20, (4 << 20) + 1, 9 << 20]) {
      const data = randomBytes(size)
      const p = path.join(dir, `f${size}`)
      fs.writeFileSync(p, data)
      expect(await sha256OfFile(p)).toBe(createHash('sha256').update(data).digest('hex'))
    }
  })

  it('rejects for a missing file', async () => {
    await expect(sha256OfFile('/nonexistent/cutover-gate')).rejects.toMatchObject({
      code: 'ENOENT'
    })
  })
})

describe('age decryption gives its input chunks back', () => {
  it.each([1, 7, 4096, 65_552, 1 << 20])(
    'decrypts right when every released %i-byte chunk is overwritten at once',
    async (size) => {
      const passphrase = Buffer.from('reuse ✓')
      const plaintext = randomBytes(300_000)
      const encrypted: Buffer[] = []
      await pipeline(
        Readable.from([plaintext]),
        encryptStream({ kind: 'passphrase', passphrase: passphrase, workFactor: 10 }),
        new Writable({
          write(chunk: Buffer, _e, cb) {
            encrypted.push(chunk)
            cb()
          }
        })
      )
      // each piece is a copy the producer scribbles over as soon as it is given back
      const input = pieces(Buffer.concat(encrypted), size).map((p) => Buffer.from(p))
      let released = 0
      const got: Buffer[] = []
      await pipeline(
        Readable.from(input),
        createDecryptStream(passphrase, {
          releaseInput: (chunk) => {
            released++
            chunk.fill(0xa5)
          }
        }),
        new Writable({
          write(chunk: Buffer, _e, cb) {
            got.push(chunk)
            cb()
          }
        })
      )
      expect(Buffer.concat(got).equals(plaintext)).toBe(true)
      expect(released).toBe(input.length)
    }
  )
})
