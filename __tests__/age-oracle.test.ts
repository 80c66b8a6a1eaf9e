// Cross-check against typage (npm age-encryption, by age's author): each side decrypts what the
// other encrypts, with a passphrase (scrypt) recipient.
import { randomBytes } from 'node:crypto'
import { Decrypter, Encrypter } from 'age-encryption'
import { through } from '../__fixtures__/age-streams.js'
import { createDecryptStream } from '../src/age/decrypt.js'
import { encryptStream } from '../src/age/encrypt.js'

const PASSPHRASE = 'correct horse battery staple'
const secret = Buffer.from(PASSPHRASE, 'utf8')
const SIZES = [0, 1, 65535, 65536, 65537, 3 * 65536, 400_009] // the last: a few hundred KiB, not chunk-aligned

describe('age-encryption (typage) as oracle', () => {
  test.each(SIZES)('our encrypt, typage decrypt: %i bytes', async (size) => {
    const plaintext = randomBytes(size)
    const file = await through(
      encryptStream({ kind: 'passphrase', passphrase: secret, workFactor: 10 }),
      plaintext,
      8192
    )
    const decrypter = new Decrypter()
    decrypter.addPassphrase(PASSPHRASE)
    const back = await decrypter.decrypt(file)
    expect(Buffer.from(back).equals(plaintext)).toBe(true)
  })

  test.each(SIZES)('typage encrypt, our decrypt: %i bytes', async (size) => {
    const plaintext = randomBytes(size)
    const encrypter = new Encrypter()
    encrypter.setPassphrase(PASSPHRASE)
    encrypter.setScryptWorkFactor(10)
    const file = await encrypter.encrypt(plaintext)
    const back = await through(createDecryptStream(secret), file, 10_000)
    expect(back.equals(plaintext)).toBe(true)
  })

  test('typage refuses our file under a wrong passphrase, and we refuse theirs', async () => {
    const file = await through(
      encryptStream({ kind: 'passphrase', passphrase: secret, workFactor: 10 }),
      Buffer.from('x')
    )
    const decrypter = new Decrypter()
    decrypter.addPassphrase('wrong')
    await expect(decrypter.decrypt(file)).rejects.toThrow()

    const encrypter = new Encrypter()
    encrypter.setPassphrase(PASSPHRASE)
    encrypter.setScryptWorkFactor(10)
    const theirs = await encrypter.encrypt(Buffer.from('x'))
    await expect(through(createDecryptStream(Buffer.from('wrong')), theirs)).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE'
    })
  })
})
