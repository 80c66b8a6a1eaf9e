// The restore's decoding thread (src/decode-thread/): the payload decrypted and decompressed on a
// thread of its own must give exactly what the same file gives decoded in one stream, bytes and
// failures alike, and its buffers must go round as its ownership rule says.
import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { COMPRESSIONS, type Compression } from '../src/format/compression.js'
import { createCompressStream } from '../src/compression/compress.js'
import { createDecompressStream } from '../src/compression/decompress.js'
import { encryptStream } from '../src/age/encrypt.js'
import { createDecryptStream } from '../src/age/decrypt.js'
import { AgeError } from '../src/age/errors.js'
import { DecodeThread, OUT_SIZE } from '../src/decode-thread/decode-thread.js'
import { mixedData, oddChunks, runStock, through } from '../__fixtures__/compression-helpers.js'

const passphrase = Buffer.from('decode thread test passphrase')
const KEY = { kind: 'passphrase' as const, passphrase, workFactor: 10 }

async function seal(plain: Buffer, kind: Compression): Promise<Buffer> {
  return through(oddChunks(plain), createCompressStream(kind), encryptStream(KEY))
}

type Outcome = { bytes: Buffer } | { error: { name: string; code?: string; message: string } }

function failure(error: unknown): Outcome {
  const e = error as Error & { code?: string }
  return {
    error: { name: e instanceof AgeError ? 'AgeError' : 'Error', code: e.code, message: e.message }
  }
}

/** The file decoded in one stream, as restores were before the thread. */
async function inStream(file: Buffer, kind: Compression): Promise<Outcome> {
  try {
    return {
      bytes: await through(oddChunks(file), createDecryptStream(KEY), createDecompressStream(kind))
    }
  } catch (error) {
    return failure(error)
  }
}

/** The file decoded through the thread, wired as verify-snapshot wires it. */
async function onThread(
  file: Buffer,
  kind: Compression,
  read: (chunk: Buffer) => void = () => {}
): Promise<Outcome> {
  const decode = new DecodeThread(kind)
  let first: unknown
  const failed = (error: unknown): never => {
    first ??= error
    decode.abort(error as Error)
    throw error
  }
  const feeding = pipeline(
    Readable.from(oddChunks(file)),
    createDecryptStream(KEY, { payloadStage: (key) => decode.payload(key) }),
    async (source: AsyncIterable<Buffer>) => {
      for await (const _ of source) throw new Error('plaintext left by the stream')
    }
  ).catch(failed)
  const reading = (async () => {
    const parts: Buffer[] = []
    for await (const chunk of decode.output()) {
      read(chunk)
      parts.push(Buffer.from(chunk))
    }
    return Buffer.concat(parts)
  })().catch(failed)
  const [, bytes] = await Promise.allSettled([feeding, reading])
  await decode.stop()
  if (first !== undefined) return failure(first)
  return { bytes: (bytes as PromiseFulfilledResult<Buffer>).value }
}

const B = 1 << 20
const SIZES = [0, 1, 65535, 65536, 65537, B - 1, B, B + 1, 3 * B + 12345]

describe.each(COMPRESSIONS)('%s through the decoding thread', (kind) => {
  it.each(SIZES)('gives back %i bytes exactly', async (size) => {
    const plain = mixedData(size, size + 3)
    const file = await seal(plain, kind)
    const got = await onThread(file, kind)
    expect('bytes' in got && got.bytes.equals(plain)).toBe(true)
  })

  it('fails as the one-stream decoder fails, for damage anywhere in the file', async () => {
    const plain = mixedData(2 * B + 777, 11)
    const file = await seal(plain, kind)
    // places across the header, the first chunk, a middle chunk, the final chunk, and cuts
    const header = file.indexOf('\n---') + 1
    const places = [header + 60, header + 100, Math.floor(file.length / 2), file.length - 3]
    const damaged: Buffer[] = places.map((at) => {
      const copy = Buffer.from(file)
      copy[at] = copy[at]! ^ 0x40
      return copy
    })
    for (const cut of [header + 70, Math.floor(file.length / 3), file.length - 1])
      damaged.push(file.subarray(0, cut))
    damaged.push(Buffer.concat([file, Buffer.from('trailing')]))
    for (const bad of damaged) {
      const expected = await inStream(bad, kind)
      expect('error' in expected).toBe(true)
      expect(await onThread(bad, kind)).toEqual(expected)
    }
  })
})

it('fails as the one-stream decoder fails for a corrupt zstd frame inside valid encryption', async () => {
  const plain = mixedData(3 * B, 5)
  const packed = await through([plain], createCompressStream('zstd'))
  for (const at of [20, Math.floor(packed.length / 2), packed.length - 2]) {
    const broken = Buffer.from(packed)
    broken[at] = broken[at]! ^ 0xff
    const file = await through([broken], encryptStream(KEY))
    const expected = await inStream(file, 'zstd')
    expect('error' in expected && expected.error.code?.startsWith('ZSTD_error_')).toBe(true)
    expect(await onThread(file, 'zstd')).toEqual(expected)
  }
})

it('decodes a stock single-frame zstd stream', async () => {
  const plain = mixedData(5 * B + 99, 9)
  const packed = runStock('zstd', ['-c', '-q'], plain)
  const file = await through([packed], encryptStream(KEY))
  const got = await onThread(file, 'zstd')
  expect('bytes' in got && got.bytes.equals(plain)).toBe(true)
})

it('lends each buffer until the reader asks for the next, then takes it back', async () => {
  const plain = randomBytes(6 * B + 5)
  const file = await seal(plain, 'none')
  const lent: Buffer[] = []
  const got = await onThread(file, 'none', (chunk) => {
    // the one before was given back (moved to the thread) when this one was asked for
    if (lent.length > 0) expect(lent[lent.length - 1]!.buffer.byteLength).toBe(0)
    expect(chunk.length).toBeLessThanOrEqual(OUT_SIZE)
    lent.push(chunk)
  })
  expect('bytes' in got && got.bytes.equals(plain)).toBe(true)
  expect(lent.length).toBe(7)
})

it('ends the thread when the reader stops early, and when the feeder fails', async () => {
  const plain = mixedData(4 * B, 2)
  const file = await seal(plain, 'zstd')
  // the reader stops after one buffer: the thread ends, nothing hangs
  const decode = new DecodeThread('zstd')
  const feeding = pipeline(
    Readable.from(oddChunks(file)),
    createDecryptStream(KEY, { payloadStage: (key) => decode.payload(key) }),
    async (source: AsyncIterable<Buffer>) => {
      for await (const _ of source);
    }
  ).catch((error: Error) => error)
  for await (const _ of decode.output()) break
  decode.abort(new Error('reader stopped'))
  const fed = await feeding
  expect(fed).toBeInstanceOf(Error)
  // a header the key does not open: the reader hears the feeder's failure
  const other = await through(
    [plain],
    encryptStream({ ...KEY, passphrase: Buffer.from('another one') })
  )
  const got = await onThread(other, 'zstd')
  expect(got).toEqual(await inStream(other, 'zstd'))
  expect('error' in got && got.error.code).toBe('WRONG_PASSPHRASE')
})
