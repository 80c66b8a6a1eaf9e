import { createHash, randomBytes } from 'node:crypto'
import fc from 'fast-check'
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
import { passphraseKeys } from '../__fixtures__/passphrase-keys.js'

describe('BufferPool', () => {
  it('takes back whole buffers, once each, up to its keep limit', () => {
    const pool = new BufferPool(64, 2)
    const [a, b, c] = [pool.take(), pool.take(), pool.take()]
    expect(a.length).toBe(64)
    pool.release(a)
    pool.release(a) // a second give-back of the same memory is ignored
    pool.release(a.subarray(0, 64)) // so is one through another whole view of it
    expect(pool.available).toBe(1)
    pool.release(b)
    pool.release(c) // past keep: left to the GC
    expect(pool.available).toBe(2)
    const again = [pool.take(), pool.take(), pool.take()]
    expect(again).toContain(a)
    expect(again).toContain(b)
    expect(again).not.toContain(c)
  })

  it('leaves short views and buffers of other sizes to the GC', () => {
    const pool = new BufferPool(64, 4)
    const a = pool.take()
    pool.release(a.subarray(0, 10)) // a last, partial batch
    pool.release(a.subarray(1, 65).subarray(0, 63))
    pool.release(Buffer.alloc(128).subarray(0, 64)) // part of bigger memory
    pool.release(Buffer.alloc(32))
    expect(pool.available).toBe(0)
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

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('BlockTransform: one chunk is one block, given back once its frame is made', () => {
  it('encodes each chunk as it is, and releases it only after its frame', async () => {
    const codec = new HeldCodec()
    const released: Buffer[] = []
    const stream = new BlockTransform(codec, { inFlight: 4, release: (b) => released.push(b) })
    const out: Buffer[] = []
    stream.on('data', (d: Buffer) => out.push(d))
    const chunks = [randomBytes(1000), randomBytes(10), randomBytes(3000)]
    for (const chunk of chunks) stream.write(chunk)
    await tick()
    // the very chunks, uncopied and uncut, are the blocks being encoded: none given back yet
    expect(codec.pending.map((p) => p.block)).toEqual(chunks)
    expect(released).toEqual([])
    codec.pending[1]!.settle()
    await tick()
    expect(released).toEqual([chunks[1]])
    codec.pending[0]!.settle()
    codec.pending[2]!.settle()
    stream.end()
    await new Promise((r) => stream.on('end', r))
    expect(released).toHaveLength(3)
    expect(Buffer.concat(out)).toEqual(Buffer.concat(chunks))
  })

  it('through a pipeline, every byte in order and every chunk given back once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        async (sizes, inFlight) => {
          const chunks = sizes.map((n) => randomBytes(n))
          const released: Buffer[] = []
          const codec: BlockCodec = {
            encode: async (block) => [Buffer.from(block)],
            close: () => {}
          }
          const got: Buffer[] = []
          await pipeline(
            Readable.from(chunks),
            new BlockTransform(codec, { inFlight, release: (b) => released.push(b) }),
            new Writable({
              write(chunk: Buffer, _e, cb) {
                got.push(chunk)
                cb()
              }
            })
          )
          expect(Buffer.concat(got)).toEqual(Buffer.concat(chunks))
          const nonEmpty = chunks.filter((c) => c.length > 0)
          expect(released.filter((b) => b.length > 0)).toEqual(nonEmpty)
        }
      ),
      { numRuns: 30 }
    )
  })
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
      passphraseKeys('reuse ✓'),
      logger
    )
    const target = path.join(tempDir('cg-reuse-target-'), 'restored')
    await restoreIntoTarget(manifestPath, passphraseKeys('reuse ✓'), target, logger)
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
