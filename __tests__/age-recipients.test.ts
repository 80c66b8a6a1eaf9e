// Native age recipients and identities: parsing as age -R / age-keygen files hold them, and
// round trips with typage (age-encryption, by age's author) as the oracle, both ways.
import { randomBytes } from 'node:crypto'
import {
  Decrypter,
  Encrypter,
  generateHybridIdentity,
  generateIdentity,
  identityToRecipient as typageRecipient
} from 'age-encryption'
import fc from 'fast-check'
import { badVariants } from '../__fixtures__/age-keys.js'
import { decodeBech32, encodeBech32 } from '../src/age/bech32.js'
import { parseHeader, runThrough, through } from '../__fixtures__/age-streams.js'
import { createDecryptStream } from '../src/age/decrypt.js'
import { encryptStream } from '../src/age/encrypt.js'
import { AgeError } from '../src/age/errors.js'
import { encodeHeader } from '../src/age/header.js'
import { FILE_KEY_SIZE } from '../src/age/keys.js'
import {
  identityToRecipient,
  parseIdentities,
  parseRecipients,
  unwrapFileKey,
  wrapFileKey
} from '../src/age/recipients.js'
import { wrapScrypt } from '../src/age/scrypt.js'

const SIZES = [0, 1, 65536, 70_001]

interface KeyPair {
  identity: string
  recipient: string
}

async function x25519Pair(): Promise<KeyPair> {
  const identity = await generateIdentity()
  return { identity, recipient: await typageRecipient(identity) }
}

async function hybridPair(): Promise<KeyPair> {
  const identity = await generateHybridIdentity()
  return { identity, recipient: await typageRecipient(identity) }
}

const KINDS = [
  ['X25519', x25519Pair],
  ['hybrid', hybridPair]
] as const

function ageError(fn: () => unknown): AgeError {
  try {
    fn()
  } catch (err) {
    if (err instanceof AgeError) return err
    throw err
  }
  throw new Error('expected an AgeError, nothing was thrown')
}

