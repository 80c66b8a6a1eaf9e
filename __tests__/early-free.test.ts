import { randomBytes } from 'node:crypto'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import zlib from 'node:zlib'
import { AgeEncryptStream } from '../src/age/encrypt.js'
import { createDecryptStream, createFileKeyDecryptStream } from '../src/age/decrypt.js'
import { encodeHeader } from '../src/age/header.js'
import { FILE_KEY_SIZE } from '../src/age/keys.js'
import { wrapScrypt } from '../src/age/scrypt.js'
import { createCompressStream } from '../src/compression/compress.js'
import { createDecompressStream } from '../src/compression/decompress.js'
import { EarlyFree } from '../src/util/early-free.js'
import { mixedData, oddChunks, through } from '../__fixtures__/compression-helpers.js'

const fresh = (size: number, fill = 7): Buffer => Buffer.allocUnsafeSlow(size).fill(fill)
const isFreed = (piece: Buffer): boolean => (piece.buffer as ArrayBuffer).detached

describe('EarlyFree: memory handed over whole', () => {
  it('frees a piece once the last stage is done with it', () => {
    const early = new EarlyFree()
    const piece = fresh(65536)
    early.handOver(piece)
    expect(isFreed(piece)).toBe(false)
    early.done(piece)
    expect(isFreed(piece)).toBe(true)
    expect(piece.length).toBe(0)
    expect(early.freed).toBe(1)
  })

  it('frees nothing for pieces it was not told of, slices and copies included', () => {
    const early = new EarlyFree()
    const piece = fresh(4096)
    early.done(piece)
    early.handOver(piece)
    early.done(piece.subarray(0, 100))
    early.done(Buffer.from(piece))
    expect(isFreed(piece)).toBe(false)
    expect(piece[0]).toBe(7)
    early.done(piece)
    early.done(piece)
    expect(early.freed).toBe(1)
  })

  it('refuses memory a piece does not own whole', () => {
    const early = new EarlyFree()
    const pooled = Buffer.from('a slice of Node’s shared pool')
    const view = fresh(1024).subarray(10)
    const shared = Buffer.from(new SharedArrayBuffer(64))
    const empty = Buffer.alloc(0)
    for (const piece of [pooled, view, shared, empty]) {
      early.handOver(piece)
      early.done(piece)
    }
    expect(early.freed).toBe(0)
    expect(pooled.toString()).toBe('a slice of Node’s shared pool')
    expect(view.length).toBe(1014)
  })

  it('waits for every view of one memory handed over', () => {
    const early = new EarlyFree()
    const memory = new ArrayBuffer(8192)
    const [first, second] = [Buffer.from(memory), Buffer.from(memory)]
    early.handOver(first)
    early.handOver(second)
    early.done(first)
    expect(memory.detached).toBe(false)
    early.done(second)
    expect(memory.detached).toBe(true)
  })
})

describe('EarlyFree: pieces cut from a producer’s output buffer', () => {
  it('keeps the buffer while its producer may still write into it', () => {
    const early = new EarlyFree()
    const producer = {}
    const first = fresh(1 << 16)
    early.cutFrom(producer, first.subarray(0, 100))
    const [a, b] = [first.subarray(0, 100), first.subarray(100, 300)]
    early.cutFrom(producer, a)
    early.cutFrom(producer, b)
    early.done(a)
    early.done(b)
    expect(isFreed(first)).toBe(false)

    // the producer moved on to another buffer: the first is freed once its pieces are done
    const second = fresh(1 << 16)
    const c = second.subarray(0, 50)
    early.cutFrom(producer, c)
    // the piece registered first, never done, still holds it
    expect(isFreed(first)).toBe(false)
    early.done(first.subarray(0, 100))
    expect(isFreed(first)).toBe(false)
    expect(early.freed).toBe(0)

    early.done(c)
    expect(isFreed(second)).toBe(false)
    early.producerDone(producer)
    expect(isFreed(second)).toBe(true)
  })

  it('frees a buffer left behind as soon as its last piece is done', () => {
    const early = new EarlyFree()
    const producer = {}
    const [one, two] = [fresh(4096), fresh(4096)]
    const a = one.subarray(0, 10)
    early.cutFrom(producer, a)
    early.cutFrom(producer, two.subarray(0, 10))
    expect(isFreed(one)).toBe(false)
    early.done(a)
    expect(isFreed(one)).toBe(true)
    expect(isFreed(two)).toBe(false)
  })

  it('tracks producers apart', () => {
    const early = new EarlyFree()
    const [p, q] = [{}, {}]
    const [one, two] = [fresh(4096), fresh(4096)]
    const a = one.subarray(0, 10)
    early.cutFrom(p, a)
    early.done(a)
    early.cutFrom(q, two.subarray(0, 10))
    expect(isFreed(one)).toBe(false)
    early.producerDone(q)
    expect(isFreed(one)).toBe(false)
    early.producerDone(p)
    expect(isFreed(one)).toBe(true)
  })
})

