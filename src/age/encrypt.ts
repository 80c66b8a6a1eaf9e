import { randomBytes } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'
import { encodeHeader } from './header.js'
import { FILE_KEY_SIZE, PAYLOAD_NONCE_SIZE, payloadKey } from './keys.js'
import type { EncryptionKey } from './key-source.js'
import { wrapFileKey } from './recipients.js'
import { wrapScrypt } from './scrypt.js'
import { PayloadEncrypter } from './payload-encrypt.js'
import { FRAME_SIZE } from './payload-chunks.js'

/** Work factors accepted for new files: below 10 is too weak, above 20 too slow to open. */
export const MIN_ENCRYPT_WORK_FACTOR = 10
export const MAX_ENCRYPT_WORK_FACTOR = 20

/**
 * While the header is still being made (scrypt's wrap), up to this much ciphertext is held here
 * so compression and encryption keep going; past it the stream waits for the header.
 */
export const HEADER_WAIT_BUFFER = 16 * 1024 * 1024

/**
 * Plaintext in; the header, the payload nonce, then STREAM chunks out, in file order. The payload
 * is keyed from the file key, never from the passphrase, so it is encrypted while a header still
 * being made (a promise) is awaited; its chunks are held (up to HEADER_WAIT_BUFFER) and follow it.
 */
export class AgeEncryptStream extends Transform {
  readonly #encrypter: PayloadEncrypter
  /** Ciphertext made before the header was out; undefined once it is. */
  #held: Buffer[] | undefined = []
  #heldBytes = 0
  readonly #headerOut: Promise<void>
  readonly #emit = (piece: Buffer): void => {
    if (!this.#held) {
      this.push(piece)
      return
    }
    this.#held.push(piece)
    this.#heldBytes += piece.length
  }

  /** `header` must come from encodeHeader with this same `fileKey`. */
  constructor(fileKey: Uint8Array, header: Uint8Array | Promise<Uint8Array>) {
    // Room for a few chunks each way, so neither side stalls on every 64 KiB chunk.
    super({ writableHighWaterMark: 4 * FRAME_SIZE, readableHighWaterMark: 4 * FRAME_SIZE })
    const nonce = randomBytes(PAYLOAD_NONCE_SIZE)
    this.#encrypter = new PayloadEncrypter(payloadKey(fileKey, nonce))
    this.#headerOut = Promise.resolve(header).then((bytes) => {
      if (this.destroyed) return
      this.push(Buffer.concat([bytes, nonce]))
      for (const piece of this.#held ?? []) this.push(piece)
      this.#held = undefined
    })
    // a header that fails fails the stream at once, not only at its next write
    this.#headerOut.catch((error: unknown) =>
      this.destroy(error instanceof Error ? error : new Error(String(error)))
    )
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#encrypter.update(chunk, this.#emit)
    } catch (err) {
      callback(err as Error)
      return
    }
    if (this.#held && this.#heldBytes >= HEADER_WAIT_BUFFER) this.#afterHeader(callback)
    else callback()
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.#encrypter.final(this.#emit)
    } catch (err) {
      callback(err as Error)
      return
    }
    this.#afterHeader(callback)
  }

  #afterHeader(callback: TransformCallback): void {
    this.#headerOut.then(
      () => callback(),
      (error: unknown) => callback(error as Error)
    )
  }
}

/**
 * Transform: plaintext in, a complete age v1 file out: one scrypt stanza (work factor = log2 N)
 * for a passphrase, one native stanza per recipient otherwise. Returned at once: scrypt runs on
 * the threadpool while the payload streams (see AgeEncryptStream); a failing wrap fails the
 * stream.
 */
export function encryptStream(key: EncryptionKey): AgeEncryptStream {
  const fileKey = randomBytes(FILE_KEY_SIZE)
  if (key.kind === 'recipients') {
    return new AgeEncryptStream(
      fileKey,
      encodeHeader(wrapFileKey(fileKey, key.recipients), fileKey)
    )
  }
  checkWorkFactor(key.workFactor)
  // the passphrase is copied: the caller may wipe its buffer while scrypt still runs
  const header = wrapScrypt(fileKey, Buffer.from(key.passphrase), key.workFactor).then((stanza) =>
    encodeHeader([stanza], fileKey)
  )
  return new AgeEncryptStream(fileKey, header)
}

function checkWorkFactor(workFactor: number): void {
  if (
    !Number.isInteger(workFactor) ||
    workFactor < MIN_ENCRYPT_WORK_FACTOR ||
    workFactor > MAX_ENCRYPT_WORK_FACTOR
  ) {
    throw new RangeError(
      `scrypt work factor must be an integer from ${MIN_ENCRYPT_WORK_FACTOR} to ${MAX_ENCRYPT_WORK_FACTOR}, got ${workFactor}`
    )
  }
}
