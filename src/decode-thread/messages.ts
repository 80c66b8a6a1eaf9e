import type { KeyObject } from 'node:crypto'
import type { Compression } from '../format/compression.js'
import { AgeError, type AgeErrorCode } from '../age/errors.js'

/** What the decoding thread is started with. */
export interface DecodeWorkerData {
  compression: Compression
  /** Bytes of each plaintext message it sends back (the last may be shorter). */
  outSize: number
}

/** To the decoding thread, in this order: the key, the payload's pieces, then its end. */
export type ToDecoder =
  | { t: 'key'; key: KeyObject }
  | { t: 'in'; bytes: Uint8Array }
  | { t: 'end' }
  /** A plaintext buffer the reader is done with, back for the next output (transferred). */
  | { t: 'back'; buffer: ArrayBuffer }

/** From the decoding thread. */
export type FromDecoder =
  /** One `in` is taken: the next may be sent. */
  | { t: 'took' }
  /** Plaintext, in order; `buffer` is transferred, `length` bytes of it are the data. */
  | { t: 'out'; buffer: ArrayBuffer; length: number }
  | { t: 'done' }
  | { t: 'error'; error: SentError }

/** An error as it crosses threads: its class and code are kept, for the callers that branch on them. */
export interface SentError {
  message: string
  code?: string
  age?: boolean
}

export function sendError(error: unknown): SentError {
  const e = error instanceof Error ? error : new Error(String(error))
  const code = (e as NodeJS.ErrnoException).code
  return {
    message: e.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(e instanceof AgeError ? { age: true } : {})
  }
}

export function receivedError(sent: SentError): Error {
  if (sent.age) return new AgeError(sent.code as AgeErrorCode, sent.message)
  const error = new Error(sent.message)
  return sent.code === undefined ? error : Object.assign(error, { code: sent.code })
}