describe('recipients and identities text', () => {
  test.each(KINDS)(
    "%s: our derived recipient equals typage's, for many keys",
    async (_kind, pair) => {
      for (let i = 0; i < 8; i++) {
        const { identity, recipient } = await pair()
        const [parsed] = parseIdentities(identity)
        expect(identityToRecipient(parsed!)).toBe(recipient)
        expect(parseRecipients(recipient)).toHaveLength(1)
      }
    }
  )

  test.each(KINDS)(
    '%s: comments, blank lines, CR LF and edge whitespace are accepted',
    async (_kind, pair) => {
      const a = await pair()
      const b = await pair()
      const recipients = `# team keys\r\n\r\n  ${a.recipient}\t\r\n# ${b.recipient.slice(0, 20)}\n\n${b.recipient}\n`
      expect(parseRecipients(recipients)).toHaveLength(2)
      const identities = `# created: 2026-01-01T00:00:00Z\n# public key: ${a.recipient}\n${a.identity}\r\n\n ${b.identity} \n`
      expect(parseIdentities(identities).map(identityToRecipient)).toEqual([
        a.recipient,
        b.recipient
      ])
    }
  )

  const RECIPIENT_PREFIXES = {
    X25519: ['agf', 'age2', 'age1pq', 'age-secret-key-'],
    hybrid: ['age', 'age1pqx', 'age1tagpq', 'age-secret-key-pq-']
  }
  const IDENTITY_PREFIXES = {
    X25519: ['age', 'age-secret-key', 'age-secret-key-x-', 'age1'],
    hybrid: ['age1pq', 'age-secret-key-pq', 'age-secret-key-pq-x-']
  }

  test.each(KINDS)(
    '%s: every bad variant is refused, naming its line, never echoing a secret',
    async (kind, pair) => {
      const good = await pair()
      const cases = [
        ...badVariants(good.recipient, RECIPIENT_PREFIXES[kind]).map((v) => ({
          ...v,
          side: 'recipient' as const
        })),
        ...badVariants(good.identity, IDENTITY_PREFIXES[kind]).map((v) => ({
          ...v,
          side: 'identity' as const
        }))
      ]
      expect(cases.length).toBeGreaterThan(30)
      // the bad line lands among good lines and comments at a generated position
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...cases),
          fc.nat(4),
          fc.nat(3),
          async (variant, before, after) => {
            const model = variant.side === 'recipient' ? good.recipient : good.identity
            const lines = [
              ...Array.from({ length: before }, (_, i) => (i % 2 ? '# comment' : model)),
              variant.text,
              ...Array.from({ length: after }, () => model)
            ]
            const err = ageError(() =>
              variant.side === 'recipient'
                ? parseRecipients(lines.join('\n'))
                : parseIdentities(lines.join('\n'))
            )
            expect(err.code).toBe('BAD_KEY')
            expect(err.message).toContain(`line ${before + 1} `)
            expect(err.message).toMatch(
              variant.side === 'recipient'
                ? /expected an age1\.\.\./
                : /expected an AGE-SECRET-KEY-1/
            )
            expect(err.message).not.toContain('\n')
            // a broken secret is still mostly secret: the message quotes none of it
            if (variant.side === 'identity') {
              const upper = err.message.toUpperCase()
              for (const secret of [good.identity, variant.text.toUpperCase()]) {
                if (secret.length >= 36) expect(upper).not.toContain(secret.slice(20, 36))
              }
            }
          }
        ),
        { numRuns: 120 }
      )
    }
  )

  test('an X25519 recipient beside a hybrid one is refused, in either order', async () => {
    const x = await x25519Pair()
    const h = await hybridPair()
    for (const text of [`${x.recipient}\n${h.recipient}`, `${h.recipient}\n# c\n${x.recipient}`]) {
      const err = ageError(() => parseRecipients(text))
      expect(err.code).toBe('BAD_KEY')
      expect(err.message).toMatch(/post-quantum/)
    }
    // and at the wrap, for recipients that did not come from a text
    const mixed = [...parseRecipients(x.recipient), ...parseRecipients(h.recipient)]
    expect(ageError(() => wrapFileKey(randomBytes(FILE_KEY_SIZE), mixed)).code).toBe('BAD_KEY')
  })

  test('a text with no key, only comments and blanks, is refused', () => {
    for (const text of ['', '\n\n', '# only a comment\n', '  \r\n\t\n']) {
      expect(ageError(() => parseRecipients(text)).code).toBe('BAD_KEY')
      expect(ageError(() => parseIdentities(text)).code).toBe('BAD_KEY')
    }
  })
})

