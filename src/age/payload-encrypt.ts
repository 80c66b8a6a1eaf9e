import type { KeyObject } from 'node:crypto'
import { CHUNK_SIZE, ChunkNonce, sealChunk } from './payload-chunks.js'

export type Emit = (piece: Buffer) => void

/**
 * STREAM encryption over arbitrarily sized input pieces. Holds back up to one chunk, because a
 * chunk can only be sealed once we know whether it is the last one.
 */
export class PayloadEncrypter {
  private readonly nonce = new ChunkNonce()
  private counter = 0
  /** Plaintext not yet sealed; reused, since the cipher's output is always a fresh buffer. */
  private readonly held = Buffer.allocUnsafe(CHUNK_SIZE)
  private heldLength = 0
  private finished = false

  constructor(private readonly key: KeyObject) {}

  update(data: Uint8Array, emit: Emit): void {
    if (this.finished) throw new Error('age encryption already finished')
    const length = data.length
    if (length === 0) return
    let offset = 0
    if (this.heldLength > 0) {
      offset = Math.min(CHUNK_SIZE - this.heldLength, length)
      this.held.set(data.subarray(0, offset), this.heldLength)
      this.heldLength += offset
      if (offset === length) return
      // More input follows, so the held full chunk is not the last one.
      this.seal(this.held, false, emit)
      this.heldLength = 0
    }
    // Whole chunks straight from the caller's buffer, except the last: it may be the final chunk.
    while (length - offset > CHUNK_SIZE) {
      this.seal(data.subarray(offset, offset + CHUNK_SIZE), false, emit)
      offset += CHUNK_SIZE
    }
    // Copied rather than referenced: the caller may reuse its buffer once we return.
    this.held.set(data.subarray(offset), 0)
    this.heldLength = length - offset
  }

  /** Seals the final chunk (empty only if the whole payload is empty). */
  final(emit: Emit): void {
    if (this.finished) throw new Error('age encryption already finished')
    this.finished = true
    this.seal(this.held.subarray(0, this.heldLength), true, emit)
    this.heldLength = 0
  }

  private seal(plaintext: Uint8Array, last: boolean, emit: Emit): void {
    const [ciphertext, tag] = sealChunk(this.key, this.nonce.set(this.counter, last), plaintext)
    this.counter++
    emit(ciphertext)
    emit(tag)
  }
}
