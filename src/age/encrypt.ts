import { randomBytes } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'
import { encodeHeader, type Stanza } from './header.js'
import { FILE_KEY_SIZE, PAYLOAD_NONCE_SIZE, payloadKey } from './keys.js'
import { wrapScrypt } from './scrypt-recipient.js'
import { PayloadEncrypter } from './stream-encrypt.js'
import { FRAME_SIZE } from './stream.js'

/** Work factors accepted for new files: below 10 is too weak, above 20 too slow to open. */
export const MIN_ENCRYPT_WORK_FACTOR = 10
export const MAX_ENCRYPT_WORK_FACTOR = 20

/** Plaintext in, a complete age v1 file out: header, payload nonce, then STREAM chunks. */
export class AgeEncryptStream extends Transform {
  private readonly encrypter: PayloadEncrypter
  private readonly release = (piece: Buffer): void => {
    this.push(piece)
  }

  /** `stanzas` must already wrap `fileKey`; the header is MACed with it here. */
  constructor(fileKey: Uint8Array, stanzas: readonly Stanza[]) {
    // Room for a few chunks each way, so neither side stalls on every 64 KiB chunk.
    super({ writableHighWaterMark: 4 * FRAME_SIZE, readableHighWaterMark: 4 * FRAME_SIZE })
    const nonce = randomBytes(PAYLOAD_NONCE_SIZE)
    this.encrypter = new PayloadEncrypter(payloadKey(fileKey, nonce))
    this.push(Buffer.concat([encodeHeader(stanzas, fileKey), nonce]))
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.encrypter.update(chunk, this.release)
    } catch (err) {
      callback(err as Error)
      return
    }
    callback()
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.encrypter.final(this.release)
    } catch (err) {
      callback(err as Error)
      return
    }
    callback()
  }
}

/** Transform: plaintext in, a complete age v1 file out (one scrypt stanza, work factor = log2 N). */
export async function createEncryptStream(
  passphrase: Uint8Array,
  workFactor: number
): Promise<Transform> {
  if (
    !Number.isInteger(workFactor) ||
    workFactor < MIN_ENCRYPT_WORK_FACTOR ||
    workFactor > MAX_ENCRYPT_WORK_FACTOR
  ) {
    throw new RangeError(
      `scrypt work factor must be an integer from ${MIN_ENCRYPT_WORK_FACTOR} to ${MAX_ENCRYPT_WORK_FACTOR}, got ${workFactor}`
    )
  }
  const fileKey = randomBytes(FILE_KEY_SIZE)
  const stanza = await wrapScrypt(fileKey, passphrase, workFactor)
  return new AgeEncryptStream(fileKey, [stanza])
}
