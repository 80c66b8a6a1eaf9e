import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { decodeBase64, encodeBase64 } from './base64.js'
import { decodeBech32, encodeBech32 } from './bech32.js'
import { badHeader } from './errors.js'
import { openFileKey, sealFileKey, WRAPPED_FILE_KEY_SIZE } from './file-key-aead.js'
import type { Stanza } from './header.js'
import { hkdf32 } from './keys.js'
import {
  isLowOrder,
  x25519,
  X25519_KEY_SIZE,
  x25519PrivateKey,
  x25519PublicBytes
} from './x25519-dh.js'

// The age spec's native X25519 recipient ("X25519 recipient stanza"), on node:crypto.

export const X25519_TYPE = 'X25519'
const RECIPIENT_HRP = 'age'
const IDENTITY_HRP = 'age-secret-key-'
const WRAP_LABEL = 'age-encryption.org/v1/X25519'

export interface X25519Recipient {
  readonly type: 'x25519'
  readonly publicKey: Buffer
}

export interface X25519Identity {
  readonly type: 'x25519'
  readonly privateKey: KeyObject
  readonly publicKey: Buffer
}

/** An `age1…` recipient (lowercase, as age-keygen prints it); throws an Error with the reason. */
export function parseX25519Recipient(text: string): X25519Recipient {
  if (!text.startsWith('age1')) throw new Error('does not start with age1')
  const { hrp, bytes } = decodeBech32(text)
  if (hrp !== RECIPIENT_HRP) throw new Error(`has the prefix ${JSON.stringify(hrp)}, not "age"`)
  if (bytes.length !== X25519_KEY_SIZE) throw new Error(`holds ${bytes.length} bytes, not 32`)
  if (isLowOrder(bytes)) throw new Error('is a low-order X25519 point, which anyone could decrypt')
  return { type: 'x25519', publicKey: bytes }
}

/** An `AGE-SECRET-KEY-1…` identity (uppercase, as age-keygen writes it). */
export function parseX25519Identity(text: string): X25519Identity {
  if (!text.startsWith('AGE-SECRET-KEY-1')) throw new Error('does not start with AGE-SECRET-KEY-1')
  const { hrp, bytes } = decodeBech32(text)
  if (hrp !== IDENTITY_HRP || bytes.length !== X25519_KEY_SIZE) {
    throw new Error('is not a 32-byte AGE-SECRET-KEY-1 key')
  }
  const privateKey = x25519PrivateKey(bytes)
  return { type: 'x25519', privateKey, publicKey: x25519PublicBytes(privateKey) }
}

export function encodeX25519Recipient(publicKey: Uint8Array): string {
  return encodeBech32(RECIPIENT_HRP, publicKey)
}

function wrapKey(secret: Buffer, share: Uint8Array, recipient: Uint8Array): Buffer {
  return hkdf32(secret, Buffer.concat([share, recipient]), WRAP_LABEL)
}

export function wrapX25519(fileKey: Uint8Array, recipient: X25519Recipient): Stanza {
  const ephemeral = generateKeyPairSync('x25519').privateKey
  const share = x25519PublicBytes(ephemeral)
  const secret = x25519(ephemeral, recipient.publicKey)
  if (!secret) throw new Error('X25519 recipient is a low-order point: use a real age1 recipient')
  const body = sealFileKey(wrapKey(secret, share, recipient.publicKey), fileKey)
  return { args: [X25519_TYPE, encodeBase64(share)], body }
}

/** The share of a well-formed X25519 stanza; BAD_HEADER for one the spec says to reject. */
export function x25519Share(stanza: Stanza): Buffer {
  if (stanza.args.length !== 2) throw badHeader('an X25519 stanza must have exactly one argument')
  const share = decodeBase64(stanza.args[1] ?? '')
  if (!share || share.length !== X25519_KEY_SIZE) {
    throw badHeader('the X25519 share is not canonical base64 of 32 bytes')
  }
  // checked before decrypting, as the spec requires (partitioning oracles)
  if (stanza.body.length !== WRAPPED_FILE_KEY_SIZE)
    throw badHeader('an X25519 stanza body is not 32 bytes')
  return share
}

/** The file key if `identity` opens this X25519 stanza, else undefined. */
export function unwrapX25519(stanza: Stanza, identity: X25519Identity): Buffer | undefined {
  const share = x25519Share(stanza)
  const secret = x25519(identity.privateKey, share)
  if (!secret) throw badHeader('the X25519 share is a low-order point')
  return openFileKey(wrapKey(secret, share, identity.publicKey), stanza.body)
}
