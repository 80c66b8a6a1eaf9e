import type { EncryptionRecord } from './encryption-record.js'

/** Evidence of a snapshot that was written or verified; carried into outputs and the report. */
export interface SnapshotEvidence {
  snapshotPath: string
  manifestPath: string
  size: number
  sha256: string
  contentDigest: string
  files: number
  bytes: number
  compression: 'zstd' | 'gzip' | 'none'
  encryption: EncryptionRecord
  createdAt: string
  /** In a store with Object Lock retention: until when the snapshot cannot be deleted (ISO). */
  retainUntil?: string
}
