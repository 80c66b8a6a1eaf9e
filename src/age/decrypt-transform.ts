import { timingSafeEqual } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'
import { badHeader, headerMacMismatch, truncated } from './errors.js'
import { HeaderParser, type Header } from './header.js'
import { FILE_KEY_SIZE, PAYLOAD_NONCE_SIZE, headerMac, payloadKey } from './keys.js'
import { PayloadDecrypter } from './payload-decrypt.js'
import type { Emit } from './payload-encrypt.js'
import { FRAME_SIZE } from './payload-chunks.js'
import type { KeyObject } from 'node:crypto'

/**
 * What takes the payload once the header is authenticated: by default a PayloadDecrypter here,
 * emitting plaintext from this stream; or a stage of the caller's (the restore's decoding
 * thread), which may take its time (a promise) and emit elsewhere. Either keeps no reference to
 * `data` once it has returned or settled.
 */
export interface PayloadStage {
  update(data: Buffer, emit: Emit): void | Promise<void>
  final(emit: Emit): void | Promise<void>
}

/** Turns a parsed header into its file key (e.g. scrypt unwrap), or throws AgeError. */
export type FileKeySource = (header: Header) => Promise<Uint8Array> | Uint8Array

const EMPTY = Buffer.alloc(0)

/**
 * age file bytes in, plaintext out: parses the header from the stream, gets the file key from
 * `fileKeySource`, checks the header MAC, then decrypts the STREAM payload. Nothing is emitted
 * before the header MAC has been verified.
 */
export class AgeDecryptStream extends Transform {
  private readonly parser = new HeaderParser()
  /** Header bytes so far, grown by doubling so byte-at-a-time input stays linear. */
  private headerBuffer: Buffer = EMPTY
  private headerLength = 0
  /** Bytes that followed the header in its last piece, kept while the file key is unwrapped. */
  private afterHeader: Buffer = EMPTY
  private readonly nonce = Buffer.alloc(PAYLOAD_NONCE_SIZE)
  private nonceLength = 0
  private fileKey: Uint8Array | undefined
  private payload: PayloadStage | undefined
  private readonly pushPlaintext = (plaintext: Buffer): void => {
    this.push(plaintext)
  }

  /**
   * `releaseInput` is called with each input chunk once it has been taken in: this stream keeps
   * copies of what it holds back, never the chunk, so its producer may reuse the memory.
   * `payloadStage` makes the stage the payload goes to (default: decrypted here).
   */
  constructor(
    private readonly fileKeySource: FileKeySource,
    private readonly releaseInput?: (chunk: Buffer) => void,
    private readonly payloadStage: (key: KeyObject) => PayloadStage = (key) =>
      new PayloadDecrypter(key)
  ) {
    // Room for a few frames each way, so neither side stalls on every 64 KiB chunk.
    super({ writableHighWaterMark: 4 * FRAME_SIZE, readableHighWaterMark: 4 * FRAME_SIZE })
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    // the chunk goes back to its producer once every stage that reads it is done with it
    const done: TransformCallback = (error) => {
      this.releaseInput?.(chunk)
      callback(error)
    }
    let pending: void | Promise<void> = undefined
    try {
      if (this.payload) {
        pending = this.payload.update(chunk, this.pushPlaintext)
      } else if (this.fileKey) {
        pending = this.takeNonce(chunk)
      } else {
        const header = this.takeHeader(chunk)
        if (header) {
          this.unlock(header, done)
          return
        }
      }
    } catch (err) {
      done(err as Error)
      return
    }
    settle(pending, done)
  }

  override _flush(callback: TransformCallback): void {
    let pending: void | Promise<void> = undefined
    try {
      if (this.payload) {
        pending = this.payload.final(this.pushPlaintext)
      } else if (this.fileKey) {
        throw this.nonceLength === 0
          ? truncated('right after the age header, before the payload nonce')
          : truncated('inside the payload nonce')
      } else {
        throw this.parser.end(this.headerBuffer.subarray(0, this.headerLength))
      }
    } catch (err) {
      callback(err as Error)
      return
    }
    settle(pending, callback)
  }

  /** Adds `chunk` to the header bytes; returns the header once complete. */
  private takeHeader(chunk: Buffer): Header | undefined {
    let bytes: Buffer
    if (this.headerLength === 0) {
      // Usually the whole header is in the first piece: parse it where it lies.
      bytes = chunk
    } else {
      const needed = this.headerLength + chunk.length
      if (needed > this.headerBuffer.length) {
        const grown = Buffer.allocUnsafe(Math.max(needed, 2 * this.headerBuffer.length))
        this.headerBuffer.copy(grown, 0, 0, this.headerLength)
        this.headerBuffer = grown
      }
      chunk.copy(this.headerBuffer, this.headerLength)
      this.headerLength = needed
      bytes = this.headerBuffer.subarray(0, needed)
    }
    const header = this.parser.parse(bytes)
    if (header) {
      // Held until unlock() finishes (scrypt may take a while): a copy, so the chunk is free.
      this.afterHeader = Buffer.from(bytes.subarray(header.length))
    } else if (this.headerLength === 0) {
      this.headerBuffer = Buffer.from(chunk)
      this.headerLength = chunk.length
    }
    return header
  }

  /** Gets the file key (maybe slow: scrypt), checks the header MAC, then goes on to the payload. */
  private unlock(header: Header, callback: TransformCallback): void {
    Promise.resolve()
      .then(() => this.fileKeySource(header))
      .then(
        (fileKey) => {
          if (this.destroyed) return
          let pending: void | Promise<void>
          try {
            if (fileKey.length !== FILE_KEY_SIZE) throw badHeader('the file key is not 16 bytes')
            const expected = headerMac(fileKey, header.macInput)
            if (!timingSafeEqual(expected, header.mac)) throw headerMacMismatch()
            this.fileKey = fileKey
            this.headerBuffer = EMPTY
            const rest = this.afterHeader
            this.afterHeader = EMPTY
            pending = this.takeNonce(rest)
          } catch (err) {
            callback(err as Error)
            return
          }
          settle(pending, callback)
        },
        (err: unknown) => {
          if (!this.destroyed) callback(err instanceof Error ? err : new Error(String(err)))
        }
      )
  }

  /** Collects the payload nonce, then hands everything after it to the STREAM decrypter. */
  private takeNonce(chunk: Buffer): void | Promise<void> {
    const taken = chunk.copy(this.nonce, this.nonceLength)
    this.nonceLength += taken
    if (this.nonceLength < PAYLOAD_NONCE_SIZE) return
    this.payload = this.payloadStage(payloadKey(this.fileKey as Uint8Array, this.nonce))
    return this.payload.update(chunk.subarray(taken), this.pushPlaintext)
  }
}

/** Calls back once `pending` (a stage's promise, or nothing) has settled; synchronously if nothing. */
function settle(pending: void | Promise<void>, callback: TransformCallback): void {
  if (pending === undefined) callback()
  else pending.then(() => callback(), callback)
}
