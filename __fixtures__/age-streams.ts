import { createHash } from 'node:crypto'
import { Readable, Writable, type Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AgeDecryptStream } from '../src/age/decrypt-transform.js'
import { HeaderParser, type Header } from '../src/age/header.js'

export interface RunResult {
  /** Everything the transform released, even if it failed afterwards. */
  output: Buffer
  error?: unknown
}

/** Splits `bytes` into pieces of `size` (the last may be shorter); none for empty input. */
export function pieces(bytes: Uint8Array, size: number): Buffer[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out: Buffer[] = []
  for (let offset = 0; offset < buf.length; offset += size) {
    out.push(buf.subarray(offset, offset + size))
  }
  return out
}

/** Feeds `input` through `transform` in pieces of `pieceSize`, via stream.pipeline. */
export async function runThrough(
  transform: Transform,
  input: Uint8Array,
  pieceSize = Math.max(1, input.length)
): Promise<RunResult> {
  const output: Buffer[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      output.push(chunk)
      callback()
    }
  })
  try {
    await pipeline(Readable.from(pieces(input, pieceSize)), transform, sink)
    return { output: Buffer.concat(output) }
  } catch (error) {
    return { output: Buffer.concat(output), error }
  }
}

/** Like runThrough, but rethrows the error. */
export async function through(
  transform: Transform,
  input: Uint8Array,
  pieceSize?: number
): Promise<Buffer> {
  const result = await runThrough(transform, input, pieceSize)
  if (result.error !== undefined) throw result.error
  return result.output
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** Parses a complete header at the start of `bytes` (e.g. a whole file in memory). */
export function parseHeader(bytes: Uint8Array): Header {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const parser = new HeaderParser()
  const header = parser.parse(buf)
  if (!header) throw parser.end(buf)
  return header
}

/**
 * Decrypts a file whose file key is already known (the CCTV vectors give it): parses the
 * header, checks its MAC with `fileKey`, decrypts the payload, as the engine does after unwrap.
 */
export function createFileKeyDecryptStream(fileKey: Uint8Array): Transform {
  const key = Buffer.from(fileKey)
  return new AgeDecryptStream(() => key)
}
