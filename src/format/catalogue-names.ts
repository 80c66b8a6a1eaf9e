import { SNAPSHOT_NAME } from './snapshot-name.js'

/** snapshot-<id>.json, the per-snapshot manifest this tool writes beside each snapshot. */
export const SNAPSHOT_MANIFEST_NAME = /^snapshot-(\d{8}T\d{6}Z)\.json$/

export function snapshotManifestName(id: string): string {
  return `snapshot-${id}.json`
}

/** The id a snapshot file name carries, or undefined when the name is not one this tool writes. */
export function idOfSnapshotName(name: string): string | undefined {
  return SNAPSHOT_NAME.test(name)
    ? name.slice('snapshot-'.length, 'snapshot-'.length + 16)
    : undefined
}

/** The id of a per-snapshot manifest name, or undefined. */
export function idOfManifestName(name: string): string | undefined {
  return SNAPSHOT_MANIFEST_NAME.exec(name)?.[1]
}
