import { createHmac } from 'node:crypto'

// RFC 9180 base-mode key schedule with HKDF-SHA256 and ChaCha20-Poly1305, for one KEM id: the
// part of HPKE that age's hybrid recipient needs (one seal/open at sequence number 0).

const KDF_HKDF_SHA256 = 0x0001
const AEAD_CHACHA20POLY1305 = 0x0003
const MODE_BASE = 0x00
const VERSION_LABEL = Buffer.from('HPKE-v1', 'latin1')
const EMPTY = Buffer.alloc(0)

function u16(n: number): Buffer {
  const b = Buffer.alloc(2)
  b.writeUInt16BE(n)
  return b
}

function suiteId(kemId: number): Buffer {
  return Buffer.concat([
    Buffer.from('HPKE', 'latin1'),
    u16(kemId),
    u16(KDF_HKDF_SHA256),
    u16(AEAD_CHACHA20POLY1305)
  ])
}

function labeledExtract(suite: Buffer, salt: Uint8Array, label: string, ikm: Uint8Array): Buffer {
  // an empty HMAC key equals HKDF's default salt of HashLen zeros (HMAC zero-pads its key)
  return createHmac('sha256', salt)
    .update(Buffer.concat([VERSION_LABEL, suite, Buffer.from(label, 'latin1'), ikm]))
    .digest()
}

/** HKDF-Expand for at most one SHA-256 block, which is all HPKE asks here (32 and 12 bytes). */
function labeledExpand(
  suite: Buffer,
  prk: Buffer,
  label: string,
  info: Uint8Array,
  length: number
): Buffer {
  const labeledInfo = Buffer.concat([
    u16(length),
    VERSION_LABEL,
    suite,
    Buffer.from(label, 'latin1'),
    info
  ])
  return createHmac('sha256', prk)
    .update(Buffer.concat([labeledInfo, Buffer.from([1])]))
    .digest()
    .subarray(0, length)
}

/** The AEAD key and base nonce of an HPKE base-mode context (RFC 9180 section 5.1). */
export function hpkeContext(
  kemId: number,
  sharedSecret: Uint8Array,
  info: Uint8Array
): { key: Buffer; nonce: Buffer } {
  const suite = suiteId(kemId)
  const pskIdHash = labeledExtract(suite, EMPTY, 'psk_id_hash', EMPTY)
  const infoHash = labeledExtract(suite, EMPTY, 'info_hash', info)
  const context = Buffer.concat([Buffer.from([MODE_BASE]), pskIdHash, infoHash])
  const secret = labeledExtract(suite, sharedSecret, 'secret', EMPTY)
  return {
    key: labeledExpand(suite, secret, 'key', context, 32),
    nonce: labeledExpand(suite, secret, 'base_nonce', context, 12)
  }
}
