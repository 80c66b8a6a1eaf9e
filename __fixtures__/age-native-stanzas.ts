import { createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto'
import { decodeBase64 } from '../src/age/base64.js'
import type { Stanza } from '../src/age/header.js'

// cutover-gate implements only the scrypt identity. The CCTV vectors for the X25519 and
// mlkem768x25519 recipient types also test rules the spec gives those identities that need no
// private key: argument count, share encoding and length, body length, and rejecting low-order
// X25519 shares (they make the shared secret all zero for every identity). This checks exactly
// those, so such vectors can be asserted without implementing the identities.

const X25519_SHARE = 32
const MLKEM768X25519_ENC = 1120
const WRAPPED_KEY = 32

/** Any X25519 scalar will do: a low-order point gives an all-zero secret for every one. */
const probe = generateKeyPairSync('x25519').privateKey

function lowOrder(share: Buffer): boolean {
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: share.toString('base64url') },
    format: 'jwk'
  })
  try {
    // OpenSSL refuses the derivation outright when the result would be all zero.
    return diffieHellman({ privateKey: probe, publicKey }).every((b) => b === 0)
  } catch {
    return true
  }
}

function checkShare(stanza: Stanza, type: string, encLength: number): string | undefined {
  if (stanza.args.length !== 2) return `${type} stanza must have exactly one argument`
  const enc = decodeBase64(stanza.args[1] ?? '')
  if (!enc || enc.length !== encLength)
    return `${type} share is not canonical base64 of ${encLength} bytes`
  if (stanza.body.length !== WRAPPED_KEY) return `${type} body is not ${WRAPPED_KEY} bytes`
  // X-Wing's encapsulation ends with the X25519 ephemeral share.
  if (lowOrder(enc.subarray(enc.length - X25519_SHARE))) return `${type} share is a low-order point`
  return undefined
}

/** The first identity-independent rule a native X25519/mlkem768x25519 stanza breaks, if any. */
export function nativeStanzaProblem(stanzas: readonly Stanza[]): string | undefined {
  for (const stanza of stanzas) {
    const type = stanza.args[0]
    const problem =
      type === 'X25519'
        ? checkShare(stanza, type, X25519_SHARE)
        : type === 'mlkem768x25519'
          ? checkShare(stanza, type, MLKEM768X25519_ENC)
          : undefined
    if (problem) return problem
  }
  return undefined
}
