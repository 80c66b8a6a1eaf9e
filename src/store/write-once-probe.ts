import { NoGoError } from '../outcome/step-result.js'
import { isWriteRefused, putOnce } from './put-once.js'
import type { Store } from './store-client.js'

export const PROBE_NAME = '.cutover-gate/write-once-probe'

/**
 * Proves, before a run's first write, that the store refuses to replace an object: the canary
 * under the prefix is written with If-None-Match: *; a refusal (it exists) is the proof; if the
 * write went through (first run, or a store that ignores the header), a second one must be
 * refused. A store that accepts both is a NO-GO naming it: its snapshots could be overwritten.
 */
export async function proveWriteOnce(store: Store, now: Date = new Date()): Promise<void> {
  const body = Buffer.from(
    `cutover-gate write-once probe: a second write of this object must be refused\n`
  )
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      await putOnce(store, PROBE_NAME, body, now)
    } catch (error) {
      if (isWriteRefused(error)) return
      throw error
    }
  }
  throw new NoGoError(
    `store ${store.url()} accepted a second write of ${store.url(PROBE_NAME)} despite If-None-Match: *: it does not enforce write-once, so a snapshot there could be replaced; use a store that supports conditional writes (AWS S3, MinIO, R2, ...) or update it`
  )
}
