// The key-source union at the encrypt/decrypt entry points: the passphrase kind behaves exactly
// like the bare-passphrase calls it replaces.
import { randomBytes } from 'node:crypto'
import { Decrypter } from 'age-encryption'
import { parseHeader, through } from '../__fixtures__/age-streams.js'
import { createDecryptStream } from '../src/age/decrypt.js'
import { encryptStream } from '../src/age/encrypt.js'

const PASSPHRASE = 'key source passphrase'
const secret = Buffer.from(PASSPHRASE)

describe('key sources', () => {
  test.each([10, 11])(
    'kind passphrase at work factor %i: typage opens both entry points',
    async (workFactor) => {
      const plaintext = randomBytes(70_000)
      const key = { kind: 'passphrase', passphrase: secret, workFactor } as const
      const whole = await through(encryptStream(key), plaintext)
      const streamed = await through(encryptStream(key), plaintext)
      for (const file of [whole, streamed]) {
        expect(parseHeader(file).stanzas[0]!.args).toEqual([
          'scrypt',
          expect.any(String),
          String(workFactor)
        ])
        const decrypter = new Decrypter()
        decrypter.addPassphrase(PASSPHRASE)
        expect(Buffer.from(await decrypter.decrypt(file)).equals(plaintext)).toBe(true)
        const back = await through(
          createDecryptStream({ kind: 'passphrase', passphrase: secret }),
          file
        )
        expect(back.equals(plaintext)).toBe(true)
      }
    }
  )
})
