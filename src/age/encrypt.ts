import { randomBytes } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'
import { encodeHeader } from './header.js'
import { FILE_KEY_SIZE, PAYLOAD_NONCE_SIZE, payloadKey } from './keys.js'
import type { EncryptionKey } from './key-source.js'
import { wrapFileKey } from './recipients.js'
import { scryptStanzaShape, wrapScrypt } from './scrypt-recipient.js'
import { PayloadEncrypter } from './stream-encrypt.js'
import { FRAME_SIZE } from './stream.js'

/** Work factors accepted for new files: below 10 is too weak, above 20 too slow to open. */
export const MIN_ENCRYPT_WORK_FACTOR = 10
export const MAX_ENCRYPT_WORK_FACTOR = 20

/**
 * Plaintext in; the header (when given), the payload nonce, then STREAM chunks out. Without a
 * header the output is the file from the end of its header on, for a caller that writes the
 * header in front of it later (see encryptHeaderLast).
 */
export class AgeEncryptStream extends Transform {
  private readonly encrypter: PayloadEncrypter
  private readonly release = (piece: Buffer): void => {
    this.push(piece)
  }

  /** `header` must come from encodeHeader with this same `fileKey`. */
  constructor(fileKey: Uint8Array, header?: Uint8Array) {
    // Room for a few chunks each way, so neither side stalls on every 64 KiB chunk.
    super({ writableHighWaterMark: 4 * FRAME_SIZE, readableHighWaterMark: 4 * FRAME_SIZE })
    const nonce = randomBytes(PAYLOAD_NONCE_SIZE)
    this.encrypter = new PayloadEncrypter(payloadKey(fileKey, nonce))
    this.push(header ? Buffer.concat([header, nonce]) : Buffer.from(nonce))
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

/** A passphrase and work factor as callers passed them before recipients existed. */
function toKey(key: EncryptionKey | Uint8Array, workFactor: number | undefined): EncryptionKey {
  if (!(key instanceof Uint8Array)) return key
  if (workFactor === undefined) throw new RangeError('a passphrase needs an scrypt work factor')
  return { kind: 'passphrase', passphrase: key, workFactor }
}

/**
 * Transform: plaintext in, a complete age v1 file out: one scrypt stanza (work factor = log2 N)
 * for a passphrase, one native stanza per recipient otherwise.
 */
export async function createEncryptStream(key: EncryptionKey): Promise<Transform>
export async function createEncryptStream(
  passphrase: Uint8Array,
  workFactor: number
): Promise<Transform>
export async function createEncryptStream(
  keyOrPassphrase: EncryptionKey | Uint8Array,
  workFactor?: number
): Promise<Transform> {
  const key = toKey(keyOrPassphrase, workFactor)
  const fileKey = randomBytes(FILE_KEY_SIZE)
  if (key.kind === 'recipients') {
    return new AgeEncryptStream(
      fileKey,
      encodeHeader(wrapFileKey(fileKey, key.recipients), fileKey)
    )
  }
  checkWorkFactor(key.workFactor)
  const stanza = await wrapScrypt(fileKey, key.passphrase, key.workFactor)
  return new AgeEncryptStream(fileKey, encodeHeader([stanza], fileKey))
}

/** An age file whose payload streams while its header (scrypt's wrap) is still being made. */
export interface HeaderLastEncryption {
  /** Plaintext in; the file from byte `headerLength` on out (payload nonce, STREAM chunks). */
  readonly payload: Transform
  /** The header's length, fixed by the work factor (or recipients) before any wrap has run. */
  readonly headerLength: number
  /** The header, MAC line included: exactly `headerLength` bytes, once the wrap is done. */
  readonly header: Promise<Buffer>
}

/**
 * Like createEncryptStream, without waiting for scrypt: the payload is keyed from the random file
 * key, never from the passphrase, so only the header waits for the wrap. At the default work
 * factor scrypt takes over a second here, which the payload no longer spends idle. Recipient
 * stanzas are wrapped at once (they cost microseconds); the header is then ready from the start.
 */
export function encryptHeaderLast(key: EncryptionKey): HeaderLastEncryption
export function encryptHeaderLast(passphrase: Uint8Array, workFactor: number): HeaderLastEncryption
export function encryptHeaderLast(
  keyOrPassphrase: EncryptionKey | Uint8Array,
  workFactor?: number
): HeaderLastEncryption {
  const key = toKey(keyOrPassphrase, workFactor)
  const fileKey = randomBytes(FILE_KEY_SIZE)
  if (key.kind === 'recipients') {
    const header = encodeHeader(wrapFileKey(fileKey, key.recipients), fileKey)
    return {
      payload: new AgeEncryptStream(fileKey),
      headerLength: header.length,
      header: Promise.resolve(header)
    }
  }
  checkWorkFactor(key.workFactor)
  const headerLength = encodeHeader([scryptStanzaShape(key.workFactor)], fileKey).length
  // the passphrase is copied: the caller may wipe its buffer while scrypt still runs; a header
  // of another length than reserved is refused by the writer that fills the gap (HeaderLastFile)
  const header = wrapScrypt(fileKey, Buffer.from(key.passphrase), key.workFactor).then((stanza) =>
    encodeHeader([stanza], fileKey)
  )
  return { payload: new AgeEncryptStream(fileKey), headerLength, header }
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
