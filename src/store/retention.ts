import type { LockMode, StoreSettings } from '../config/config.js'

/** Object Lock headers of one write: none with retention-days 0 (the bucket's default applies). */
export interface LockHeaders {
  ObjectLockMode?: 'GOVERNANCE' | 'COMPLIANCE'
  ObjectLockRetainUntilDate?: Date
}

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * The retention of an object written at `now`: store-retention-days from now, whole seconds
 * (S3 keeps retain-until to the second; a fraction would make the report differ from HeadObject).
 */
export function lockHeaders(
  settings: Pick<StoreSettings, 'retentionDays' | 'lockMode'>,
  now: Date = new Date()
): LockHeaders {
  if (settings.retentionDays <= 0) return {}
  const until = new Date(Math.ceil((now.getTime() + settings.retentionDays * DAY_MS) / 1000) * 1000)
  return { ObjectLockMode: modeHeader(settings.lockMode), ObjectLockRetainUntilDate: until }
}

function modeHeader(mode: LockMode): 'GOVERNANCE' | 'COMPLIANCE' {
  return mode === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE'
}

/** ISO time, to the second, as the report shows it. */
export function retainUntilText(date: Date | undefined): string | undefined {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined
}
