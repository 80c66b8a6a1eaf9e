import type { KeyObject } from 'node:crypto'
import { payloadAuth, trailingData, truncated } from './errors.js'
import type { Emit } from './payload-encrypt.js'
import { ChunkNonce, FRAME_SIZE, TAG_SIZE, openChunk } from './payload-chunks.js'

/**
 * STREAM decryption over arbitrarily sized input pieces. Holds back one frame (64 KiB + tag)
 * until more input or the end shows whether it is the final chunk. Emits only authenticated
 * plaintext; throws AgeError PAYLOAD_AUTH, TRUNCATED or TRAILING_DATA.
 */
export class PayloadDecrypter {
  private readonly nonce = new ChunkNonce()
  private counter = 0
  /** Where frames split across input pieces are assembled; reused, the cipher copies out. */
  private readonly held = Buffer.allocUnsafe(FRAME_SIZE)
  private heldLength = 0
  private finished = false

  constructor(private readonly key: KeyObject) {}

  update(data: Buffer, emit: Emit): void {
    if (this.finished) throw new Error('age decryption already finished')
    const length = data.length
    if (length === 0) return
    let offset = 0
    if (this.heldLength > 0) {
      offset = Math.min(FRAME_SIZE - this.heldLength, length)
      data.copy(this.held, this.heldLength, 0, offset)
      this.heldLength += offset
      if (offset === length) return
      // More input follows, so the held full frame must not be the final chunk.
      this.openMiddle(this.held, emit)
      this.heldLength = 0
    }
    // Frames wholly inside this piece are decrypted in place, without copying.
    while (length - offset > FRAME_SIZE) {
      this.openMiddle(data.subarray(offset, offset + FRAME_SIZE), emit)
      offset += FRAME_SIZE
    }
    this.heldLength = data.copy(this.held, 0, offset)
  }

  /** The input ended: the held frame must be a valid final chunk. */
  final(emit: Emit): void {
    if (this.finished) throw new Error('age decryption already finished')
    this.finished = true
    const length = this.heldLength
    const chunk = this.counter
    if (length === 0) throw truncated('right after the payload nonce, before its first chunk')
    if (length < TAG_SIZE) throw truncated(`inside chunk ${chunk}, before its authentication tag`)
    const frame = this.held.subarray(0, length)
    const plaintext = openChunk(this.key, this.nonce.set(chunk, true), frame)
    if (plaintext) {
      if (plaintext.length === 0 && chunk > 0) {
        throw payloadAuth(chunk, 'empty-final')
      }
      emit(plaintext)
      return
    }
    if (length === FRAME_SIZE) {
      const middle = openChunk(this.key, this.nonce.set(chunk, false), frame)
      if (middle) {
        // An authentic non-final chunk at the very end: chunks after it were cut off.
        emit(middle)
        throw truncated(`after chunk ${chunk}, at a chunk boundary, with no final chunk`)
      }
    }
    throw payloadAuth(chunk, 'last')
  }

  private openMiddle(frame: Buffer, emit: Emit): void {
    const chunk = this.counter
    const plaintext = openChunk(this.key, this.nonce.set(chunk, false), frame)
    if (plaintext) {
      this.counter++
      emit(plaintext)
      return
    }
    const last = openChunk(this.key, this.nonce.set(chunk, true), frame)
    if (last) {
      // A genuine final chunk with more bytes after it.
      emit(last)
      throw trailingData()
    }
    throw payloadAuth(chunk, 'middle')
  }
}
