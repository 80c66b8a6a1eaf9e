import { z } from 'zod'

/** Where snapshots live in a store: a bucket and a key prefix ('' or ending in '/'). */
export interface StoreLocation {
  bucket: string
  prefix: string
}

// S3's rules for new buckets (3-63 characters, lower case, digits, dots, hyphens, a letter or
// digit at each end); clones accept fewer, and a name S3 refuses is refused here, before any call
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

const StoreUrlSchema = z
  .string()
  .trim()
  .regex(/^s3:\/\/[^/]+(\/.*)?$/, 'accepts s3://bucket or s3://bucket/prefix')
  .transform((url, ctx): StoreLocation => {
    const rest = url.slice('s3://'.length)
    const slash = rest.indexOf('/')
    const bucket = slash < 0 ? rest : rest.slice(0, slash)
    const segments = (slash < 0 ? '' : rest.slice(slash + 1)).split('/').filter((s) => s !== '')
    if (!BUCKET.test(bucket) || bucket.includes('..')) {
      ctx.addIssue({
        code: 'custom',
        message: `bucket "${bucket}" is not an S3 bucket name (3-63 of a-z, 0-9, '.', '-')`
      })
      return z.NEVER
    }
    for (const segment of segments) {
      // keys are written and listed by name: '.', '..' and control characters would make the
      // catalogue's names differ from the object's
      if (segment === '.' || segment === '..' || hasControlOrBackslash(segment)) {
        ctx.addIssue({
          code: 'custom',
          message: `prefix segment "${segment}" is not allowed (no '.', '..', backslash or control characters)`
        })
        return z.NEVER
      }
    }
    const prefix = segments.length > 0 ? `${segments.join('/')}/` : ''
    if (prefix.length > 512) {
      ctx.addIssue({ code: 'custom', message: 'prefix is longer than 512 characters' })
      return z.NEVER
    }
    return { bucket, prefix }
  })

function hasControlOrBackslash(text: string): boolean {
  for (const ch of text) {
    const code = ch.codePointAt(0)!
    if (code < 0x20 || code === 0x7f || ch === '\\') return true
  }
  return false
}

/** `s3://bucket/prefix` → its bucket and prefix; throws a ZodError naming the rule broken. */
export function parseStoreUrl(url: string): StoreLocation {
  return StoreUrlSchema.parse(url)
}

export { StoreUrlSchema }

/** The canonical URL of a location or of one object in it. */
export function storeUrl(location: StoreLocation, name = ''): string {
  return `s3://${location.bucket}/${location.prefix}${name}`
}
