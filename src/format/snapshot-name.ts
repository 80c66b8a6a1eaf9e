import type { Compression } from './compression.js'

export const EXTENSIONS: Record<Compression, string> = {
  zstd: '.tar.zst.age',
  gzip: '.tar.gz.age',
  none: '.tar.age'
}

/** snapshot-<UTC yyyymmddThhmmssZ>.tar[.zst|.gz].age, as SPEC.md names it. */
export const SNAPSHOT_NAME = /^snapshot-\d{8}T\d{6}Z\.tar(\.zst|\.gz)?\.age$/

export function utcStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z')
}

export function snapshotFileName(date: Date, compression: Compression): string {
  return `snapshot-${utcStamp(date)}${EXTENSIONS[compression]}`
}
