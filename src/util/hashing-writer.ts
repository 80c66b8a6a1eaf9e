import { createHash } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'

/** Pass-through that hashes and counts the bytes on their way to the file: no second read. */
export class HashingPassThrough extends Transform {
  private readonly hash = createHash('sha256')
  size = 0

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk)
    this.size += chunk.length
    done(null, chunk)
  }

  digestHex(): string {
    return this.hash.digest('hex')
  }
}
