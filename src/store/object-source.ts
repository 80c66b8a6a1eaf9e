import type { Readable } from 'node:stream'
import { NoGoError } from '../outcome/step-result.js'
import type { CiphertextSource } from '../restore/ciphertext-source.js'
import type { Store } from './store-client.js'

/**
 * A stored snapshot as a ciphertext source: one streaming GET, its Content-Length held to the
 * manifest's size before a byte is used, and a stream that ends early named as truncated. The
 * one response is read to its end (the SHA-256 is the caller's), so the bytes checked are the
 * bytes decrypted; write-once keeps the key from naming another object meanwhile.
 */
export async function openStoredObject(
  store: Store,
  name: string,
  expectedSize: number
): Promise<CiphertextSource> {
  const url = store.url(name)
  const answer = await store.call('GetObject', (client) =>
    client.send(new store.s3.GetObjectCommand({ Bucket: store.bucket, Key: store.key(name) }))
  )
  const body = answer.Body as Readable | undefined
  if (!body) throw new NoGoError(`snapshot ${url}: the store sent no body; check store-endpoint`)
  if (answer.ContentLength !== expectedSize) {
    body.destroy()
    const size = answer.ContentLength ?? 0
    throw new NoGoError(
      `snapshot ${url} is ${size} bytes but the manifest says ${expectedSize}: it is ${size < expectedSize ? 'truncated' : 'longer than written (trailing data)'} or not the object the manifest describes`
    )
  }
  return new StreamSource(url, body, expectedSize)
}

class StreamSource implements CiphertextSource {
  readonly #iterator: AsyncIterator<Buffer>
  /** Bytes taken from the stream but not yet read (what head peeked at, or a read's remainder). */
  #pending: Buffer[] = []
  #pendingBytes = 0
  #ended = false
  #delivered = 0

  constructor(
    readonly name: string,
    private readonly body: Readable,
    private readonly expectedSize: number
  ) {
    this.#iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  }

  async head(length: number): Promise<Buffer> {
    while (this.#pendingBytes < length && (await this.#pull()));
    return Buffer.concat(this.#pending).subarray(0, length)
  }

  async read(buffer: Buffer): Promise<number> {
    if (this.#pendingBytes === 0 && !(await this.#pull())) {
      if (this.#delivered !== this.expectedSize)
        throw new NoGoError(
          `snapshot ${this.name} was cut short: the store sent ${this.#delivered} of ${this.expectedSize} bytes; rerun, and check the network and the store`
        )
      return 0
    }
    let filled = 0
    while (filled < buffer.length && this.#pending.length > 0) {
      const chunk = this.#pending[0]!
      const n = chunk.copy(buffer, filled)
      filled += n
      if (n === chunk.length) this.#pending.shift()
      else this.#pending[0] = chunk.subarray(n)
    }
    this.#pendingBytes -= filled
    this.#delivered += filled
    return filled
  }

  async assertUnchanged(): Promise<void> {
    if (this.#delivered !== this.expectedSize)
      throw new NoGoError(
        `snapshot ${this.name}: ${this.#delivered} of ${this.expectedSize} bytes were read; rerun`
      )
  }

  async close(): Promise<void> {
    this.body.destroy()
  }

  async #pull(): Promise<boolean> {
    if (this.#ended) return false
    let next: IteratorResult<Buffer>
    try {
      next = await this.#iterator.next()
    } catch (error) {
      throw new NoGoError(
        `snapshot ${this.name} was cut short after ${this.#delivered + this.#pendingBytes} of ${this.expectedSize} bytes (${(error as Error).message}); rerun, and check the network and the store`
      )
    }
    if (next.done) {
      this.#ended = true
      return false
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value)
    if (this.#delivered + this.#pendingBytes + chunk.length > this.expectedSize)
      throw new NoGoError(
        `snapshot ${this.name}: the store sent more than the ${this.expectedSize} bytes it announced; check store-endpoint`
      )
    this.#pending.push(chunk)
    this.#pendingBytes += chunk.length
    return true
  }
}