describe.each(KINDS)('%s recipients against typage', (_kind, pair) => {
  test.each(SIZES)(
    'ours encrypts to 3 recipients, typage opens with each identity: %i bytes',
    async (size) => {
      const pairs = [await pair(), await pair(), await pair()]
      const recipients = parseRecipients(pairs.map((p) => p.recipient).join('\n'))
      const plaintext = randomBytes(size)
      const file = await through(encryptStream({ kind: 'recipients', recipients }), plaintext, 8192)
      expect(parseHeader(file).stanzas).toHaveLength(3)
      for (const { identity } of pairs) {
        const decrypter = new Decrypter()
        decrypter.addIdentity(identity)
        expect(Buffer.from(await decrypter.decrypt(file)).equals(plaintext)).toBe(true)
      }
    }
  )

  test.each(SIZES)(
    'typage encrypts to 3 recipients, ours opens with each identity: %i bytes',
    async (size) => {
      const pairs = [await pair(), await pair(), await pair()]
      const encrypter = new Encrypter()
      for (const { recipient } of pairs) encrypter.addRecipient(recipient)
      const plaintext = randomBytes(size)
      const file = await encrypter.encrypt(plaintext)
      for (const { identity } of pairs) {
        const identities = parseIdentities(identity)
        const back = await through(
          createDecryptStream({ kind: 'identities', identities }),
          file,
          10_000
        )
        expect(back.equals(plaintext)).toBe(true)
      }
    }
  )

  test('a wrong identity, of either kind, is exactly "no identity matches this snapshot"', async () => {
    const p = await pair()
    const file = await through(
      encryptStream({ kind: 'recipients', recipients: parseRecipients(p.recipient) }),
      randomBytes(1000)
    )
    const others = [await x25519Pair(), await hybridPair(), await pair()]
    for (const other of [
      others.map((o) => o.identity).join('\n'),
      ...others.map((o) => o.identity)
    ]) {
      const result = await runThrough(
        createDecryptStream({ kind: 'identities', identities: parseIdentities(other) }),
        file
      )
      expect(result.error).toBeInstanceOf(AgeError)
      expect((result.error as AgeError).code).toBe('NO_IDENTITY_MATCH')
      expect((result.error as AgeError).message).toBe('no identity matches this snapshot')
      expect(result.output).toHaveLength(0)
    }
    // the right one among wrong ones still opens it
    const all = parseIdentities([...others.map((o) => o.identity), p.identity].join('\n'))
    expect(
      (await runThrough(createDecryptStream({ kind: 'identities', identities: all }), file)).error
    ).toBeUndefined()
  })

  test('passphrase and recipient files do not open with the other kind of key', async () => {
    const p = await pair()
    const identities = parseIdentities(p.identity)
    const scryptFile = await through(
      encryptStream({ kind: 'passphrase', passphrase: Buffer.from('pw'), workFactor: 10 }),
      Buffer.from('x')
    )
    const viaIdentity = await runThrough(
      createDecryptStream({ kind: 'identities', identities }),
      scryptFile
    )
    expect((viaIdentity.error as AgeError).code).toBe('PASSPHRASE_FILE')
    const recipientFile = await through(
      encryptStream({ kind: 'recipients', recipients: parseRecipients(p.recipient) }),
      Buffer.from('x')
    )
    const viaPassphrase = await runThrough(
      createDecryptStream({ kind: 'passphrase', passphrase: Buffer.from('pw') }),
      recipientFile
    )
    expect((viaPassphrase.error as AgeError).code).toBe('UNSUPPORTED_RECIPIENT')
  })

  test('an scrypt stanza beside native ones is a bad header, at any position', async () => {
    const p = await pair()
    const fileKey = randomBytes(FILE_KEY_SIZE)
    const native = wrapFileKey(fileKey, parseRecipients(p.recipient))
    const scrypt = await wrapScrypt(fileKey, Buffer.from('pw'), 10)
    for (const stanzas of [
      [scrypt, ...native],
      [...native, scrypt],
      [...native, scrypt, ...native]
    ]) {
      const err = ageError(() =>
        unwrapFileKey(
          parseHeader(encodeHeader(stanzas, fileKey)).stanzas,
          parseIdentities(p.identity)
        )
      )
      expect(err.code).toBe('BAD_HEADER')
      expect(err.message).toMatch(/scrypt stanza must be the only/)
    }
  })
})

describe('recipients no one should encrypt to', () => {
  /** Small-order curve25519 points (libsodium's list), each also with X25519's ignored top bit. */
  const LOW_ORDER = [
    '0000000000000000000000000000000000000000000000000000000000000000',
    '0100000000000000000000000000000000000000000000000000000000000000',
    'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
    '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'
  ].flatMap((hex) => {
    const high = Buffer.from(hex, 'hex')
    high[31] = high[31]! | 0x80
    return [Buffer.from(hex, 'hex'), high]
  })

  test.each(KINDS)('%s: a low-order X25519 key is refused at its line', async (kind, pair) => {
    const good = await pair()
    const { bytes } = decodeBech32(good.recipient)
    for (const point of LOW_ORDER) {
      const bad =
        kind === 'X25519'
          ? encodeBech32('age', point)
          : encodeBech32('age1pq', Buffer.concat([bytes.subarray(0, 1184), point]))
      const err = ageError(() => parseRecipients(`${good.recipient}\n${bad}`))
      expect([err.code, err.message]).toEqual([
        'BAD_KEY',
        expect.stringMatching(/^recipients line 2 .*low-order/)
      ])
    }
  })

  test('a hybrid recipient whose ML-KEM key fails the modulus check is refused', async () => {
    const { bytes } = decodeBech32((await hybridPair()).recipient)
    for (const fill of [0xff, 0xf0]) {
      const pk = Buffer.concat([Buffer.alloc(1184, fill), bytes.subarray(1184)])
      const err = ageError(() => parseRecipients(encodeBech32('age1pq', pk)))
      expect(err.message).toMatch(/^recipients line 1 holds an invalid ML-KEM-768 key/)
    }
  })
})
