import { decodeBase64, encodeBase64 } from './base64.js'
import { decodeBech32, encodeBech32 } from './bech32.js'
import { badHeader } from './errors.js'
import { openFileKey, sealFileKey, WRAPPED_FILE_KEY_SIZE } from './file-key-aead.js'
import type { Stanza } from './header.js'
import { hpkeContext } from './hpke.js'
import { isLowOrder } from './x25519-dh.js'
import {
  XWING_CIPHERTEXT_SIZE,
  XWING_PUBLIC_SIZE,
  XWING_SEED_SIZE,
  xwingDecapsulate,
  xwingEncapsulate,
  xwingKeyFromSeed,
  checkXWingPublicKey,
  type XWingPrivateKey
} from './xwing.js'

// The age spec's post-quantum hybrid recipient ("mlkem768x25519"): HPKE base mode with the
// MLKEM768-X25519 (X-Wing) KEM, HKDF-SHA256 and ChaCha20-Poly1305, the file key as plaintext.

export const MLKEM768X25519_TYPE = 'mlkem768x25519'
const RECIPIENT_HRP = 'age1pq'
const IDENTITY_HRP = 'age-secret-key-pq-'
/** HPKE's KEM id for MLKEM768-X25519. */
const KEM_ID = 0x647a
const INFO = Buffer.from('age-encryption.org/mlkem768x25519', 'latin1')

export interface HybridRecipient {
  readonly type: 'mlkem768x25519'
  readonly publicKey: Buffer
}

export interface HybridIdentity {
  readonly type: 'mlkem768x25519'
  readonly key: XWingPrivateKey
}

/** An `age1pq1…` recipient (lowercase); throws an Error with the reason. */
export function parseHybridRecipient(text: string): HybridRecipient {
  if (!text.startsWith('age1pq1')) throw new Error('does not start with age1pq1')
  const { hrp, bytes } = decodeBech32(text)
  if (hrp !== RECIPIENT_HRP) throw new Error(`has the prefix ${JSON.stringify(hrp)}, not "age1pq"`)
  if (bytes.length !== XWING_PUBLIC_SIZE)
    throw new Error(`holds ${bytes.length} bytes, not ${XWING_PUBLIC_SIZE}`)
  checkXWingPublicKey(bytes)
  if (isLowOrder(bytes.subarray(XWING_PUBLIC_SIZE - 32))) {
    throw new Error('has a low-order X25519 half, which anyone could compute')
  }
  return { type: 'mlkem768x25519', publicKey: bytes }
}

/** An `AGE-SECRET-KEY-PQ-1…` identity (uppercase): a 32-byte X-Wing seed. */
export function parseHybridIdentity(text: string): HybridIdentity {
  if (!text.startsWith('AGE-SECRET-KEY-PQ-1'))
    throw new Error('does not start with AGE-SECRET-KEY-PQ-1')
  const { hrp, bytes } = decodeBech32(text)
  if (hrp !== IDENTITY_HRP || bytes.length !== XWING_SEED_SIZE) {
    throw new Error('is not a 32-byte AGE-SECRET-KEY-PQ-1 key')
  }
  return { type: 'mlkem768x25519', key: xwingKeyFromSeed(bytes) }
}

export function encodeHybridRecipient(publicKey: Uint8Array): string {
  return encodeBech32(RECIPIENT_HRP, publicKey)
}

export function wrapHybrid(fileKey: Uint8Array, recipient: HybridRecipient): Stanza {
  const { ciphertext, sharedSecret } = xwingEncapsulate(recipient.publicKey)
  const { key, nonce } = hpkeContext(KEM_ID, sharedSecret, INFO)
  return {
    args: [MLKEM768X25519_TYPE, encodeBase64(ciphertext)],
    body: sealFileKey(key, fileKey, nonce)
  }
}

/** The encapsulated key of a well-formed hybrid stanza; BAD_HEADER for one the spec rejects. */
export function hybridEnc(stanza: Stanza): Buffer {
  if (stanza.args.length !== 2)
    throw badHeader('an mlkem768x25519 stanza must have exactly one argument')
  const enc = decodeBase64(stanza.args[1] ?? '')
  if (!enc || enc.length !== XWING_CIPHERTEXT_SIZE) {
    throw badHeader(
      `the mlkem768x25519 share is not canonical base64 of ${XWING_CIPHERTEXT_SIZE} bytes`
    )
  }
  if (stanza.body.length !== WRAPPED_FILE_KEY_SIZE) {
    throw badHeader('an mlkem768x25519 stanza body is not 32 bytes')
  }
  return enc
}

/** The file key if `identity` opens this hybrid stanza, else undefined. */
export function unwrapHybrid(stanza: Stanza, identity: HybridIdentity): Buffer | undefined {
  const enc = hybridEnc(stanza)
  const sharedSecret = xwingDecapsulate(identity.key, enc)
  if (!sharedSecret)
    throw badHeader('the X25519 part of the mlkem768x25519 share is a low-order point')
  const { key, nonce } = hpkeContext(KEM_ID, sharedSecret, INFO)
  return openFileKey(key, stanza.body, nonce)
}
