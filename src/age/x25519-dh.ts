import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject
} from 'node:crypto'

export const X25519_KEY_SIZE = 32

// Fixed DER wrappers (RFC 8410) around raw keys: they import on every Node 24, whereas the
// 'raw-private'/'raw-public' formats arrived only in 24.15.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex')
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex')

export function x25519PrivateKey(scalar: Uint8Array): KeyObject {
  return createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, scalar]),
    format: 'der',
    type: 'pkcs8'
  })
}

export function x25519PublicBytes(privateKey: KeyObject): Buffer {
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' })
  return spki.subarray(SPKI_PREFIX.length)
}

/**
 * X25519(scalar, point), or undefined when the result is all zero: a low-order point, which the
 * age spec says to reject since it makes the secret the same for every key (OpenSSL refuses it).
 */
export function x25519(privateKey: KeyObject, point: Uint8Array): Buffer | undefined {
  const publicKey = createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, point]),
    format: 'der',
    type: 'spki'
  })
  let secret: Buffer
  try {
    secret = diffieHellman({ privateKey, publicKey })
  } catch {
    return undefined
  }
  return secret.every((b) => b === 0) ? undefined : secret
}

/** True for a point of small order: encrypting to it would give a secret anyone can compute. */
export function isLowOrder(point: Uint8Array): boolean {
  return x25519(generateKeyPairSync('x25519').privateKey, point) === undefined
}
