// Failure modes and stream behaviour of our own age files (work factor 10: fast scrypt).
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { parseHeader, runThrough, through } from '../__fixtures__/age-streams.js'
import { createDecryptStream } from '../src/age/decrypt.js'
import { HEADER_WAIT_BUFFER, encryptStream } from '../src/age/encrypt.js'
import { AgeError, type AgeErrorCode } from '../src/age/errors.js'
import { MAX_HEADER_SIZE } from '../src/age/header.js'
import { CHUNK_SIZE, FRAME_SIZE, TAG_SIZE } from '../src/age/payload-chunks.js'

const PASSPHRASE = Buffer.from('tr0ub4dor&3', 'utf8')
const NONCE = 16

async function encrypt(plaintext: Buffer, workFactor = 10): Promise<Buffer> {
  return through(
    encryptStream({ kind: 'passphrase', passphrase: PASSPHRASE, workFactor: workFactor }),
    plaintext
  )
}

/** Decrypts with PASSPHRASE; returns the released plaintext and the AgeError, if any. */
async function decrypt(
  file: Buffer,
  pieceSize?: number,
  passphrase = PASSPHRASE
): Promise<{ output: Buffer; error?: AgeError }> {
  const result = await runThrough(createDecryptStream(passphrase), file, pieceSize)
  if (result.error !== undefined && !(result.error instanceof AgeError)) throw result.error
  return { output: result.output, error: result.error as AgeError | undefined }
}

async function expectFailure(file: Buffer, code: AgeErrorCode, message?: RegExp): Promise<Buffer> {
  const { output, error } = await decrypt(file)
  expect(error).toBeInstanceOf(AgeError)
  expect(error?.code).toBe(code)
  if (message) expect(error?.message).toMatch(message)
  return output
}

/** Offset of the payload's first chunk. */
function payloadStart(file: Buffer): number {
  return parseHeader(file).length + NONCE
}

function flip(file: Buffer, offset: number): Buffer {
  const copy = Buffer.from(file)
  copy[offset] = (copy[offset] as number) ^ 0x01
  return copy
}

const plaintext = randomBytes(3 * CHUNK_SIZE + 1000)
let file: Buffer
beforeAll(async () => {
  file = await encrypt(plaintext)
})

describe('passphrase', () => {
  test('a wrong passphrase says so, releases nothing', async () => {
    const { output, error } = await decrypt(file, undefined, Buffer.from('Tr0ub4dor&3'))
    expect(error?.code).toBe('WRONG_PASSPHRASE')
    expect(error?.message).toContain('wrong passphrase')
    expect(output).toHaveLength(0)
  })

  test('the right one round-trips, including empty input', async () => {
    expect((await decrypt(file)).output.equals(plaintext)).toBe(true)
    const empty = await encrypt(Buffer.alloc(0))
    // Header, nonce, and one empty final chunk (just its tag).
    expect(empty.length).toBe(payloadStart(empty) + TAG_SIZE)
    const { output, error } = await decrypt(empty)
    expect(error).toBeUndefined()
    expect(output).toHaveLength(0)
  })
})