describe('what EarlyFree assumes of zlib, pinned on this Node', () => {
  it('an engine fills one output buffer at a time, never returns to one, never rewrites a piece', async () => {
    // small and large frames: several outputs share a buffer, and one output spans two
    const engine = zlib.createZstdCompress({
      flush: zlib.constants.ZSTD_e_end,
      chunkSize: 128 * 1024
    })
    const pieces: { piece: Buffer; copy: Buffer }[] = []
    engine.on('data', (piece: Buffer) => pieces.push({ piece, copy: Buffer.from(piece) }))
    for (let i = 0; i < 40; i++) {
      const block = i % 3 === 0 ? randomBytes(150_000) : mixedData(50_000 + i * 997, i)
      await new Promise<void>((resolve, reject) =>
        engine.write(block, (error) => (error ? reject(error) : resolve()))
      )
    }
    engine.close()
    const order: ArrayBufferLike[] = []
    for (const { piece } of pieces) if (order.at(-1) !== piece.buffer) order.push(piece.buffer)
    expect(new Set(order).size).toBe(order.length)
    expect(order.length).toBeGreaterThan(3)
    expect(pieces.length).toBeGreaterThan(order.length)
    for (const { piece, copy } of pieces) expect(piece.equals(copy)).toBe(true)
  })
})

/** A file key, a passphrase, and an age header wrapping the one with the other (work factor 10). */
async function ageKeys(): Promise<{ fileKey: Buffer; passphrase: Buffer; header: Buffer }> {
  const fileKey = randomBytes(FILE_KEY_SIZE)
  const passphrase = Buffer.from('early free')
  const header = encodeHeader([await wrapScrypt(fileKey, passphrase, 10)], fileKey)
  return { fileKey, passphrase, header }
}

describe('EarlyFree in the snapshot’s stages', () => {
  it('compressing then encrypting frees their outputs and the bytes stay right', async () => {
    const data = mixedData(12 * 1024 * 1024 + 333, 3)
    const { fileKey, header } = await ageKeys()
    const early = new EarlyFree()
    const written: Buffer[] = []
    const sink = new Writable({
      highWaterMark: 1 << 20,
      write(chunk: Buffer, _encoding, callback) {
        written.push(Buffer.from(chunk))
        early.done(chunk)
        callback()
      }
    })
    await pipeline(
      Readable.from(oddChunks(data)),
      createCompressStream('zstd', { blockSize: 1 << 20, inFlight: 3 }, early),
      new AgeEncryptStream(fileKey, header, early),
      sink
    )
    const plaintext = await through([Buffer.concat(written)], createFileKeyDecryptStream(fileKey))
    expect(zlib.zstdDecompressSync(plaintext).equals(data)).toBe(true)
    // every ciphertext chunk (64 KiB) and most zstd output buffers went back at once
    const chunks = Math.floor(plaintext.length / 65536)
    expect(early.freed).toBeGreaterThan(chunks + 4)
  })
})

describe('EarlyFree in the restore’s stages', () => {
  it('decrypting then decompressing frees their outputs and the bytes stay right', async () => {
    const data = mixedData(12 * 1024 * 1024 + 333, 5)
    const { fileKey, passphrase, header } = await ageKeys()
    const sealed = await through(
      oddChunks(data),
      createCompressStream('zstd'),
      new AgeEncryptStream(fileKey, header)
    )
    const early = new EarlyFree()
    const restored: Buffer[] = []
    await pipeline(
      Readable.from(oddChunks(sealed)),
      createDecryptStream(passphrase, { early }),
      createDecompressStream('zstd', early),
      async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source) {
          restored.push(Buffer.from(chunk))
          early.done(chunk)
        }
      }
    )
    expect(Buffer.concat(restored).equals(data)).toBe(true)
    // every plaintext chunk (64 KiB) once decompressed, and most of the decompressor's
    // 256 KiB output buffers once read (48 of them)
    const compressedChunks = Math.floor((sealed.length - header.length) / 65552)
    expect(early.freed).toBeGreaterThan(compressedChunks + 24)
  })
})
