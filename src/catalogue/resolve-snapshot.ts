import path from 'node:path'
import { NoGoError } from '../outcome/step-result.js'
import { readCatalogue, usable } from './read-catalogue.js'

export interface SnapshotChoice {
  snapshot: string
  snapshotDir: string
  manifestPath: string
}

/**
 * The `snapshot` input → the manifest restore-test / restore verify: `latest` is the manifest
 * input; an id is its snapshot-<id>.json, and only if the catalogue lists it as usable.
 */
export function resolveSnapshot(choice: SnapshotChoice): string {
  if (choice.snapshot === 'latest') return choice.manifestPath
  const catalogue = readCatalogue(choice.snapshotDir, choice.manifestPath)
  const entry = catalogue.entries.find((e) => e.id === choice.snapshot && !e.orphan)
  const available = catalogue.entries.filter(usable).map((e) => e.id)
  const listed = available.length > 0 ? available.join(', ') : 'none'
  if (!entry) {
    const orphan = catalogue.entries.some((e) => e.id === choice.snapshot)
    const why = orphan ? 'is orphaned (its manifest is missing)' : 'is not in the catalogue'
    throw new NoGoError(
      `snapshot ${choice.snapshot} ${why} of ${choice.snapshotDir}; available ids: ${listed}`
    )
  }
  if (entry.problem) {
    throw new NoGoError(
      `snapshot ${choice.snapshot} cannot be used: ${entry.problem}; available ids: ${listed}`
    )
  }
  return path.join(choice.snapshotDir, entry.manifest)
}