describe('tampering', () => {
  test('every flipped header byte is refused, with nothing released', async () => {
    const small = await encrypt(Buffer.from('short secret'))
    const headerLength = parseHeader(small).length
    const always: AgeErrorCode[] = [
      'BAD_HEADER',
      'WRONG_PASSPHRASE', // salt or wrapped key changed: scrypt cannot tell that from a typo
      'HEADER_MAC',
      'UNSUPPORTED_RECIPIENT' // "scrypt" spelled differently
    ]
    // The MAC line's LF changed: the line runs on into the random payload, and only ends (as a
    // bad MAC line) if a 0x0a byte follows; otherwise the header never ends.
    const sometimes: AgeErrorCode[] = ['TRUNCATED']
    const seen = new Set<AgeErrorCode | undefined>()
    for (let offset = 0; offset < headerLength; offset++) {
      const { output, error } = await decrypt(flip(small, offset))
      const code = error?.code as AgeErrorCode
      expect({ offset, allowed: [...always, ...sometimes].includes(code) }).toEqual({
        offset,
        allowed: true
      })
      expect(output).toHaveLength(0)
      seen.add(code)
    }
    // Each kind of refusal actually occurs somewhere in the header.
    for (const code of always) expect(seen).toContain(code)
  })

  test('a changed header MAC is a header authentication failure', async () => {
    const header = parseHeader(file)
    const macStart = header.macInput.length + 1
    const copy = Buffer.from(file)
    // Another base64 letter in the first position keeps the MAC line canonical.
    copy[macStart] = copy[macStart] === 0x41 ? 0x42 : 0x41
    const output = await expectFailure(copy, 'HEADER_MAC', /tampered with or corrupted/)
    expect(output).toHaveLength(0)
  })

  test('a flipped payload nonce byte fails the first chunk', async () => {
    const output = await expectFailure(flip(file, payloadStart(file) - 1), 'PAYLOAD_AUTH')
    expect(output).toHaveLength(0)
  })

  test('a flipped byte in a middle chunk: tampered, and only earlier chunks are released', async () => {
    const offset = payloadStart(file) + FRAME_SIZE + 5
    const output = await expectFailure(flip(file, offset), 'PAYLOAD_AUTH', /chunk 1 .*tampered/)
    expect(output.equals(plaintext.subarray(0, CHUNK_SIZE))).toBe(true)
  })

  test('a flipped byte in the last chunk or its tag', async () => {
    for (const offset of [file.length - TAG_SIZE - 1, file.length - 1]) {
      const output = await expectFailure(flip(file, offset), 'PAYLOAD_AUTH', /tampered/)
      expect(output.equals(plaintext.subarray(0, 3 * CHUNK_SIZE))).toBe(true)
    }
  })
})

describe('truncation', () => {
  test('inside the header, right after it, inside the nonce', async () => {
    const start = payloadStart(file)
    for (const length of [0, 10, 30, start - NONCE - 1, start - NONCE, start - 5]) {
      const output = await expectFailure(file.subarray(0, length), 'TRUNCATED', /truncated/)
      expect(output).toHaveLength(0)
    }
  })

  test('exactly at a chunk boundary', async () => {
    for (const chunks of [1, 2, 3]) {
      const cut = file.subarray(0, payloadStart(file) + chunks * FRAME_SIZE)
      const output = await expectFailure(cut, 'TRUNCATED', /truncated.*chunk boundary/)
      expect(output.equals(plaintext.subarray(0, chunks * CHUNK_SIZE))).toBe(true)
    }
  })

  test('inside a chunk tag (too short to be a chunk)', async () => {
    const cut = file.subarray(0, payloadStart(file) + FRAME_SIZE + TAG_SIZE - 1)
    await expectFailure(cut, 'TRUNCATED', /truncated/)
  })

  test('in the middle of a chunk: the cut chunk fails as a final chunk, "truncated" is named', async () => {
    for (const extra of [TAG_SIZE + 1, 1000, FRAME_SIZE - 1]) {
      const cut = file.subarray(0, payloadStart(file) + FRAME_SIZE + extra)
      const output = await expectFailure(cut, 'PAYLOAD_AUTH', /truncated/)
      expect(output.equals(plaintext.subarray(0, CHUNK_SIZE))).toBe(true)
    }
  })
})

describe('trailing data', () => {
  test('after a full-size final chunk: trailing data', async () => {
    const full = randomBytes(2 * CHUNK_SIZE)
    const aligned = await encrypt(full)
    for (const garbage of [Buffer.from('x'), randomBytes(FRAME_SIZE + 3)]) {
      const output = await expectFailure(
        Buffer.concat([aligned, garbage]),
        'TRAILING_DATA',
        /trailing data/
      )
      expect(output.equals(full)).toBe(true)
    }
  })

  test('after a short final chunk: the final chunk no longer authenticates', async () => {
    await expectFailure(Buffer.concat([file, Buffer.from('\n')]), 'PAYLOAD_AUTH')
    const twice = await expectFailure(Buffer.concat([file, file]), 'PAYLOAD_AUTH')
    expect(twice.equals(plaintext.subarray(0, 3 * CHUNK_SIZE))).toBe(true)
  })
})

