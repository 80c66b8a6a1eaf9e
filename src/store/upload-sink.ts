import { createHash } from 'node:crypto'
import { Writable } from 'node:stream'
import type { CompletedPart } from '@aws-sdk/client-s3'
import { MAX_PARTS, partSize } from './part-size.js'
import { lockHeaders, type LockHeaders } from './retention.js'
import type { Store } from './store-client.js'
import { StoreError } from './store-error.js'

export interface UploadSinkOptions {
  /** Just before CreateMultipartUpload: a record made now survives a kill before the answer. */
  onCreating?: () => void
  /** Parts uploading at once; memory is about (partsInFlight + 1) × the part size. */
  partsInFlight?: number
  /** The upload id, as soon as S3 gives it (the caller records it for a later run's cleanup). */
  onStarted?: (uploadId: string) => void
  /** The upload is over (completed or aborted): its record can go. */
  onSettled?: (uploadId: string) => void
  now?: () => Date
}

/**
 * A Writable the snapshot streams into: a multipart upload of one new object, with no local copy.
 * Bytes fill a part buffer; a full part uploads (SHA-256 checksum) while the next fills, at most
 * `partsInFlight` at a time (backpressure holds the writer); part sizes grow (part-size.ts) so an
 * upload of unknown length fits 10,000 parts. On finish: CompleteMultipartUpload with
 * If-None-Match: * (an existing object is never replaced), then the object's size and composite
 * checksum are checked. On any failure or destroy the upload is aborted: no object appears.
 * `size`, `digestHex()` and `retainUntil` describe the object once the stream has finished.
 */
export class UploadSink extends Writable {
  readonly #store: Store
  readonly #key: string
  readonly #maxInFlight: number
  readonly #options: UploadSinkOptions
  readonly #hash = createHash('sha256')
  #uploadId: string | undefined
  #lock: LockHeaders = {}
  #part: Buffer | undefined
  #filled = 0
  #nextPart = 1
  #size = 0
  readonly #parts: CompletedPart[] = []
  /** Buffers of finished parts, reused while the part size stays the same. */
  readonly #free: Buffer[] = []
  readonly #inFlight = new Set<Promise<void>>()
  #failure: unknown
  #completed = false
  #digest: string | undefined

  constructor(store: Store, name: string, options: UploadSinkOptions = {}) {
    super({ highWaterMark: 1024 * 1024 })
    this.#store = store
    this.#key = store.key(name)
    this.#maxInFlight = Math.max(1, options.partsInFlight ?? 4)
    this.#options = options
  }

  get size(): number {
    return this.#size
  }

  get key(): string {
    return this.#key
  }

  /** Object Lock retain-until of the object, when store-retention-days set one. */
  get retainUntil(): Date | undefined {
    return this.#lock.ObjectLockRetainUntilDate
  }

  /** Resolves once the stream is closed: after a failure, once the upload is aborted. */
  async settled(): Promise<void> {
    if (this.closed) return
    await new Promise<void>((resolve) => this.once('close', () => resolve()))
  }

