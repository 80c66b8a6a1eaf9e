import type { Transform } from 'node:stream'
import { AgeDecryptStream } from './decrypt-stream.js'
import { DEFAULT_MAX_WORK_FACTOR, MAX_SANE_WORK_FACTOR, unwrapScrypt } from './scrypt-recipient.js'

export interface DecryptOptions {
  /** Highest scrypt log2 N to accept; checked before scrypt runs. Default 20. */
  maxWorkFactor?: number
  /** Called with each input chunk once the stream is done with it (for buffer reuse). */
  releaseInput?: (chunk: Buffer) => void
}

/** Transform: age file bytes in, plaintext out. Parses the header from the stream itself. */
export function createDecryptStream(
  passphrase: Uint8Array,
  options: DecryptOptions = {}
): Transform {
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
    options.releaseInput
  )
}

/**
 * Transform for a file whose file key is already known (any recipient type): parses the header,
 * checks its MAC with `fileKey`, decrypts the payload. For tests and delegated decryption.
 */
export function createFileKeyDecryptStream(fileKey: Uint8Array): Transform {
  const key = Buffer.from(fileKey)
  return new AgeDecryptStream(() => key)
}
