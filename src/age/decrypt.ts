import type { Transform } from 'node:stream'
import { AgeDecryptStream } from './decrypt-transform.js'
import { HeaderParser, type Header } from './header.js'
import type { DecryptionKey } from './key-source.js'
import { unwrapFileKey } from './recipients.js'
import {
  DEFAULT_MAX_WORK_FACTOR,
  MAX_SANE_WORK_FACTOR,
  scryptParams,
  unwrapScrypt
} from './scrypt.js'

export interface DecryptOptions {
  /** Highest scrypt log2 N to accept; checked before scrypt runs. Default 20. */
  maxWorkFactor?: number
  /** Called with each input chunk once the stream is done with it (for buffer reuse). */
  releaseInput?: (chunk: Buffer) => void
  /** A key unwrap started earlier by unwrapAhead, with the same passphrase. */
  ahead?: UnwrapAhead
}

/** scrypt already running on a header read ahead of the stream. */
export interface UnwrapAhead {
  readonly macInput: Buffer
  readonly mac: Buffer
  readonly fileKey: Promise<Buffer>
}

/**
 * Starts unwrapping the file key from the header at the start of `head` (the file's first bytes)
 * now, so scrypt runs while the caller does other work, such as hashing the whole file. A stream
 * given the result uses it only for a header identical to this one, byte for byte; anything else
 * is unwrapped afresh. Undefined, with nothing started, when `head` holds no complete, valid
 * scrypt header (the stream then finds and reports the problem in its turn), or when its work
 * factor is not `expectedWorkFactor`: a file that may yet fail its checks must not get scrypt at
 * a cost its manifest does not vouch for.
 */
export function unwrapAhead(
  head: Buffer,
  key: Uint8Array | DecryptionKey,
  expectedWorkFactor: number,
  maxWorkFactor: number = DEFAULT_MAX_WORK_FACTOR
): UnwrapAhead | undefined {
  // identities unwrap in microseconds: nothing to gain by starting early
  if (!(key instanceof Uint8Array) && key.kind === 'identities') return undefined
  const passphrase = key instanceof Uint8Array ? key : key.passphrase
  let header: Header | undefined
  try {
    header = new HeaderParser().parse(head)
    if (!header || scryptParams(header.stanzas, maxWorkFactor).logN !== expectedWorkFactor) {
      return undefined
    }
  } catch {
    return undefined
  }
  const fileKey = unwrapScrypt(header.stanzas, Buffer.from(passphrase), maxWorkFactor)
  // a failure is reported by the stream that uses it; unused, it must not be an unhandled one
  fileKey.catch(() => undefined)
  return { macInput: Buffer.from(header.macInput), mac: Buffer.from(header.mac), fileKey }
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
      options.releaseInput
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
  const ahead = options.ahead
  return new AgeDecryptStream(
    (header) =>
      ahead && header.macInput.equals(ahead.macInput) && header.mac.equals(ahead.mac)
        ? ahead.fileKey
        : unwrapScrypt(header.stanzas, secret, maxWorkFactor),
    options.releaseInput
  )
}
