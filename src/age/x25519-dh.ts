import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject
} from 'node:crypto'

export const X25519_KEY_SIZE = 32

export function x25519PrivateKey(scalar: Uint8Array): KeyObject {
  return createPrivateKey({
    key: Buffer.from(scalar),
    format: 'raw-private',
    asymmetricKeyType: 'x25519'
  })
}

export function x25519PublicBytes(privateKey: KeyObject): Buffer {
  return createPublicKey(privateKey).export({ format: 'raw-public' })
}

/**
 * X25519(scalar, point), or undefined when the result is all zero: a low-order point, which the
 * age spec says to reject since it makes the secret the same for every key (OpenSSL refuses it).
 */
export function x25519(privateKey: KeyObject, point: Uint8Array): Buffer | undefined {
  const publicKey = createPublicKey({
    key: Buffer.from(point),
    format: 'raw-public',
    asymmetricKeyType: 'x25519'
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
