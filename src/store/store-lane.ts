import type { Config } from '../config/config.js'
import { snapshotManifestName } from '../format/catalogue-names.js'
import type { ExpectedSnapshot } from '../restore/verify-snapshot.js'
import type { OpenStore } from './leftover-uploads.js'
import { openStoredObject } from './object-source.js'
import { openStore, type Store } from './store-client.js'
import { chooseStoredSnapshot, readStoreCatalogue } from './store-catalogue.js'

/** What a lane with `store` carries: the open store, and how to open another (a dead run's). */
export interface LaneStore {
  store: Store
  openOther: OpenStore
}

/** A stored snapshot to verify, and the facts its evidence carries beside the verifier's. */
export interface StoredChoice {
  expected: ExpectedSnapshot
  /** s3:// URL of its manifest (the evidence's manifest path). */
  manifestUrl: string
  retainUntil?: string
}

/**
 * Opens the store of `config.store` with credentials from `env` (the environment plus the
 * handed-off secrets); undefined without a store. The SDK is loaded here, only when used.
 */
export async function openLaneStore(
  config: Pick<Config, 'store'>,
  env: NodeJS.ProcessEnv
): Promise<LaneStore | undefined> {
  if (!config.store) return undefined
  const openOther: OpenStore = (settings) => openStore(settings, { env })
  return { store: await openStore(config.store, { env }), openOther }
}

/** `snapshot` (latest or an id) in the store's catalogue → what restore-test / restore verify. */
export async function chooseFromStore(store: Store, snapshot: string): Promise<StoredChoice> {
  const catalogue = await readStoreCatalogue(store)
  const chosen = chooseStoredSnapshot(catalogue, snapshot)
  const entry = catalogue.entries.find((e) => e.id === chosen.id && e.file === chosen.name)
  return {
    expected: {
      manifest: chosen.manifest,
      snapshotPath: store.url(chosen.name),
      open: () => openStoredObject(store, chosen.name, chosen.manifest.snapshot.size)
    },
    manifestUrl: store.url(snapshotManifestName(chosen.id)),
    retainUntil: entry?.retainUntil ?? undefined
  }
}
