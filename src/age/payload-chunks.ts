import { createCipheriv, createDecipheriv, type KeyObject } from 'node:crypto'

// STREAM as age uses it (spec "Payload"): ChaCha20-Poly1305 over 64 KiB chunks, nonce =
// 11-byte big-endian chunk counter || 0x01 for the final chunk, 0x00 before it.

export const CHUNK_SIZE = 64 * 1024
export const TAG_SIZE = 16
/** One encrypted full chunk: ciphertext and tag. */
export const FRAME_SIZE = CHUNK_SIZE + TAG_SIZE
const NONCE_SIZE = 12
/** The counter is written as 48 bits (room for 16 EiB); the top 5 counter bytes stay zero. */
const MAX_COUNTER = 2 ** 48 - 1

/** A reusable 12-byte STREAM nonce; node:crypto copies it when a cipher is created. */
export class ChunkNonce {
  readonly bytes = Buffer.alloc(NONCE_SIZE)

  set(counter: number, last: boolean): Buffer {
    if (counter > MAX_COUNTER) throw new RangeError('age payload has too many chunks')
    this.bytes.writeUIntBE(counter, 5, 6)
    this.bytes[11] = last ? 1 : 0
    return this.bytes
  }
}

/** Encrypts one chunk; returns ciphertext and tag as separate buffers (no concatenation copy). */
export function sealChunk(key: KeyObject, nonce: Buffer, plaintext: Uint8Array): [Buffer, Buffer] {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE })
  const ciphertext = cipher.update(plaintext)
  cipher.final()
  return [ciphertext, cipher.getAuthTag()]
}

/** Decrypts one frame (ciphertext || tag); undefined if it does not authenticate. */
export function openChunk(key: KeyObject, nonce: Buffer, frame: Buffer): Buffer | undefined {
  const split = frame.length - TAG_SIZE
  const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE })
  decipher.setAuthTag(frame.subarray(split))
  const plaintext = decipher.update(frame.subarray(0, split))
  try {
    decipher.final()
  } catch {
    return undefined
  }
  return plaintext
}
