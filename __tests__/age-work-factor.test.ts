// The scrypt work-factor ceiling is enforced before scrypt runs: node:crypto's scrypt is wrapped
// in a counting mock, so "did not run" is observed directly instead of inferred from timing.
import { jest } from '@jest/globals'
import type * as Crypto from 'node:crypto'

const realCrypto = await import('node:crypto')
const scrypt = jest.fn(realCrypto.scrypt)
jest.unstable_mockModule('node:crypto', () => ({ ...realCrypto, default: realCrypto, scrypt }))

const { createDecryptStream } = await import('../src/age/decrypt.js')
const { encryptStream } = await import('../src/age/encrypt.js')
const { through, runThrough } = await import('../__fixtures__/age-streams.js')

const PASSPHRASE = Buffer.from('pw')

/** Our file with its scrypt work factor rewritten: the header still parses. */
function withWorkFactor(source: Buffer, logN: number): Buffer {
  const text = source.toString('latin1')
  const changed = text.replace(/^(-> scrypt \S+) 10\n/m, `$1 ${logN}\n`)
  expect(changed).not.toBe(text)
  return Buffer.from(changed, 'latin1')
}

let file: Buffer
beforeAll(async () => {
  file = await through(
    encryptStream({ kind: 'passphrase', passphrase: PASSPHRASE, workFactor: 10 }),
    Buffer.from('payload')
  )
})
beforeEach(() => scrypt.mockClear())

test('work factor 21 is refused by default, and scrypt never runs', async () => {
  const { output, error } = await runThrough(
    createDecryptStream(PASSPHRASE),
    withWorkFactor(file, 21)
  )
  expect(error).toMatchObject({
    code: 'WORK_FACTOR_TOO_HIGH',
    message: expect.stringMatching(/work factor 21, above the allowed 20/)
  })
  expect(output).toHaveLength(0)
  expect(scrypt).not.toHaveBeenCalled()
})

test('maxWorkFactor lowers the ceiling, again without running scrypt', async () => {
  const { error } = await runThrough(createDecryptStream(PASSPHRASE, { maxWorkFactor: 9 }), file)
  expect(error).toMatchObject({ code: 'WORK_FACTOR_TOO_HIGH' })
  expect(scrypt).not.toHaveBeenCalled()
})

test('an allowed work factor runs scrypt once, with N = 2^logN, r = 8, p = 1', async () => {
  const back = await through(createDecryptStream(PASSPHRASE, { maxWorkFactor: 10 }), file)
  expect(back.toString()).toBe('payload')
  expect(scrypt).toHaveBeenCalledTimes(1)
  const options = scrypt.mock.calls[0]?.[3] as Crypto.ScryptOptions
  expect(options).toMatchObject({ N: 1024, r: 8, p: 1 })
  // OpenSSL needs about 128 * r * N bytes; Node's default cap (32 MiB) would stop logN 18.
  expect(options.maxmem).toBeGreaterThan(128 * 8 * 1024)
})

test('encrypt accepts 10..20 only; bad options are RangeErrors', async () => {
  for (const bad of [9, 21, 10.5, Number.NaN]) {
    expect(() =>
      encryptStream({ kind: 'passphrase', passphrase: PASSPHRASE, workFactor: bad })
    ).toThrow(RangeError)
  }
  for (const bad of [0, 31, 1.5]) {
    expect(() => createDecryptStream(PASSPHRASE, { maxWorkFactor: bad })).toThrow(RangeError)
  }
  expect(scrypt).not.toHaveBeenCalled()
})
