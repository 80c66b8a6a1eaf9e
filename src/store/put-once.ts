import { createHash } from 'node:crypto'
import type { Store } from './store-client.js'
import { lockHeaders } from './retention.js'
import { s3ErrorCode, StoreError } from './store-error.js'

/** The codes S3 (412) and some clones (409) answer a conditional write with when the key exists. */
const REFUSED = new Set(['PreconditionFailed', 'ConditionalRequestConflict'])

export function isWriteRefused(error: unknown): boolean {
  let cause: unknown = error
  while (cause) {
    if (REFUSED.has(s3ErrorCode(cause))) return true
    cause = (cause as { cause?: unknown }).cause
  }
  return false
}

/**
 * PutObject of a small object that must not exist yet (If-None-Match: *), with its SHA-256
 * checksum (an Object Lock bucket refuses a put without one) and the run's retention.
 * Returns the retain-until it set, if any; a refusal throws (isWriteRefused tells it apart).
 */
export async function putOnce(
  store: Store,
  name: string,
  body: Buffer,
  now: Date = new Date()
): Promise<Date | undefined> {
  const lock = lockHeaders(store.settings, now)
  const answer = await store.call('PutObject', (client) =>
    client.send(
      new store.s3.PutObjectCommand({
        Bucket: store.bucket,
        Key: store.key(name),
        Body: body,
        ContentLength: body.length,
        ContentType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
        IfNoneMatch: '*',
        ...lock
      })
    )
  )
  // every S3 answers a put with the object's ETag: a 200 without one came from something else
  if (!answer.ETag) throw notS3(store, 'PutObject')
  return lock.ObjectLockRetainUntilDate
}

export function notS3(store: Store, action: string): StoreError {
  return new StoreError(
    `store ${store.url()}: ${action} failed with NotS3: the endpoint did not answer as S3 does: check store-endpoint (the service URL, not a bucket website or console URL)`,
    'NotS3'
  )
}