describe('chunking of the input', () => {
  test('1 byte at a time, across a chunk boundary, both ways', async () => {
    const small = randomBytes(CHUNK_SIZE + 300)
    const encrypted = await through(
      encryptStream({ kind: 'passphrase', passphrase: PASSPHRASE, workFactor: 10 }),
      small,
      1
    )
    const back = await through(createDecryptStream(PASSPHRASE), encrypted, 1)
    expect(back.equals(small)).toBe(true)
  })

  test.each([7, TAG_SIZE, TAG_SIZE + 1, 4096, CHUNK_SIZE, FRAME_SIZE, FRAME_SIZE + 1, 100 * 1024])(
    'pieces of %i bytes give the same plaintext',
    async (size) => {
      const encrypted = await through(
        encryptStream({ kind: 'passphrase', passphrase: PASSPHRASE, workFactor: 10 }),
        plaintext,
        size
      )
      const back = await through(createDecryptStream(PASSPHRASE), encrypted, size)
      expect(back.equals(plaintext)).toBe(true)
    }
  )
})

describe('streams', () => {
  test('encrypt and decrypt chain in one stream.pipeline', async () => {
    const out: Buffer[] = []
    await pipeline(
      Readable.from([plaintext.subarray(0, 1000), plaintext.subarray(1000)]),
      encryptStream({ kind: 'passphrase', passphrase: PASSPHRASE, workFactor: 10 }),
      createDecryptStream(PASSPHRASE),
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          out.push(chunk)
          callback()
        }
      })
    )
    expect(Buffer.concat(out).equals(plaintext)).toBe(true)
  })

  test('pipeline rejects with the AgeError itself', async () => {
    const sink = new Writable({ write: (_c, _e, callback) => callback() })
    const failing = pipeline(
      Readable.from([file.subarray(0, 50)]),
      createDecryptStream(PASSPHRASE),
      sink
    )
    await expect(failing).rejects.toBeInstanceOf(AgeError)
    await expect(failing).rejects.toMatchObject({ code: 'TRUNCATED' })
  })

  test('encrypt applies backpressure when nobody reads', async () => {
    const stream = encryptStream({ kind: 'passphrase', passphrase: PASSPHRASE, workFactor: 10 })
    let writes = 0
    // while scrypt still runs the payload is held, up to HEADER_WAIT_BUFFER; past it, refused
    const bound = HEADER_WAIT_BUFFER / CHUNK_SIZE + 64
    while (stream.write(randomBytes(CHUNK_SIZE))) {
      writes++
      expect(writes).toBeLessThan(bound)
    }
    stream.destroy()
  })

  test('decrypt applies backpressure when nobody reads', async () => {
    const big = await encrypt(randomBytes(4 * 1024 * 1024))
    const stream = createDecryptStream(PASSPHRASE)
    // First let the (asynchronous) scrypt unwrap finish and plaintext start to flow...
    const flowing = once(stream, 'readable')
    stream.write(big.subarray(0, 1024 * 1024))
    await flowing
    while (stream.read() !== null) {
      // Drain what that first 1 MiB write produced (one write's output is pushed at once).
    }
    // ...then, with nobody reading, writes must soon be refused and the output stay bounded.
    let offset = 1024 * 1024
    while (stream.write(big.subarray(offset, offset + CHUNK_SIZE))) {
      offset += CHUNK_SIZE
      expect(offset).toBeLessThan(big.length / 2)
    }
    expect(stream.readableLength).toBeGreaterThan(0)
    expect(stream.readableLength).toBeLessThanOrEqual(stream.readableHighWaterMark + 2 * FRAME_SIZE)
    stream.destroy()
  })

  test('a file that is not age is refused from its first bytes, without waiting for the end', async () => {
    for (const start of [
      'PK\u0003\u0004 zip bytes',
      '\u001f\u008b gzip',
      'age-encryption.org/v2\n'
    ]) {
      const stream = createDecryptStream(PASSPHRASE)
      const failed = new Promise<AgeError>((resolve) => stream.once('error', resolve))
      stream.write(Buffer.from(start, 'latin1'))
      await expect(failed).resolves.toMatchObject({ code: 'BAD_HEADER' })
    }
  })

  test('an endless header is refused once it passes the size limit', async () => {
    const stream = createDecryptStream(PASSPHRASE)
    const failed = new Promise<AgeError>((resolve) => stream.once('error', resolve))
    stream.write(Buffer.from('age-encryption.org/v1\n-> future-recipient\n'))
    const line = Buffer.from(`${'A'.repeat(64)}\n`)
    for (let sent = 0; sent <= MAX_HEADER_SIZE && !stream.destroyed; sent += 64 * 65) {
      stream.write(Buffer.concat(Array.from({ length: 64 }, () => line)))
    }
    await expect(failed).resolves.toMatchObject({
      code: 'BAD_HEADER',
      message: expect.stringContaining('longer than')
    })
  })
})
