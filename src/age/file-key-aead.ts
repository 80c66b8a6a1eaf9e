import { createCipheriv, createDecipheriv } from 'node:crypto'
import { FILE_KEY_SIZE } from './keys.js'

const TAG_SIZE = 16
/** A wrapped file key: 16 key bytes and a 16-byte Poly1305 tag. */
export const WRAPPED_FILE_KEY_SIZE = FILE_KEY_SIZE + TAG_SIZE
const ZERO_NONCE = Buffer.alloc(12)

/** ChaCha20-Poly1305 of the file key under `key` (nonce zero unless HPKE gives one). */
export function sealFileKey(
  key: Uint8Array,
  fileKey: Uint8Array,
  nonce: Uint8Array = ZERO_NONCE
): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE })
  return Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()])
}

/** The file key inside `body`, or undefined when it does not authenticate under `key`. */
export function openFileKey(
  key: Uint8Array,
  body: Uint8Array,
  nonce: Uint8Array = ZERO_NONCE
): Buffer | undefined {
  const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE })
  decipher.setAuthTag(body.subarray(FILE_KEY_SIZE))
  const fileKey = decipher.update(body.subarray(0, FILE_KEY_SIZE))
  try {
    decipher.final()
  } catch {
    return undefined
  }
  return fileKey
}
