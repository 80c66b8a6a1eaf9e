import fs from 'node:fs'
import { sha256OfFile } from '../util/sha256-file.js'
import { NoGoError } from '../lane/step-result.js'
import type { Manifest } from '../snapshot/manifest.js'

/**
 * Size and SHA-256 of the encrypted file against the manifest, before anything is decrypted: a
 * replaced, truncated or damaged file is named as such, not as a decryption error.
 */
export async function checkCiphertext(snapshotPath: string, manifest: Manifest): Promise<void> {
  let size: number
  try {
    const stat = fs.statSync(snapshotPath)
    if (!stat.isFile()) throw new NoGoError(`snapshot ${snapshotPath} is not a regular file`)
    size = stat.size
  } catch (error) {
    if (error instanceof NoGoError) throw error
    throw new NoGoError(
      `snapshot ${snapshotPath} named by the manifest is missing; copy it beside the manifest (or download the artifact again)`
    )
  }
  if (size !== manifest.snapshot.size) {
    throw new NoGoError(
      `snapshot ${snapshotPath} is ${size} bytes but the manifest says ${manifest.snapshot.size}: it is ${size < manifest.snapshot.size ? 'truncated' : 'longer than written (trailing data)'} or not the file the manifest describes`
    )
  }
  const actual = await sha256OfFile(snapshotPath)
  if (actual !== manifest.snapshot.sha256) {
    throw new NoGoError(
      `snapshot ${snapshotPath} SHA-256 is ${actual} but the manifest says ${manifest.snapshot.sha256}: the file was altered or corrupted`
    )
  }
}
