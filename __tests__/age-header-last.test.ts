// encryptHeaderLast: the payload is produced before scrypt has wrapped the key, and header +
// payload put together is an ordinary age file (checked by typage, age's author's library).
import { randomBytes } from 'node:crypto'
import { Decrypter } from 'age-encryption'
import { through } from '../__fixtures__/age-streams.js'
import { createDecryptStream } from '../src/age/decrypt.js'
import { encryptHeaderLast } from '../src/age/encrypt.js'

const PASSPHRASE = 'header comes last'

test.each([0, 65536, 200_003])(
  'payload out before the header exists; header + payload opens (%i bytes)',
  async (size) => {
    const plaintext = randomBytes(size)
    const age = encryptHeaderLast(Buffer.from(PASSPHRASE), 10)
    let headerSettled = false
    void age.header.then(() => (headerSettled = true))
    // a Transform runs synchronously: all of this happens before any promise can settle
    age.payload.end(plaintext)
    const pieces: Buffer[] = []
    for (let piece = age.payload.read() as Buffer | null; piece; piece = age.payload.read()) {
      pieces.push(piece)
    }
    expect(headerSettled).toBe(false)
    const payload = Buffer.concat(pieces)
    // nonce, then a sealed chunk per 64 KiB (at least one): all of it, before the header
    expect(payload.length).toBe(16 + size + 16 * Math.max(1, Math.ceil(size / 65536)))

    const header = await age.header
    expect(header.length).toBe(age.headerLength)
    const file = Buffer.concat([header, payload])
    expect(file.subarray(0, 40).toString('latin1')).toMatch(/^age-encryption\.org\/v1\n-> scrypt /)
    const ours = await through(createDecryptStream(Buffer.from(PASSPHRASE)), file, 8192)
    expect(ours.equals(plaintext)).toBe(true)
    const decrypter = new Decrypter()
    decrypter.addPassphrase(PASSPHRASE)
    expect(Buffer.from(await decrypter.decrypt(file)).equals(plaintext)).toBe(true)
  }
)

test.each([10, 14])('the reserved header length is the real one at work factor %i', (wf) => {
  // sizes only: the header promise is left to settle on its own (one scrypt each)
  const age = encryptHeaderLast(Buffer.from(PASSPHRASE), wf)
  const digits = String(wf).length
  // version line, "-> scrypt <22> <wf>", 43-char body line, "--- <43>"
  expect(age.headerLength).toBe(22 + (10 + 22 + 1 + digits + 1) + 44 + 48)
  age.payload.destroy()
  return age.header.then((h) => expect(h.length).toBe(age.headerLength))
})

test('the caller may wipe its passphrase buffer while scrypt still runs', async () => {
  const secret = Buffer.from(PASSPHRASE)
  const age = encryptHeaderLast(secret, 10)
  secret.fill(0)
  const payload = await through(age.payload, Buffer.from('still mine'))
  const file = Buffer.concat([await age.header, payload])
  const back = await through(createDecryptStream(Buffer.from(PASSPHRASE)), file)
  expect(back.toString()).toBe('still mine')
})

test('a work factor outside 10..20 is refused before anything runs', () => {
  expect(() => encryptHeaderLast(Buffer.from(PASSPHRASE), 9)).toThrow(RangeError)
  expect(() => encryptHeaderLast(Buffer.from(PASSPHRASE), 21)).toThrow(RangeError)
})
