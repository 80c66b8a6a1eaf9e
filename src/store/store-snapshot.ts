import type { Config } from '../config/config.js'
import { snapshotManifestName } from '../format/catalogue-names.js'
import type { Manifest } from '../format/manifest.js'
import { snapshotFileName, utcStamp } from '../format/snapshot-name.js'
import type { SnapshotKeys } from '../format/snapshot-keys.js'
import { NoGoError } from '../outcome/step-result.js'
import type { ExpectedSnapshot } from '../restore/verify-snapshot.js'
import {
  assertIncludesPresent,
  manifestOf,
  streamSnapshot,
  type SnapshotOptions,
  type SnapshotOutcome
} from '../snapshot/create-snapshot.js'
import type { Logger } from '../util/logger.js'
import { abortDeadUploads, openUploads, type OpenStore } from './leftover-uploads.js'
import { openStoredObject } from './object-source.js'
import { isWriteRefused, putOnce } from './put-once.js'
import { retainUntilText } from './retention.js'
import type { Store } from './store-client.js'
import { StoreError } from './store-error.js'
import { UploadSink } from './upload-sink.js'
import { removeUploadMarker, writeUploadMarker } from './upload-marker.js'
import { proveWriteOnce } from './write-once-probe.js'
import { evidenceOf } from '../format/snapshot-evidence.js'

export interface StoredSnapshotOutcome extends SnapshotOutcome {
  /** s3:// URL of the snapshot object. */
  url: string
  /** What restore-test verifies: this run's manifest, read back from the store. */
  expected: ExpectedSnapshot
  /** Object Lock retain-until of the snapshot and its manifest (ISO), when retention was set. */
  retainUntil?: string
}

type StoredSnapshotConfig = Pick<
  Config,
  'repo' | 'includes' | 'compression' | 'workFactor' | 'tempDir'
>

/**
 * Runbook step 2 into a store: leftover uploads of dead runs are aborted, write-once is proven
 * (the probe), then the snapshot streams into a multipart upload (no local copy) and its
 * manifest is put after it, both with If-None-Match: *. A failed or killed run leaves no object:
 * its upload is aborted now, or (killed) by the next run or the post step, from its marker.
 */
export async function createStoredSnapshot(
  config: StoredSnapshotConfig,
  store: Store,
  openOther: OpenStore,
  keys: SnapshotKeys,
  logger: Logger,
  now: () => Date = () => new Date(),
  options: SnapshotOptions = {}
): Promise<StoredSnapshotOutcome> {
  assertIncludesPresent(config)
  const warnings: string[] = []
  const leftovers = await abortDeadUploads(config.tempDir, openOther)
  for (const aborted of leftovers.aborted)
    warnings.push(`aborted ${aborted}, the upload of a run that was killed`)
  for (const upload of leftovers.left)
    warnings.push(
      `could not abort the upload of a run that was killed, ${upload}; its marker stays for the next run or the post step (a bucket lifecycle rule AbortIncompleteMultipartUpload also removes it)`
    )
  const others = await openUploads(store).catch(() => [])
  if (others.length > 0)
    warnings.push(
      `${store.url()} has ${others.length} incomplete upload(s) that no run on this machine can prove dead (another runner's, or a live run's): a bucket lifecycle rule AbortIncompleteMultipartUpload removes them`
    )
  await proveWriteOnce(store, now())
  const createdAtDate = now()
  const id = utcStamp(createdAtDate)
  const name = snapshotFileName(createdAtDate, config.compression)
  let marker: string | undefined
  const record = (uploadId: string) => {
    marker = writeUploadMarker(config.tempDir, {
      bucket: store.bucket,
      prefix: store.prefix,
      key: store.key(name),
      uploadId,
      endpoint: store.settings.endpoint,
      region: store.settings.region
    })
  }
  const sink = new UploadSink(store, name, {
    now: () => createdAtDate,
    onCreating: () => record(''),
    onStarted: record,
    onSettled: () => {
      if (marker) removeUploadMarker(marker)
    }
  })
  let streamed
  try {
    streamed = await streamSnapshot(config, keys, logger, sink, warnings, options)
  } catch (error) {
    // the pipeline destroyed the sink: its upload is aborted before this step reports
    sink.destroy()
    await sink.settled()
    if (error instanceof StoreError && isWriteRefused(error))
      throw new NoGoError(
        `store ${store.url()} already holds ${name}: another run wrote this id in the same second; rerun`
      )
    if (error instanceof NoGoError) throw error
    throw new NoGoError(`uploading snapshot ${store.url(name)} failed: ${(error as Error).message}`)
  }
  const manifest: Manifest = manifestOf(config, createdAtDate, name, sink, streamed)
  const manifestName = snapshotManifestName(id)
  const manifestRetain = await putOnce(
    store,
    manifestName,
    Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`),
    createdAtDate
  )
  const retainUntil = retainUntilText(sink.retainUntil ?? manifestRetain)
  const url = store.url(name)
  return {
    warnings,
    manifest,
    url,
    retainUntil,
    expected: {
      manifest,
      snapshotPath: url,
      open: () => openStoredObject(store, name, manifest.snapshot.size)
    },
    evidence: evidenceOf(manifest, { snapshotPath: url, manifestPath: store.url(manifestName) })
  }
}
