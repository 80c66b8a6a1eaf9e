import { createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto'

/** age file keys are 128 bits (spec "File key"). */
export const FILE_KEY_SIZE = 16
/** The payload nonce that starts the payload, fed to HKDF as salt. */
export const PAYLOAD_NONCE_SIZE = 16

const EMPTY = Buffer.alloc(0)

/** HKDF-SHA-256 with a 32-byte output, the only length age uses. */
export function hkdf32(ikm: Uint8Array, salt: Uint8Array, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, 32))
}

/** HMAC-SHA-256 over the header up to and including `---`, keyed from the file key. */
export function headerMac(fileKey: Uint8Array, macInput: Uint8Array): Buffer {
  return createHmac('sha256', hkdf32(fileKey, EMPTY, 'header'))
    .update(macInput)
    .digest()
}

/** The STREAM key; a KeyObject so each chunk's cipher skips re-importing the raw key. */
export function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): KeyObject {
  return createSecretKey(hkdf32(fileKey, nonce, 'payload'))
}
