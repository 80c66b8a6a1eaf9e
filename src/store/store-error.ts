import { NoGoError } from '../outcome/step-result.js'
import { storeUrl, type StoreLocation } from '../config/store-url.js'

/** An S3 call that failed, told in one line: the store, the action, the S3 code and the fix. */
export class StoreError extends NoGoError {
  constructor(
    message: string,
    readonly code: string
  ) {
    super(message)
    this.name = 'StoreError'
  }
}

interface SdkErrorShape {
  name?: string
  Code?: string
  code?: string
  message?: string
  $fault?: string
  $metadata?: { httpStatusCode?: number; attempts?: number }
}

/** The S3 error code of an SDK error, or a network code, or `Unknown`. */
export function s3ErrorCode(error: unknown): string {
  if (error instanceof StoreError) return error.code
  const e = (error ?? {}) as SdkErrorShape
  return e.Code ?? (e.name && e.name !== 'Error' ? e.name : undefined) ?? e.code ?? 'Unknown'
}

export function httpStatusOf(error: unknown): number | undefined {
  return ((error ?? {}) as SdkErrorShape).$metadata?.httpStatusCode
}

const NETWORK = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE'
])

/** What to do about one S3 error code; `action` is the S3 API call that failed (PutObject...). */
function remedy(code: string, action: string, error: unknown): string {
  switch (code) {
    case 'NoSuchBucket':
      return 'the bucket does not exist: create it (with Object Lock if store-retention-days is set) or fix the store input'
    case 'AccessDenied':
    case 'Forbidden':
      return `the credentials may not ${action} here: allow s3:${actionPermission(action)} on the bucket and prefix in the role's policy`
    case 'InvalidAccessKeyId':
    case 'SignatureDoesNotMatch':
    case 'ExpiredToken':
    case 'InvalidToken':
    case 'CredentialsProviderError':
      return 'the AWS credentials are missing, wrong or expired: set them (aws-actions/configure-aws-credentials, or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_PROFILE) for this step'
    case 'ObjectLockConfigurationNotFoundError':
    case 'InvalidBucketObjectLockConfiguration':
      return 'Object Lock is not enabled on the bucket: create the bucket with Object Lock, or set store-retention-days: 0'
    case 'RequestTimeTooSkewed':
      return "the runner's clock differs from the store's by more than 15 minutes: sync the clock (NTP) and rerun"
    case 'SlowDown':
    case 'ServiceUnavailable':
    case 'Throttling':
    case 'TooManyRequests':
      return `the store kept throttling after ${attemptsOf(error)} attempts: rerun later, or use a less busy prefix`
    case 'PreconditionFailed':
      return 'an object of that name already exists and write-once refused to replace it: another run wrote this id; rerun'
    case 'EntityTooLarge':
    case 'InvalidPart':
    case 'InvalidPartOrder':
    case 'BadDigest':
    case 'InvalidDigest':
    case 'XAmzContentSHA256Mismatch':
      return 'the store received bytes unlike those sent (a checksum did not match): check proxies between the runner and the store, and rerun'
    case 'NotS3':
      return 'the endpoint did not answer as S3 does: check store-endpoint (the service URL, not a bucket website or console URL)'
    case 'PermanentRedirect':
    case 'AuthorizationHeaderMalformed':
    case 'IllegalLocationConstraintException':
      return 'the bucket is in another region: set store-region to the bucket region'
    default:
      if (NETWORK.has(code))
        return 'the store endpoint cannot be reached: check store-endpoint, DNS and the network'
      if (code === 'InvalidRequest' && /object lock/i.test(messageOf(error)))
        return 'Object Lock is not enabled on the bucket: create the bucket with Object Lock, or set store-retention-days: 0'
      return 'see the S3 error code; rerun once it is fixed'
  }
}

function messageOf(error: unknown): string {
  return String(((error ?? {}) as SdkErrorShape).message ?? '')
}

function attemptsOf(error: unknown): number {
  return ((error ?? {}) as SdkErrorShape).$metadata?.attempts ?? 1
}

/** The IAM permission an S3 API action needs (they differ for the multipart and list calls). */
function actionPermission(action: string): string {
  switch (action) {
    case 'CreateMultipartUpload':
    case 'UploadPart':
    case 'CompleteMultipartUpload':
      return 'PutObject'
    case 'ListObjectsV2':
      return 'ListBucket'
    case 'HeadObject':
      return 'GetObject'
    case 'ListMultipartUploads':
      return 'ListBucketMultipartUploads'
    case 'PutObjectRetention':
    case 'GetObjectRetention':
      return action
    default:
      return action
  }
}

/**
 * The SDK's error for a response that is not S3's XML (an HTML page, a JSON API) is a
 * deserialization failure: named here as "not S3", the one error whose fix is the endpoint.
 */
function looksNotS3(error: unknown): boolean {
  const message = messageOf(error)
  return (
    /Deserialization error|Expected closing tag|char '<'|Unexpected token|non-whitespace before first tag/i.test(
      message
    ) ||
    (s3ErrorCode(error) === 'Unknown' && httpStatusOf(error) !== undefined)
  )
}

/** One line naming the store, the action that failed, its S3 error code and the fix. */
export function storeError(location: StoreLocation, action: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error
  let code = s3ErrorCode(error)
  if (looksNotS3(error)) code = 'NotS3'
  const status = httpStatusOf(error)
  const where = storeUrl(location)
  return new StoreError(
    `store ${where}: ${action} failed with ${code}${status ? ` (HTTP ${status})` : ''}: ${remedy(code, action, error)}`,
    code
  )
}
