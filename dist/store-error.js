import { N as NoGoError } from './step-result.js';
import { e as string, N as NEVER } from './process-start.js';

// S3's rules for new buckets (3-63 characters, lower case, digits, dots, hyphens, a letter or
// digit at each end); clones accept fewer, and a name S3 refuses is refused here, before any call
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const StoreUrlSchema = string()
    .trim()
    .regex(/^s3:\/\/[^/]+(\/.*)?$/, 'accepts s3://bucket or s3://bucket/prefix')
    .transform((url, ctx) => {
    const rest = url.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const segments = (slash < 0 ? '' : rest.slice(slash + 1)).split('/').filter((s) => s !== '');
    if (!BUCKET.test(bucket) || bucket.includes('..')) {
        ctx.addIssue({
            code: 'custom',
            message: `bucket "${bucket}" is not an S3 bucket name (3-63 of a-z, 0-9, '.', '-')`
        });
        return NEVER;
    }
    for (const segment of segments) {
        // keys are written and listed by name: '.', '..' and control characters would make the
        // catalogue's names differ from the object's
        if (segment === '.' || segment === '..' || hasControlOrBackslash(segment)) {
            ctx.addIssue({
                code: 'custom',
                message: `prefix segment "${segment}" is not allowed (no '.', '..', backslash or control characters)`
            });
            return NEVER;
        }
    }
    const prefix = segments.length > 0 ? `${segments.join('/')}/` : '';
    if (prefix.length > 512) {
        ctx.addIssue({ code: 'custom', message: 'prefix is longer than 512 characters' });
        return NEVER;
    }
    return { bucket, prefix };
});
function hasControlOrBackslash(text) {
    for (const ch of text) {
        const code = ch.codePointAt(0);
        if (code < 0x20 || code === 0x7f || ch === '\\')
            return true;
    }
    return false;
}
/** The canonical URL of a location or of one object in it. */
function storeUrl(location, name = '') {
    return `s3://${location.bucket}/${location.prefix}${name}`;
}

/** An S3 call that failed, told in one line: the store, the action, the S3 code and the fix. */
class StoreError extends NoGoError {
    code;
    constructor(message, code) {
        super(message);
        this.code = code;
        this.name = 'StoreError';
    }
}
/** The S3 error code of an SDK error, or a network code, or `Unknown`. */
function s3ErrorCode(error) {
    if (error instanceof StoreError)
        return error.code;
    const e = (error ?? {});
    return e.Code ?? (e.name && e.name !== 'Error' ? e.name : undefined) ?? e.code ?? 'Unknown';
}
function httpStatusOf(error) {
    return (error ?? {}).$metadata?.httpStatusCode;
}
const NETWORK = new Set([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'ECONNRESET',
    'ETIMEDOUT',
    'EPIPE'
]);
/** What to do about one S3 error code; `action` is the S3 API call that failed (PutObject...). */
function remedy(code, action, error) {
    switch (code) {
        case 'NoSuchBucket':
            return 'the bucket does not exist: create it (with Object Lock if store-retention-days is set) or fix the store input';
        case 'AccessDenied':
        case 'Forbidden':
            return `the credentials may not ${action} here: allow s3:${actionPermission(action)} on the bucket and prefix in the role's policy`;
        case 'InvalidAccessKeyId':
        case 'SignatureDoesNotMatch':
        case 'ExpiredToken':
        case 'InvalidToken':
        case 'CredentialsProviderError':
            return 'the AWS credentials are missing, wrong or expired: set them (aws-actions/configure-aws-credentials, or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_PROFILE) for this step';
        case 'ObjectLockConfigurationNotFoundError':
        case 'InvalidBucketObjectLockConfiguration':
            return 'Object Lock is not enabled on the bucket: create the bucket with Object Lock, or set store-retention-days: 0';
        case 'RequestTimeTooSkewed':
            return "the runner's clock differs from the store's by more than 15 minutes: sync the clock (NTP) and rerun";
        case 'SlowDown':
        case 'ServiceUnavailable':
        case 'Throttling':
        case 'TooManyRequests':
            return `the store kept throttling after ${attemptsOf(error)} attempts: rerun later, or use a less busy prefix`;
        case 'PreconditionFailed':
            return 'an object of that name already exists and write-once refused to replace it: another run wrote this id; rerun';
        case 'EntityTooLarge':
        case 'InvalidPart':
        case 'InvalidPartOrder':
        case 'BadDigest':
        case 'InvalidDigest':
        case 'XAmzContentSHA256Mismatch':
            return 'the store received bytes unlike those sent (a checksum did not match): check proxies between the runner and the store, and rerun';
        case 'NotS3':
            return 'the endpoint did not answer as S3 does: check store-endpoint (the service URL, not a bucket website or console URL)';
        case 'PermanentRedirect':
        case 'AuthorizationHeaderMalformed':
        case 'IllegalLocationConstraintException':
            return 'the bucket is in another region: set store-region to the bucket region';
        default:
            if (NETWORK.has(code))
                return 'the store endpoint cannot be reached: check store-endpoint, DNS and the network';
            if (code === 'InvalidRequest' && /object lock/i.test(messageOf(error)))
                return 'Object Lock is not enabled on the bucket: create the bucket with Object Lock, or set store-retention-days: 0';
            return 'see the S3 error code; rerun once it is fixed';
    }
}
function messageOf(error) {
    return String((error ?? {}).message ?? '');
}
function attemptsOf(error) {
    return (error ?? {}).$metadata?.attempts ?? 1;
}
/** The IAM permission an S3 API action needs (they differ for the multipart and list calls). */
function actionPermission(action) {
    switch (action) {
        case 'CreateMultipartUpload':
        case 'UploadPart':
        case 'CompleteMultipartUpload':
            return 'PutObject';
        case 'ListObjectsV2':
            return 'ListBucket';
        case 'HeadObject':
            return 'GetObject';
        case 'ListMultipartUploads':
            return 'ListBucketMultipartUploads';
        case 'PutObjectRetention':
        case 'GetObjectRetention':
            return action;
        default:
            return action;
    }
}
/**
 * The SDK's error for a response that is not S3's XML (an HTML page, a JSON API) is a
 * deserialization failure: named here as "not S3", the one error whose fix is the endpoint.
 */
function looksNotS3(error) {
    const message = messageOf(error);
    return (/Deserialization error|Expected closing tag|char '<'|Unexpected token|non-whitespace before first tag/i.test(message) ||
        (s3ErrorCode(error) === 'Unknown' && httpStatusOf(error) !== undefined));
}
/** One line naming the store, the action that failed, its S3 error code and the fix. */
function storeError(location, action, error) {
    if (error instanceof StoreError)
        return error;
    let code = s3ErrorCode(error);
    if (looksNotS3(error))
        code = 'NotS3';
    const status = httpStatusOf(error);
    const where = storeUrl(location);
    return new StoreError(`store ${where}: ${action} failed with ${code}${status ? ` (HTTP ${status})` : ''}: ${remedy(code, action, error)}`, code);
}

export { StoreUrlSchema as S, storeError as a, storeUrl as b, StoreError as c, s3ErrorCode as s };
