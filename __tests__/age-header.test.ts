// The pure layers under the streams: base64, header grammar, scrypt stanza rules.
import { randomBytes } from 'node:crypto'
import { decodeBase64, encodeBase64 } from '../src/age/base64.js'
import { AgeError } from '../src/age/errors.js'
import {
  HeaderParser,
  MAX_HEADER_SIZE,
  encodeHeader,
  encodeHeaderWithoutMac,
  type Stanza
} from '../src/age/header.js'
import { parseHeader } from '../__fixtures__/age-streams.js'
import { headerMac } from '../src/age/keys.js'
import { scryptParams, unwrapScrypt, wrapScrypt } from '../src/age/scrypt.js'

function headerError(text: string): AgeError {
  try {
    parseHeader(Buffer.from(text, 'latin1'))
  } catch (err) {
    if (err instanceof AgeError) return err
    throw err
  }
  throw new Error('parsed')
}

const MAC = encodeBase64(Buffer.alloc(32, 7))

describe('base64', () => {
  test('canonical, unpadded only', () => {
    expect(encodeBase64(Buffer.from('ab'))).toBe('YWI')
    expect(decodeBase64('YWI')).toEqual(Buffer.from('ab'))
    expect(decodeBase64('')).toEqual(Buffer.alloc(0))
    expect(decodeBase64('YWI=')).toBeUndefined() // padding
    expect(decodeBase64('YWJ')).toBeUndefined() // non-zero unused bits
    expect(decodeBase64('YW I')).toBeUndefined()
    expect(decodeBase64('YWI-')).toBeUndefined() // base64url alphabet
    expect(decodeBase64('Y')).toBeUndefined() // no byte string has this length
  })
})

describe('header', () => {
  test('encodes bodies wrapped at 64 columns and parses back to the same bytes', () => {
    const fileKey = randomBytes(16)
    const stanzas: Stanza[] = [
      { args: ['one', 'a'], body: randomBytes(48) }, // exactly one full line, then an empty one
      { args: ['two'], body: Buffer.alloc(0) },
      { args: ['three', 'x', 'y'], body: randomBytes(100) }
    ]
    const bytes = encodeHeader(stanzas, fileKey)
    const lines = bytes.toString('latin1').split('\n')
    expect(lines.slice(0, 4)).toEqual([
      'age-encryption.org/v1',
      '-> one a',
      expect.stringMatching(/^[A-Za-z0-9+/]{64}$/),
      ''
    ])
    const header = parseHeader(Buffer.concat([bytes, randomBytes(40)]))
    expect(header.length).toBe(bytes.length)
    expect(header.stanzas).toEqual(stanzas)
    expect(header.mac.equals(headerMac(fileKey, header.macInput))).toBe(true)
    expect(encodeHeaderWithoutMac(header.stanzas).equals(header.macInput)).toBe(true)
  })

  test('byte-at-a-time parsing finds the same header', () => {
    const bytes = Buffer.concat([
      encodeHeader([{ args: ['x'], body: randomBytes(70) }], randomBytes(16)),
      randomBytes(9)
    ])
    const parser = new HeaderParser()
    let found
    for (let n = 1; n <= bytes.length && !found; n++) found = parser.parse(bytes.subarray(0, n))
    expect(found).toEqual(parseHeader(bytes))
  })

  test('errors say what is wrong', () => {
    expect(headerError('').code).toBe('TRUNCATED')
    expect(headerError('age-encryption.org/v1\n-> x\n').code).toBe('TRUNCATED')
    expect(headerError('hello').message).toMatch(/does not start with "age-encryption.org\/v1"/)
    expect(headerError('-----BEGIN AGE ENCRYPTED FILE-----\n').message).toMatch(/ASCII-armored/)
    expect(headerError('age-encryption.org/v2\n').message).toMatch(/unsupported version/)
    expect(headerError('age-encryption.org/v1\r\n').message).toMatch(/CR LF/)
    expect(headerError(`age-encryption.org/v1\n--- ${MAC}\n`).message).toMatch(/no recipient/)
    expect(headerError(`age-encryption.org/v1\n-> x\n\n--- ${MAC}=\n`).message).toMatch(/MAC line/)
    expect(headerError('age-encryption.org/v1\n->  x\n').message).toMatch(/malformed stanza line/)
    expect(headerError(`age-encryption.org/v1\n-> x\nYWJ\n--- ${MAC}\n`).message).toMatch(
      /non-canonical/
    )
    const long = `age-encryption.org/v1\n-> x\n${`${'A'.repeat(64)}\n`.repeat(MAX_HEADER_SIZE / 64)}`
    expect(headerError(long).message).toMatch(/longer than/)
  })
})

describe('scrypt stanza', () => {
  const passphrase = Buffer.from('pw')

  test('wraps and unwraps a file key', async () => {
    const fileKey = randomBytes(16)
    const stanza = await wrapScrypt(fileKey, passphrase, 10)
    expect(stanza.args).toEqual(['scrypt', expect.stringMatching(/^[A-Za-z0-9+/]{22}$/), '10'])
    expect((await unwrapScrypt([stanza], passphrase)).equals(fileKey)).toBe(true)
    await expect(unwrapScrypt([stanza], Buffer.from('pW'))).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE'
    })
  })

  test('rules are checked before scrypt runs', () => {
    const salt = encodeBase64(randomBytes(16))
    const body = randomBytes(32)
    const code = (stanzas: Stanza[], max = 20): string | undefined => {
      try {
        scryptParams(stanzas, max)
        return undefined
      } catch (err) {
        return (err as AgeError).code
      }
    }
    const ok: Stanza = { args: ['scrypt', salt, '18'], body }
    expect(code([ok])).toBeUndefined()
    expect(code([ok], 17)).toBe('WORK_FACTOR_TOO_HIGH')
    expect(code([ok, ok])).toBe('BAD_HEADER')
    expect(code([ok, { args: ['X25519', salt], body }])).toBe('BAD_HEADER')
    expect(code([{ args: ['X25519', salt], body }])).toBe('UNSUPPORTED_RECIPIENT')
    expect(code([{ args: ['scrypt', salt, '018'], body }])).toBe('BAD_HEADER')
    expect(code([{ args: ['scrypt', salt, '100'], body }])).toBe('BAD_HEADER')
    expect(code([{ args: ['scrypt', salt.slice(0, 20), '10'], body }])).toBe('BAD_HEADER')
    expect(code([{ args: ['scrypt', salt, '10'], body: randomBytes(48) }])).toBe('BAD_HEADER')
  })
})
