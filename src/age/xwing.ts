import * as nodeCrypto from 'node:crypto'
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject
} from 'node:crypto'
import { x25519, x25519PrivateKey, x25519PublicBytes } from './x25519-dh.js'

// X-Wing (draft-connolly-cfrg-xwing-kem), the MLKEM768-X25519 KEM of age's hybrid recipient.
// ML-KEM-768 comes from node:crypto (Node 24), X25519 too, SHAKE256 and SHA3-256 as well.

export const XWING_SEED_SIZE = 32
const MLKEM_PUBLIC_SIZE = 1184
const MLKEM_CIPHERTEXT_SIZE = 1088
export const XWING_PUBLIC_SIZE = MLKEM_PUBLIC_SIZE + 32
export const XWING_CIPHERTEXT_SIZE = MLKEM_CIPHERTEXT_SIZE + 32
// DER wrappers for ML-KEM-768 keys (the PKCS#8 seed-only form holds d || z): they import
// wherever Node has ML-KEM, whereas 'raw-seed'/'raw-public' came only in 24.15.
const PKCS8_SEED_PREFIX = Buffer.from('3054020100300b0609608648016503040402044280' + '40', 'hex')
const SPKI_PREFIX = Buffer.from('308204b2300b0609608648016503040402038204a100', 'hex')
/** The combiner's domain separator, the ASCII art `\.//^\`. */
const XWING_LABEL = Buffer.from('5c2e2f2f5e5c', 'hex')

export interface XWingPrivateKey {
  readonly mlkem: KeyObject
  readonly x25519: KeyObject
  /** pk_M || pk_X: the recipient's bytes. */
  readonly publicKey: Buffer
}

/** node:crypto's ML-KEM, or a one-line error on a Node built without it. */
function mlkemOps(): Pick<typeof nodeCrypto, 'encapsulate' | 'decapsulate'> {
  // read off the namespace: a named import of a missing export would fail the whole module graph
  const { encapsulate, decapsulate } = nodeCrypto as Partial<typeof nodeCrypto>
  if (!encapsulate || !decapsulate) {
    throw new Error(
      `post-quantum age keys (age1pq1...) need ML-KEM in node:crypto, which Node ${process.versions.node} lacks: run on a current Node 24`
    )
  }
  return { encapsulate, decapsulate }
}

/** Expands a 32-byte seed: SHAKE256 to 96 bytes = ML-KEM (d || z) then the X25519 scalar. */
export function xwingKeyFromSeed(seed: Uint8Array): XWingPrivateKey {
  mlkemOps()
  const expanded = createHash('shake256', { outputLength: 96 }).update(seed).digest()
  const mlkem = createPrivateKey({
    key: Buffer.concat([PKCS8_SEED_PREFIX, expanded.subarray(0, 64)]),
    format: 'der',
    type: 'pkcs8'
  })
  const x = x25519PrivateKey(expanded.subarray(64, 96))
  const publicKey = Buffer.concat([
    createPublicKey(mlkem).export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length),
    x25519PublicBytes(x)
  ])
  return { mlkem, x25519: x, publicKey }
}

function combine(ssM: Uint8Array, ssX: Uint8Array, ctX: Uint8Array, pkX: Uint8Array): Buffer {
  return createHash('sha3-256')
    .update(Buffer.concat([ssM, ssX, ctX, pkX, XWING_LABEL]))
    .digest()
}

function mlkemPublicKey(pkM: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pkM]), format: 'der', type: 'spki' })
}

/** Throws unless the ML-KEM half is a valid encapsulation key (FIPS 203 modulus check). */
export function checkXWingPublicKey(publicKey: Uint8Array): void {
  try {
    mlkemPublicKey(publicKey.subarray(0, MLKEM_PUBLIC_SIZE))
  } catch {
    throw new Error('holds an invalid ML-KEM-768 key')
  }
}

/** Encapsulates to a 1216-byte public key: the 1120-byte ciphertext and the shared secret. */
export function xwingEncapsulate(publicKey: Uint8Array): {
  ciphertext: Buffer
  sharedSecret: Buffer
} {
  const pkM = publicKey.subarray(0, MLKEM_PUBLIC_SIZE)
  const pkX = publicKey.subarray(MLKEM_PUBLIC_SIZE)
  const { sharedKey: ssM, ciphertext: ctM } = mlkemOps().encapsulate(mlkemPublicKey(pkM))
  const ephemeral = generateKeyPairSync('x25519').privateKey
  const ctX = x25519PublicBytes(ephemeral)
  const ssX = x25519(ephemeral, pkX)
  if (!ssX)
    throw new Error('hybrid recipient has a low-order X25519 key: use a real age1pq1 recipient')
  return { ciphertext: Buffer.concat([ctM, ctX]), sharedSecret: combine(ssM, ssX, ctX, pkX) }
}

/** The shared secret, or undefined when the X25519 half is a low-order point. */
export function xwingDecapsulate(key: XWingPrivateKey, ciphertext: Uint8Array): Buffer | undefined {
  const ctM = ciphertext.subarray(0, MLKEM_CIPHERTEXT_SIZE)
  const ctX = ciphertext.subarray(MLKEM_CIPHERTEXT_SIZE)
  const ssX = x25519(key.x25519, ctX)
  if (!ssX) return undefined
  // ML-KEM decapsulation never fails on a well-sized ciphertext (implicit rejection)
  const ssM = mlkemOps().decapsulate(key.mlkem, Buffer.from(ctM))
  return combine(ssM, ssX, ctX, key.publicKey.subarray(MLKEM_PUBLIC_SIZE))
}
