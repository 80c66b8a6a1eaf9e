import { createHash } from 'node:crypto'
import type { Store } from './store-client.js'
import { lockHeaders } from './retention.js'
import { s3ErrorCode } from './store-error.js'

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
  await store.call('PutObject', (client) =>
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
  return lock.ObjectLockRetainUntilDate
}
