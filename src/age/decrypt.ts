import type { Transform } from 'node:stream'
import type { KeyObject } from 'node:crypto'
import { AgeDecryptStream, type PayloadStage } from './decrypt-transform.js'
import type { DecryptionKey } from './key-source.js'
import { unwrapFileKey } from './recipients.js'
import { DEFAULT_MAX_WORK_FACTOR, MAX_SANE_WORK_FACTOR, unwrapScrypt } from './scrypt.js'

export interface DecryptOptions {
  /** Highest scrypt log2 N to accept; checked before scrypt runs. Default 20. */
  maxWorkFactor?: number
  /** Called with each input chunk once the stream is done with it (for buffer reuse). */
  releaseInput?: (chunk: Buffer) => void
  /** Where the payload goes once the header is authenticated (default: decrypted in this stream). */
  payloadStage?: (key: KeyObject) => PayloadStage
}

/**
 * Transform: age file bytes in, plaintext out. Parses the header from the stream itself. `key`
 * is a passphrase (bytes, or kind 'passphrase') or native identities (kind 'identities').
 */
export function createDecryptStream(
  key: Uint8Array | DecryptionKey,
  options: DecryptOptions = {}
): Transform {
  if (!(key instanceof Uint8Array) && key.kind === 'identities') {
    const identities = [...key.identities]
    return new AgeDecryptStream(
      (header) => unwrapFileKey(header.stanzas, identities),
      options.releaseInput,
      options.payloadStage
    )
  }
  const passphrase = key instanceof Uint8Array ? key : key.passphrase
  const maxWorkFactor = options.maxWorkFactor ?? DEFAULT_MAX_WORK_FACTOR
  if (
    !Number.isInteger(maxWorkFactor) ||
    maxWorkFactor < 1 ||
    maxWorkFactor > MAX_SANE_WORK_FACTOR
  ) {
    throw new RangeError(`maxWorkFactor must be an integer from 1 to ${MAX_SANE_WORK_FACTOR}`)
  }
  // Copied so a caller wiping its buffer after this call cannot race the deferred scrypt.
  const secret = Buffer.from(passphrase)
  return new AgeDecryptStream(
    (header) => unwrapScrypt(header.stanzas, secret, maxWorkFactor),
    options.releaseInput,
    options.payloadStage
  )
}
