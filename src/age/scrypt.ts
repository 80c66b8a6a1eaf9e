import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto'
import { decodeBase64, encodeBase64 } from './base64.js'
import { badHeader, unsupportedRecipient, workFactorTooHigh, wrongPassphrase } from './errors.js'
import type { Stanza } from './header.js'
import { FILE_KEY_SIZE } from './keys.js'

export const SCRYPT_TYPE = 'scrypt'
/** Default ceiling for files we read: 2^20 is 1 GiB of scrypt memory and about 10 s here. */
export const DEFAULT_MAX_WORK_FACTOR = 20
/** Hard ceiling for any caller-chosen maximum: beyond this, scrypt's memory is not realistic. */
export const MAX_SANE_WORK_FACTOR = 30

const SALT_LABEL = Buffer.from('age-encryption.org/v1/scrypt', 'latin1')
const SALT_SIZE = 16
const TAG_SIZE = 16
const WRAPPED_KEY_SIZE = FILE_KEY_SIZE + TAG_SIZE
const R = 8
const ZERO_NONCE = Buffer.alloc(12)
const LOG_N = /^[1-9][0-9]*$/

/** scrypt(N = 2^logN, r = 8, p = 1) with the spec's salt, giving the 32-byte wrap key. */
export function scryptWrapKey(
  passphrase: Uint8Array,
  salt: Uint8Array,
  logN: number
): Promise<Buffer> {
  const N = 2 ** logN
  // OpenSSL counts 128*r*(N+2) bytes for V plus 128*r*p for B; Node's default cap is 32 MiB.
  const maxmem = 128 * R * (N + 2) + 128 * R + 1024 * 1024
  return new Promise((resolve, reject) => {
    scrypt(
      passphrase,
      Buffer.concat([SALT_LABEL, salt]),
      32,
      { N, r: R, p: 1, maxmem },
      (err, key) => (err ? reject(err) : resolve(key))
    )
  })
}

/** The scrypt stanza wrapping `fileKey` under `passphrase` with a fresh salt. */
export async function wrapScrypt(
  fileKey: Uint8Array,
  passphrase: Uint8Array,
  logN: number
): Promise<Stanza> {
  if (!Number.isInteger(logN) || logN < 1 || logN > MAX_SANE_WORK_FACTOR) {
    throw new RangeError(`scrypt work factor must be an integer from 1 to ${MAX_SANE_WORK_FACTOR}`)
  }
  const salt = randomBytes(SALT_SIZE)
  const key = await scryptWrapKey(passphrase, salt, logN)
  const cipher = createCipheriv('chacha20-poly1305', key, ZERO_NONCE, { authTagLength: TAG_SIZE })
  const body = Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()])
  return { args: [SCRYPT_TYPE, encodeBase64(salt), String(logN)], body }
}

/** What a well-formed scrypt stanza says, checked before any expensive work. */
export interface ScryptParams {
  readonly salt: Buffer
  readonly logN: number
  readonly body: Buffer
}

/**
 * Checks the header's stanzas against the scrypt identity rules (spec "scrypt recipient
 * stanza"). Throws BAD_HEADER, UNSUPPORTED_RECIPIENT or WORK_FACTOR_TOO_HIGH; never runs scrypt.
 */
export function scryptParams(stanzas: readonly Stanza[], maxWorkFactor: number): ScryptParams {
  const scryptCount = stanzas.filter((s) => s.args[0] === SCRYPT_TYPE).length
  if (scryptCount === 0) throw unsupportedRecipient(stanzas.map((s) => s.args[0] ?? ''))
  // A passphrase file must not be openable by anyone else, so scrypt has to stand alone.
  if (stanzas.length !== 1)
    throw badHeader('an scrypt stanza must be the only stanza in the header')
  const stanza = stanzas[0] as Stanza
  if (stanza.args.length !== 3) throw badHeader('the scrypt stanza must have exactly two arguments')
  const [, saltText = '', logNText = ''] = stanza.args
  const salt = decodeBase64(saltText)
  if (!salt || salt.length !== SALT_SIZE) {
    throw badHeader('the scrypt salt is not canonical base64 of 16 bytes')
  }
  if (!LOG_N.test(logNText) || logNText.length > 2) {
    throw badHeader(`the scrypt work factor ${JSON.stringify(logNText.slice(0, 24))} is not valid`)
  }
  const logN = Number(logNText)
  // Body length is checked before decrypting it, as the spec requires (partitioning oracles).
  if (stanza.body.length !== WRAPPED_KEY_SIZE)
    throw badHeader('the scrypt stanza body is not 32 bytes')
  if (logN > maxWorkFactor) throw workFactorTooHigh(logN, maxWorkFactor)
  return { salt, logN, body: stanza.body }
}

/** Unwraps the file key from a lone scrypt stanza; WRONG_PASSPHRASE if it does not open. */
export async function unwrapScrypt(
  stanzas: readonly Stanza[],
  passphrase: Uint8Array,
  maxWorkFactor: number = DEFAULT_MAX_WORK_FACTOR
): Promise<Buffer> {
  const { salt, logN, body } = scryptParams(stanzas, maxWorkFactor)
  const key = await scryptWrapKey(passphrase, salt, logN)
  const decipher = createDecipheriv('chacha20-poly1305', key, ZERO_NONCE, {
    authTagLength: TAG_SIZE
  })
  decipher.setAuthTag(body.subarray(FILE_KEY_SIZE))
  const fileKey = decipher.update(body.subarray(0, FILE_KEY_SIZE))
  try {
    decipher.final()
  } catch {
    throw wrongPassphrase()
  }
  return fileKey
}
