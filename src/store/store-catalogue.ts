import { NoGoError } from '../outcome/step-result.js'
import { ManifestSchema, type Manifest } from '../format/manifest.js'
import {
  idOfManifestName,
  idOfSnapshotName,
  snapshotManifestName
} from '../format/catalogue-names.js'
import {
  describeFromManifest,
  emptyEntry as emptyLocalEntry,
  usable,
  type CatalogueEntry
} from '../catalogue/read-catalogue.js'
import type { Store } from './store-client.js'
import { notS3 } from './put-once.js'
import { retainUntilText } from './retention.js'

/** A manifest is a few hundred bytes: anything past this is not one of ours. */
const MAX_MANIFEST_BYTES = 64 * 1024

export interface StoreCatalogue {
  /** s3://bucket/prefix */
  location: string
  /** Newest first, as readCatalogue's; `latest` marks the newest usable one. */
  entries: CatalogueEntry[]
  /** The parsed manifests of the usable entries, by id. */
  manifests: Map<string, Manifest>
}

interface Listed {
  name: string
  size: number
}

async function listNames(store: Store): Promise<Listed[]> {
  const listed: Listed[] = []
  let token: string | undefined
  do {
    const page = await store.call('ListObjectsV2', (client) =>
      client.send(
        new store.s3.ListObjectsV2Command({
          Bucket: store.bucket,
          Prefix: store.prefix,
          Delimiter: '/',
          ContinuationToken: token
        })
      )
    )
    // S3 names the bucket in every listing: an answer without it came from something else
    if (page.Name === undefined && page.KeyCount === undefined) throw notS3(store, 'ListObjectsV2')
    for (const object of page.Contents ?? []) {
      if (!object.Key) continue
      listed.push({ name: object.Key.slice(store.prefix.length), size: object.Size ?? 0 })
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined
  } while (token)
  return listed
}

async function readStoredManifest(
  store: Store,
  name: string,
  size: number
): Promise<{ manifest: Manifest } | { problem: string }> {
  if (size > MAX_MANIFEST_BYTES)
    return { problem: `manifest is ${size} bytes, more than ${MAX_MANIFEST_BYTES}` }
  const answer = await store.call('GetObject', (client) =>
    client.send(new store.s3.GetObjectCommand({ Bucket: store.bucket, Key: store.key(name) }))
  )
  const text = (await answer.Body?.transformToString('utf8')) ?? ''
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { problem: 'manifest is not valid JSON' }
  }
  const parsed = ManifestSchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    return {
      problem: `manifest fails the schema at ${issue.path.join('.') || '(root)'}: ${issue.message}`
    }
  }
  return { manifest: parsed.data }
}

/** Object Lock retain-until of one object (HeadObject shows it to whoever may read retention). */
export async function retainUntilOf(store: Store, name: string): Promise<Date | undefined> {
  const head = await store.call('HeadObject', (client) =>
    client.send(new store.s3.HeadObjectCommand({ Bucket: store.bucket, Key: store.key(name) }))
  )
  return head.ObjectLockRetainUntilDate
}

/** An entry of the store: it knows Object Lock, so retainUntil is always said. */
function emptyEntry(id: string): CatalogueEntry {
  return { ...emptyLocalEntry(id), retainUntil: null }
}

/**
 * The catalogue of a store: the names this tool writes under the prefix, each manifest read and
 * checked against the schema and its object's listed size. There is no "latest" object (it would
 * have to be replaced): `latest` is the newest id whose manifest and snapshot are both whole.
 */
export async function readStoreCatalogue(store: Store): Promise<StoreCatalogue> {
  const listed = await listNames(store)
  const sizes = new Map(listed.map((l) => [l.name, l.size]))
  const entries: CatalogueEntry[] = []
  const manifests = new Map<string, Manifest>()
  const claimed = new Set<string>()
  for (const { name, size } of listed) {
    const id = idOfManifestName(name)
    if (!id) continue
    const entry: CatalogueEntry = { ...emptyEntry(id), manifest: name }
    const read = await readStoredManifest(store, name, size)
    if ('problem' in read) {
      entry.problem = read.problem
    } else {
      const m = read.manifest
      if (describeFromManifest(entry, m)) {
        const stored = sizes.get(m.snapshot.path)
        claimed.add(m.snapshot.path)
        if (stored === undefined) {
          entry.problem = 'snapshot file is missing (an interrupted prune, or deleted by hand)'
        } else {
          entry.size = stored
          if (stored !== m.snapshot.size)
            entry.problem = `snapshot file is ${stored} bytes, the manifest says ${m.snapshot.size}`
          else manifests.set(id, m)
        }
      }
    }
    entries.push(entry)
  }
  for (const { name, size } of listed) {
    const id = idOfSnapshotName(name)
    if (!id || claimed.has(name)) continue
    entries.push({
      ...emptyEntry(id),
      file: name,
      size,
      orphan: true,
      problem: `no manifest ${snapshotManifestName(id)}`
    })
  }
  entries.sort((a, b) => (a.id === b.id ? a.file.localeCompare(b.file) : a.id < b.id ? 1 : -1))
  const newest = entries.find(usable)
  if (newest) newest.latest = true
  for (const entry of entries) {
    if (entry.file === '') continue
    entry.retainUntil = retainUntilText(await retainUntilOf(store, entry.file)) ?? null
  }
  return { location: store.url(), entries, manifests }
}

/** The snapshot `snapshot` names (latest or an id): its manifest and object name. */
export function chooseStoredSnapshot(
  catalogue: StoreCatalogue,
  snapshot: string
): { id: string; name: string; manifest: Manifest } {
  const available = catalogue.entries.filter(usable).map((e) => e.id)
  const listed = available.length > 0 ? available.join(', ') : 'none'
  const entry =
    snapshot === 'latest'
      ? catalogue.entries.find((e) => e.latest)
      : catalogue.entries.find((e) => e.id === snapshot && !e.orphan)
  if (!entry) {
    if (snapshot === 'latest')
      throw new NoGoError(
        `store ${catalogue.location} holds no snapshot with a manifest; run mode snapshot (or precutover) with this store first`
      )
    const orphan = catalogue.entries.some((e) => e.id === snapshot)
    const why = orphan ? 'is orphaned (its manifest is missing)' : 'is not in the catalogue'
    throw new NoGoError(
      `snapshot ${snapshot} ${why} of ${catalogue.location}; available ids: ${listed}`
    )
  }
  const manifest = catalogue.manifests.get(entry.id)
  if (entry.problem || !manifest)
    throw new NoGoError(
      `snapshot ${entry.id} cannot be used: ${entry.problem ?? 'unreadable'}; available ids: ${listed}`
    )
  return { id: entry.id, name: entry.file, manifest }
}
