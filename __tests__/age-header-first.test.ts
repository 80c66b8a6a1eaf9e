// The age file is written header first: the payload is encrypted while scrypt still wraps the
// key, held until the header is out, and the whole is an ordinary age file (checked by ours and
// by typage, age's author's library).
import { randomBytes } from 'node:crypto'
import { Decrypter } from 'age-encryption'
import { through } from '../__fixtures__/age-streams.js'
import { createDecryptStream } from '../src/age/decrypt.js'
import { AgeEncryptStream, encryptStream, HEADER_WAIT_BUFFER } from '../src/age/encrypt.js'
import { encodeHeader } from '../src/age/header.js'
import { wrapScrypt } from '../src/age/scrypt.js'

const PASSPHRASE = 'header comes first'

/** A promise and the functions that settle it. */
function deferred<T>(): {
  promise: Promise<T>
  resolve: (v: T) => void
  reject: (e: Error) => void
} {
  let resolve!: (v: T) => void
  let reject!: (e: Error) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** Everything readable right now, without waiting. */
function readNow(stream: AgeEncryptStream): Buffer {
  const pieces: Buffer[] = []
  for (let piece = stream.read() as Buffer | null; piece; piece = stream.read()) pieces.push(piece)
  return Buffer.concat(pieces)
}

/** All the stream still gives out, to its end. */
function drain(stream: AgeEncryptStream): Promise<Buffer> {
  const out: Buffer[] = []
  return new Promise((resolve, reject) => {
    stream.on('data', (b: Buffer) => out.push(b))
    stream.on('end', () => resolve(Buffer.concat(out)))
    stream.on('error', reject)
  })
}

async function opensInBoth(file: Buffer, plaintext: Buffer): Promise<void> {
  expect(file.subarray(0, 32).toString('latin1')).toMatch(/^age-encryption\.org\/v1\n-> scrypt /)
  const ours = await through(createDecryptStream(Buffer.from(PASSPHRASE)), file, 8192)
  expect(ours.equals(plaintext)).toBe(true)
  const decrypter = new Decrypter()
  decrypter.addPassphrase(PASSPHRASE)
  expect(Buffer.from(await decrypter.decrypt(file)).equals(plaintext)).toBe(true)
}

test.each([
  [0, 10],
  [1, 11],
  [65536, 10],
  [65537, 12],
  [200_003, 10]
])(
  'payload encrypted before the header exists, out after it; the file opens (%i bytes, wf %i)',
  async (size, workFactor) => {
    const plaintext = randomBytes(size)
    const fileKey = randomBytes(16)
    const late = deferred<Uint8Array>()
    const age = new AgeEncryptStream(fileKey, late.promise)
    let accepted = false
    age.write(plaintext, () => (accepted = true))
    age.end()
    // the write is taken in (encrypted, held) although no header exists yet: nothing is out
    await new Promise((resolve) => setImmediate(resolve))
    expect(accepted).toBe(true)
    expect(readNow(age).length).toBe(0)
    const stanza = await wrapScrypt(fileKey, Buffer.from(PASSPHRASE), workFactor)
    const header = encodeHeader([stanza], fileKey)
    late.resolve(header)
    const file = await drain(age)
    expect(file.subarray(0, header.length).equals(header)).toBe(true)
    await opensInBoth(file, plaintext)
  }
)

test.each([
  [0, 10],
  [65536, 11],
  [300_001, 10]
])('encryptStream writes the header first (%i bytes, wf %i)', async (size, wf) => {
  const plaintext = randomBytes(size)
  const age = encryptStream({
    kind: 'passphrase',
    passphrase: Buffer.from(PASSPHRASE),
    workFactor: wf
  })
  await opensInBoth(await through(age, plaintext, 10_000), plaintext)
})

test('past HEADER_WAIT_BUFFER of held ciphertext, the stream waits for the header', async () => {
  const fileKey = randomBytes(16)
  const late = deferred<Uint8Array>()
  const age = new AgeEncryptStream(fileKey, late.promise)
  const piece = randomBytes(1 << 20)
  const pieces: Buffer[] = []
  let accepted = 0
  // one more MiB than the buffer holds: the write that crosses it is not taken in yet
  for (let i = 0; i <= HEADER_WAIT_BUFFER / piece.length; i++) {
    pieces.push(piece)
    age.write(piece, () => accepted++)
  }
  await new Promise((resolve) => setImmediate(resolve))
  expect(accepted).toBeLessThan(pieces.length)
  expect(readNow(age).length).toBe(0)
  const stanza = await wrapScrypt(fileKey, Buffer.from(PASSPHRASE), 10)
  late.resolve(encodeHeader([stanza], fileKey))
  const file = drain(age)
  age.end()
  await opensInBoth(await file, Buffer.concat(pieces))
  expect(accepted).toBe(pieces.length)
})

test.each(['before any write', 'after writes', 'after end'])(
  'a header that fails fails the stream with its error (%s)',
  async (when) => {
    const late = deferred<Uint8Array>()
    const age = new AgeEncryptStream(randomBytes(16), late.promise)
    const failure = new Error('scrypt ran out of memory')
    const failed = new Promise((resolve) => age.on('error', resolve))
    age.resume()
    if (when !== 'before any write') age.write(randomBytes(100_000))
    if (when === 'after end') age.end()
    late.reject(failure)
    await expect(failed).resolves.toBe(failure)
  }
)

test('the caller may wipe its passphrase buffer while scrypt still runs', async () => {
  const secret = Buffer.from(PASSPHRASE)
  const age = encryptStream({ kind: 'passphrase', passphrase: secret, workFactor: 10 })
  secret.fill(0)
  await opensInBoth(await through(age, Buffer.from('still mine')), Buffer.from('still mine'))
})

test.each([9, 21, 10.5])('work factor %p is refused before anything runs', (wf) => {
  const key = { kind: 'passphrase', passphrase: Buffer.from(PASSPHRASE), workFactor: wf } as const
  expect(() => encryptStream(key)).toThrow(RangeError)
})
