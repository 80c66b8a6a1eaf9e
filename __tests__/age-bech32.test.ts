// bech32 against BIP 173's own test vectors (an oracle independent of age), plus round trips at
// the lengths age needs, far past BIP 173's 90-character limit.
import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { decodeBech32, encodeBech32 } from '../src/age/bech32.js'

const VALID = [
  'A12UEL5L',
  'a12uel5l',
  'an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs',
  'abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw',
  `11${'q'.repeat(82)}c8247j`,
  'split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w'
]

const INVALID = [
  ['\x201nwldj5', 'HRP character out of range'],
  ['\x7f1axkwrx', 'HRP character out of range'],
  ['\x801eym55h', 'HRP character out of range'],
  ['pzry9x0s0muk', 'no separator'],
  ['1pzry9x0s0muk', 'empty HRP'],
  ['x1b4n0q5v', 'invalid data character'],
  ['li1dgmt3', 'too short checksum'],
  ['de1lg7wt\xff', 'invalid character in checksum'],
  ['A1G7SGD8', 'checksum calculated with uppercase HRP'],
  ['10a06t8', 'empty HRP'],
  ['1qzzfhee', 'empty HRP'],
  ['A12uEL5L', 'mixed case']
]

describe('bech32', () => {
  test.each(VALID)('BIP 173 valid: %s', (text) => {
    const { hrp, bytes } = decodeBech32(text)
    expect(hrp).toBe(text.slice(0, text.lastIndexOf('1')).toLowerCase())
    expect(encodeBech32(hrp, bytes)).toBe(text.toLowerCase())
  })

  test.each(INVALID)('BIP 173 invalid: %j (%s)', (text) => {
    expect(() => decodeBech32(text)).toThrow()
  })

  test('round trips any bytes at age key lengths and beyond, in either case', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('age', 'age1pq', 'age-secret-key-', 'age-secret-key-pq-'),
        fc.integer({ min: 0, max: 1300 }),
        fc.boolean(),
        (hrp, n, upper) => {
          const bytes = randomBytes(n)
          const text = encodeBech32(hrp, bytes)
          const back = decodeBech32(upper ? text.toUpperCase() : text)
          expect(back.hrp).toBe(hrp)
          expect(back.bytes.equals(bytes)).toBe(true)
        }
      ),
      { numRuns: 200 }
    )
  })
})
