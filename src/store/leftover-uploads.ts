import type { StoreSettings } from '../config/config.js'
import type { Store } from './store-client.js'
import { s3ErrorCode } from './store-error.js'
import { deadUploadMarkers, removeUploadMarker, type UploadMarker } from './upload-marker.js'

export type OpenStore = (settings: StoreSettings) => Promise<Store>

/** What a sweep of dead runs' uploads did: lines naming each upload (this tool's own names). */
export interface LeftoverUploads {
  aborted: string[]
  /** Uploads that could not be aborted now, with why: their markers stay for a later sweep. */
  left: string[]
}

/**
 * Aborts the multipart uploads of runs proven dead (their marker under tempDir names a process
 * that no longer runs): what a killed run left, so its parts stop costing and no object can
 * appear from it. Run by the next run before it writes, and by the action's post step. A
 * leftover whose store cannot be reached or refuses now (another endpoint, other credentials, the
 * network) is reported and kept for a later sweep: it must neither stop this run nor the post
 * step's removal of plaintext that follows it. Never throws for one upload.
 */
export async function abortDeadUploads(tempDir: string, open: OpenStore): Promise<LeftoverUploads> {
  const aborted: string[] = []
  const left: string[] = []
  for (const { file, marker } of deadUploadMarkers(tempDir)) {
    const where = `s3://${marker.bucket}/${marker.key}`
    try {
      const store = await open(settingsOf(marker))
      // killed before S3 answered CreateMultipartUpload: the key's uploads are that run's own
      const ids = marker.uploadId ? [marker.uploadId] : await uploadsOfKey(store, marker.key)
      for (const uploadId of ids) {
        try {
          await store.call('AbortMultipartUpload', (client) =>
            client.send(
              new store.s3.AbortMultipartUploadCommand({
                Bucket: marker.bucket,
                Key: marker.key,
                UploadId: uploadId
              })
            )
          )
        } catch (error) {
          // already completed or aborted: nothing is left to abort
          if (s3ErrorCode(error) !== 'NoSuchUpload') throw error
        }
        aborted.push(`${where} (upload ${uploadId.slice(0, 12)}…)`)
      }
      removeUploadMarker(file)
    } catch (error) {
      left.push(`${where}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  return { aborted, left }
}

async function uploadsOfKey(store: Store, key: string): Promise<string[]> {
  const answer = await store.call('ListMultipartUploads', (client) =>
    client.send(new store.s3.ListMultipartUploadsCommand({ Bucket: store.bucket, Prefix: key }))
  )
  return (answer.Uploads ?? []).filter((u) => u.Key === key && u.UploadId).map((u) => u.UploadId!)
}

function settingsOf(marker: UploadMarker): StoreSettings {
  return {
    bucket: marker.bucket,
    prefix: marker.prefix,
    endpoint: marker.endpoint,
    region: marker.region,
    retentionDays: 0,
    lockMode: 'governance'
  }
}

/** Incomplete uploads under the prefix that no marker here accounts for (another host's, or older). */
export async function openUploads(store: Store): Promise<{ key: string; initiated?: Date }[]> {
  const answer = await store.call('ListMultipartUploads', (client) =>
    client.send(
      new store.s3.ListMultipartUploadsCommand({ Bucket: store.bucket, Prefix: store.prefix })
    )
  )
  return (answer.Uploads ?? []).map((u) => ({ key: u.Key ?? '', initiated: u.Initiated }))
}