  digestHex(): string {
    if (this.#digest === undefined) throw new Error(`${this.#store.url()} upload is not finished`)
    return this.#digest
  }

  override _construct(callback: (error?: Error | null) => void): void {
    this.#start().then(() => callback(), callback)
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (e?: Error) => void): void {
    this.#append(chunk).then(() => callback(), callback)
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#finish().then(() => callback(), callback)
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.#completed || this.#uploadId === undefined) {
      callback(error)
      return
    }
    this.#abort().then(
      () => callback(error),
      (abortError: unknown) => callback(error ?? (abortError as Error))
    )
  }

  async #start(): Promise<void> {
    const { s3 } = this.#store
    this.#lock = lockHeaders(this.#store.settings, (this.#options.now ?? (() => new Date()))())
    this.#options.onCreating?.()
    const created = await this.#store.call('CreateMultipartUpload', (client) =>
      client.send(
        new s3.CreateMultipartUploadCommand({
          Bucket: this.#store.bucket,
          Key: this.#key,
          ContentType: 'application/octet-stream',
          ChecksumAlgorithm: 'SHA256',
          ...this.#lock
        })
      )
    )
    if (!created.UploadId)
      throw new StoreError(
        `store ${this.#store.url()}: CreateMultipartUpload gave no upload id: the endpoint is not S3-compatible; check store-endpoint`,
        'NotS3'
      )
    this.#uploadId = created.UploadId
    this.#options.onStarted?.(created.UploadId)
  }

  async #append(chunk: Buffer): Promise<void> {
    this.#hash.update(chunk)
    this.#size += chunk.length
    let offset = 0
    while (offset < chunk.length) {
      this.#part ??= this.#takeBuffer(partSize(this.#nextPart))
      const copied = chunk.copy(this.#part, this.#filled, offset)
      this.#filled += copied
      offset += copied
      if (this.#filled === this.#part.length) await this.#ship()
    }
  }

  #takeBuffer(size: number): Buffer {
    while (this.#free.length > 0) {
      const buffer = this.#free.pop()!
      if (buffer.length === size) return buffer
    }
    return Buffer.allocUnsafe(size)
  }

  /** Starts the current part's upload; waits while too many are in flight. */
  async #ship(): Promise<void> {
    const number = this.#nextPart
    if (number > MAX_PARTS)
      throw new StoreError(
        `store ${this.#store.url()}: the snapshot needs more than ${MAX_PARTS} parts (over 1.2 TiB): split the includes over several runs`,
        'EntityTooLarge'
      )
    const buffer = this.#part!
    const body = buffer.subarray(0, this.#filled)
    this.#part = undefined
    this.#filled = 0
    this.#nextPart++
    const upload = this.#uploadPart(number, body).then(
      () => {
        this.#free.push(buffer)
      },
      (error: unknown) => {
        this.#failure ??= error
      }
    )
    this.#inFlight.add(upload)
    void upload.finally(() => this.#inFlight.delete(upload))
    while (this.#inFlight.size >= this.#maxInFlight) await Promise.race(this.#inFlight)
    if (this.#failure) throw this.#failure
  }

  async #uploadPart(number: number, body: Buffer): Promise<void> {
    const { s3 } = this.#store
    const checksum = createHash('sha256').update(body).digest('base64')
    const answer = await this.#store.call('UploadPart', (client) =>
      client.send(
        new s3.UploadPartCommand({
          Bucket: this.#store.bucket,
          Key: this.#key,
          UploadId: this.#uploadId,
          PartNumber: number,
          Body: body,
          ContentLength: body.length,
          ChecksumAlgorithm: 'SHA256',
          ChecksumSHA256: checksum
        })
      )
    )
    if (!answer.ETag)
      throw new StoreError(
        `store ${this.#store.url()}: UploadPart ${number} gave no ETag: the endpoint is not S3-compatible; check store-endpoint`,
        'NotS3'
      )
    this.#parts.push({ PartNumber: number, ETag: answer.ETag, ChecksumSHA256: checksum })
  }

  async #finish(): Promise<void> {
    // the last part, which may be short (or empty, when it is the only one)
    if (this.#filled > 0 || this.#nextPart === 1) {
      this.#part ??= Buffer.alloc(0)
      await this.#ship()
    }
    await Promise.all(this.#inFlight)
    if (this.#failure) throw this.#failure
    const { s3 } = this.#store
    const parts = [...this.#parts].sort((a, b) => a.PartNumber! - b.PartNumber!)
    await this.#store.call('CompleteMultipartUpload', (client) =>
      client.send(
        new s3.CompleteMultipartUploadCommand({
          Bucket: this.#store.bucket,
          Key: this.#key,
          UploadId: this.#uploadId,
          MultipartUpload: { Parts: parts },
          // write once: an object already at this key is never replaced
          IfNoneMatch: '*'
        })
      )
    )
    this.#completed = true
    this.#options.onSettled?.(this.#uploadId!)
    this.#digest = this.#hash.digest('hex')
    this.#part = undefined
    this.#free.length = 0
    await this.#checkStored(parts)
  }

  /** The object as stored: its size, and its composite checksum when the store keeps one. */
  async #checkStored(parts: CompletedPart[]): Promise<void> {
    const { s3 } = this.#store
    const head = await this.#store.call('HeadObject', (client) =>
      client.send(
        new s3.HeadObjectCommand({
          Bucket: this.#store.bucket,
          Key: this.#key,
          ChecksumMode: 'ENABLED'
        })
      )
    )
    if (head.ContentLength !== this.#size) {
      throw new StoreError(
        `store ${this.#store.url()}: the stored object is ${head.ContentLength} bytes but ${this.#size} were sent: the store lost data; check the store and rerun`,
        'BadDigest'
      )
    }
    if (this.#lock.ObjectLockRetainUntilDate && !head.ObjectLockRetainUntilDate)
      await this.#applyRetention()
    const expected = compositeChecksum(parts)
    const stored = head.ChecksumSHA256
    if (stored && stored !== expected && stored.split('-')[0] !== expected.split('-')[0]) {
      // bytes unlike those sent: the object must not stay to be mistaken for the snapshot
      await this.#discard(head.VersionId).catch(() => undefined)
      throw new StoreError(
        `store ${this.#store.url()}: the stored object's SHA-256 checksum ${stored} is not the ${expected} of the parts sent: check proxies between the runner and the store, and rerun`,
        'BadDigest'
      )
    }
  }

  /**
   * Some stores (moto among them) drop the lock headers of CreateMultipartUpload: the retention is
   * then put on the object just completed, and read back, so the report never claims a lock that
   * the store does not hold.
   */
  async #applyRetention(): Promise<void> {
    const { s3 } = this.#store
    const { ObjectLockMode: Mode, ObjectLockRetainUntilDate: RetainUntilDate } = this.#lock
    await this.#store.call('PutObjectRetention', (client) =>
      client.send(
        new s3.PutObjectRetentionCommand({
          Bucket: this.#store.bucket,
          Key: this.#key,
          Retention: { Mode, RetainUntilDate },
          ChecksumAlgorithm: 'SHA256'
        })
      )
    )
    const head = await this.#store.call('HeadObject', (client) =>
      client.send(new s3.HeadObjectCommand({ Bucket: this.#store.bucket, Key: this.#key }))
    )
    if (head.ObjectLockRetainUntilDate?.getTime() !== RetainUntilDate?.getTime())
      throw new StoreError(
        `store ${this.#store.url()}: the object holds no Object Lock retention after PutObjectRetention: enable Object Lock on the bucket, or set store-retention-days: 0`,
        'InvalidBucketObjectLockConfiguration'
      )
  }

  /** Deletes the object just completed (a version under Object Lock stays, as an orphan). */
  async #discard(versionId: string | undefined): Promise<void> {
    const { s3 } = this.#store
    await this.#store.call('DeleteObject', (client) =>
      client.send(
        new s3.DeleteObjectCommand({
          Bucket: this.#store.bucket,
          Key: this.#key,
          ...(versionId ? { VersionId: versionId } : {})
        })
      )
    )
  }

  async #abort(): Promise<void> {
    await Promise.all(this.#inFlight)
    const { s3 } = this.#store
    await this.#store.call('AbortMultipartUpload', (client) =>
      client.send(
        new s3.AbortMultipartUploadCommand({
          Bucket: this.#store.bucket,
          Key: this.#key,
          UploadId: this.#uploadId
        })
      )
    )
    this.#options.onSettled?.(this.#uploadId!)
  }
}

/** S3's composite checksum of a multipart object: SHA-256 of the parts' digests, then `-N`. */
export function compositeChecksum(parts: CompletedPart[]): string {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(Buffer.from(part.ChecksumSHA256!, 'base64'))
  return `${hash.digest('base64')}-${parts.length}`
}
