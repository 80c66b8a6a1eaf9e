import { planPrune, type PrunedSnapshot } from '../catalogue/prune.js'
import type { Store } from './store-client.js'
import { readStoreCatalogue, type StoreCatalogue } from './store-catalogue.js'

/** A snapshot keep-last would remove but Object Lock keeps: listed, not an error. */
export interface KeptSnapshot {
  id: string
  file: string
  retainUntil: string
}

async function deleteObject(store: Store, name: string): Promise<void> {
  // the current version, by id: on a versioned (Object Lock) bucket a plain delete only adds a
  // delete marker and keeps the bytes
  const head = await store.call('HeadObject', (client) =>
    client.send(new store.s3.HeadObjectCommand({ Bucket: store.bucket, Key: store.key(name) }))
  )
  await store.call('DeleteObject', (client) =>
    client.send(
      new store.s3.DeleteObjectCommand({
        Bucket: store.bucket,
        Key: store.key(name),
        ...(head.VersionId ? { VersionId: head.VersionId } : {})
      })
    )
  )
}

/**
 * keep-last on a store: the same plan as snapshot-dir's (never orphans, never the protected
 * ones). A snapshot still under Object Lock is kept and listed with its retain-until; otherwise
 * its object goes before its manifest, so a stop in between leaves a manifest without its file
 * (listed as such, never deleted: only its owner knows where the file went), never an orphan.
 */
export async function pruneStore(
  store: Store,
  keepLast: number,
  protectedFiles: ReadonlySet<string>,
  now: Date = new Date()
): Promise<{ pruned: PrunedSnapshot[]; kept: KeptSnapshot[]; catalogue: StoreCatalogue }> {
  const before = await readStoreCatalogue(store)
  if (keepLast <= 0) return { pruned: [], kept: [], catalogue: before }
  const plan = planPrune(
    { snapshotDir: before.location, entries: before.entries },
    keepLast,
    protectedFiles
  )
  const pruned: PrunedSnapshot[] = []
  const kept: KeptSnapshot[] = []
  for (const entry of plan.prune) {
    if (entry.retainUntil && Date.parse(entry.retainUntil) > now.getTime()) {
      kept.push({ id: entry.id, file: entry.file, retainUntil: entry.retainUntil })
      continue
    }
    await deleteObject(store, entry.file)
    await deleteObject(store, entry.manifest)
    pruned.push({
      id: entry.id,
      file: entry.file,
      manifest: entry.manifest,
      freedBytes: entry.size
    })
  }
  return { pruned, kept, catalogue: await readStoreCatalogue(store) }
}
