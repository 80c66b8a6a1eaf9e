import * as core from '@actions/core'
import { describeEscaped, stopMarked } from './runtime/escaped-processes.js'
import { sweepLeftovers } from './hygiene/sweep-leftovers.js'
import { errorText } from './privacy/error-text.js'
import { forSink } from './privacy/name-policy.js'

/**
 * The action's post step (post-if: always()): post-run hygiene even when the job was cancelled
 * or the main step killed mid-lane — processes the migration left running are stopped, then every
 * file the tool makes that a dead run left (package and restore-test folders, restore staging and
 * its journal, partial snapshots, manifest and report temps, claims, the lock) is removed from the
 * places the main step saved before it began, after a store upload a killed run left open is
 * aborted. A live run's files and uploads are never touched.
 */
try {
  const marker = core.getState('run-marker')
  if (/^[0-9a-f]{32}$/.test(marker)) {
    const escaped = stopMarked(marker)
    if (escaped.length > 0) core.warning(`post-run hygiene: ${describeEscaped(escaped)}`)
  }
  const tempDir = core.getState('temp-dir')
  if (tempDir !== '') {
    // multipart uploads of a killed run (its marker names a dead process): no object appears
    // from them, and their parts stop costing; a live run's upload is never touched
    const { abortDeadUploads } = await import('./store/leftover-uploads.js')
    const { openStore } = await import('./store/store-client.js')
    const { aborted, left } = await abortDeadUploads(tempDir, (settings) =>
      openStore(settings, { env: process.env })
    )
    for (const upload of aborted) core.info(`post-run hygiene: aborted ${upload}`)
    for (const upload of left)
      core.warning(
        `post-run hygiene: could not abort ${upload}; a bucket lifecycle rule AbortIncompleteMultipartUpload removes it`
      )
  }
  const removed = sweepLeftovers({
    tempDir: core.getState('temp-dir'),
    snapshotDir: core.getState('snapshot-dir'),
    manifestPath: core.getState('manifest-path'),
    reportPath: core.getState('report-path'),
    restoreTarget: core.getState('restore-target')
  })
  for (const thing of removed) core.info(`post-run hygiene: removed ${thing}`)
} catch (error) {
  // the folders it removes hold restored files: a path in the error is hidden (the default policy)
  core.warning(forSink('log', `post-run hygiene failed: ${errorText(error)}`))
}
