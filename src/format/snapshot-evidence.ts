import type { EncryptionRecord } from './encryption-record.js'
import type { Manifest } from './manifest.js'

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

/** The evidence a manifest gives of its snapshot, found at `snapshotPath` and `manifestPath`. */
export function evidenceOf(
  manifest: Manifest,
  where: Pick<SnapshotEvidence, 'snapshotPath' | 'manifestPath'>
): SnapshotEvidence {
  return {
    ...where,
    size: manifest.snapshot.size,
    sha256: manifest.snapshot.sha256,
    contentDigest: manifest.content.digest,
    files: manifest.content.files,
    bytes: manifest.content.bytes,
    compression: manifest.compression,
    encryption: manifest.encryption,
    createdAt: manifest.createdAt
  }
}
