import fs from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createDecryptStream } from '../age/decrypt.js'
import { DEFAULT_MAX_WORK_FACTOR } from '../age/scrypt.js'
import { AgeError } from '../age/errors.js'
import { NoGoError } from '../outcome/step-result.js'
import type { SnapshotEvidence } from '../format/snapshot-evidence.js'
import { readManifest, snapshotPathOf, type Manifest } from '../format/manifest.js'
import { decryptionKeyFor, type SnapshotKeys } from '../format/snapshot-keys.js'
import type { DecryptionKey } from '../age/key-source.js'
import type { Logger } from '../util/logger.js'
import { BufferPool } from '../util/buffer-pool.js'
import { keyDerivationLine, ProgressReporter } from '../util/progress.js'
import { fileSource, HashedCiphertext, openCiphertext } from './ciphertext-check.js'
import type { CiphertextSource } from './ciphertext-source.js'
import { compareIndexes } from './compare-index.js'
import { includeRootsProblem } from './include-roots.js'
import { DecodeThread } from '../decode-thread/decode-thread.js'
import { WorkerFault } from '../decode-thread/start-worker.js'
import { extractSnapshotTar, type ExtractResult } from './extract.js'
import { errorText } from '../privacy/error-text.js'
import { addIncludeRoots } from '../privacy/private-name.js'
import { evidenceOf } from '../format/snapshot-evidence.js'

const READ_SIZE = 1 << 20

export interface VerifiedSnapshot {
  manifest: Manifest
  evidence: SnapshotEvidence
  extracted: Pick<ExtractResult, 'entries' | 'files' | 'bytes'>
}

/**
 * The archive's index against what was written (read into memory only when they differ, to name
 * the differences), against content.digest and the includes, and the counts against the manifest.
 */
function checkIndexes(result: ExtractResult, manifest: Manifest): void {
  const problems = result.indexesMatch
    ? []
    : compareIndexes(result.archivedIndex.bytes(), result.observedIndex.bytes())
  if (problems.length > 0) {
    throw new NoGoError(`restored tree differs from the archive's index: ${problems.join('; ')}`)
  }
  const digest = result.archivedIndex.digest()
  if (digest !== manifest.content.digest) {
    throw new NoGoError(
      `archive index digest ${digest} differs from the manifest's content.digest ${manifest.content.digest}: the manifest does not describe this snapshot`
    )
  }
  const roots = includeRootsProblem(result.archivedIndex.lines(), manifest.includes)
  if (roots) throw new NoGoError(roots)
  if (result.files !== manifest.content.files || result.bytes !== manifest.content.bytes) {
    throw new NoGoError(
      `snapshot holds ${result.files} files / ${result.bytes} bytes but the manifest says ${manifest.content.files} / ${manifest.content.bytes}`
    )
  }
}

/** A restore that would fill the disk is refused up front, with the numbers. */
function checkFreeSpace(dest: string, need: number): void {
  const stats = fs.statfsSync(dest)
  const free = stats.bavail * stats.bsize
  if (free < need) {
    throw new NoGoError(
      `${dest} has ${free} bytes free but the snapshot holds ${need}: free space there (or point RUNNER_TEMP / TMPDIR elsewhere) and rerun`
    )
  }
}

function explain(snapshotPath: string, error: unknown): NoGoError {
  if (error instanceof NoGoError) return error
  // the decoding thread's own fault (a broken install, a bug): the snapshot is not to blame
  if (error instanceof WorkerFault) return new NoGoError(errorText(error))
  if (error instanceof AgeError) return new NoGoError(`snapshot ${snapshotPath}: ${error.message}`)
  const code = String((error as NodeJS.ErrnoException).code ?? '')
  if (code.startsWith('Z_') || code.startsWith('ERR_ZSTD') || code.startsWith('ZSTD')) {
    return new NoGoError(
      `snapshot ${snapshotPath} does not decompress (${code}): the archive inside the encryption is corrupt`
    )
  }
  return new NoGoError(`snapshot ${snapshotPath}: ${errorText(error)}`)
}

/** What this run wrote: restore-test in a lane verifies exactly it, whatever the files say now. */
export interface ExpectedSnapshot {
  manifest: Manifest
  snapshotPath: string
  /** Where the ciphertext is read from when it is not the local file (a store's GET stream). */
  open?: () => Promise<CiphertextSource>
}

/**
 * Runbook step 3's checks, shared by restore-test and restore: ciphertext against the manifest,
 * then decrypt → decompress → extract into dest (a fresh folder the caller owns), then every entry
 * against the archive's index and the index against content.digest. With `expected`, the manifest
 * file is not read: another run may have replaced it since this run wrote it.
 */
export async function verifyIntoFolder(
  manifestPath: string,
  keys: SnapshotKeys,
  dest: string,
  logger: Logger,
  expected?: ExpectedSnapshot
): Promise<VerifiedSnapshot> {
  const manifest = expected?.manifest ?? readManifest(manifestPath)
  // its include roots are not private: messages about its entries name them
  addIncludeRoots(manifest.includes)
  const snapshotPath = expected?.snapshotPath ?? snapshotPathOf(manifestPath, manifest)
  // the manifest says which secret opens the snapshot: a missing one is said before any work
  const key = decryptionKeyFor(keys, manifest.encryption, snapshotPath)
  const result = await decryptInto({
    manifest,
    snapshotPath,
    key,
    dest,
    logger,
    open: expected?.open
  })
  try {
    checkIndexes(result, manifest)
  } finally {
    result.archivedIndex.remove()
    result.observedIndex.remove()
  }
  return {
    manifest,
    extracted: { entries: result.entries, files: result.files, bytes: result.bytes },
    evidence: evidenceOf(manifest, { snapshotPath, manifestPath })
  }
}

interface DecryptJob {
  manifest: Manifest
  snapshotPath: string
  key: DecryptionKey
  dest: string
  logger: Logger
  open?: () => Promise<CiphertextSource>
}

/** Ciphertext against the manifest, then decrypt → decompress → extract into dest. */
async function decryptInto(job: DecryptJob): Promise<ExtractResult> {
  const source = job.open
    ? await job.open()
    : fileSource(await openCiphertext(job.snapshotPath, job.manifest))
  try {
    return await decryptFrom(source, job)
  } finally {
    await source.close()
  }
}

/**
 * Decrypt from the one descriptor, hashing what is read; then the hash against the manifest (also
 * after a failure, whose cause it then names when the file differs) and proof that nobody wrote
 * to the file meanwhile. dest is the caller's fresh folder, discarded on NO-GO.
 */
async function decryptFrom(
  ct: CiphertextSource,
  { manifest, snapshotPath, key, dest, logger }: DecryptJob
): Promise<ExtractResult> {
  if (manifest.encryption.recipient === 'scrypt' && key.kind === 'passphrase')
    logger.info(keyDerivationLine(manifest.encryption.workFactor))
  checkFreeSpace(dest, manifest.content.bytes)
  // the manifest totals the bytes (and files, not the entries counted here)
  const progress = new ProgressReporter(logger, 'restore', 'entries', {
    bytes: manifest.content.bytes
  })
  let extracted: ExtractResult | undefined
  const ciphertext = new HashedCiphertext(ct)
  try {
    // read buffers go round: read into, hashed, sent to the decoding thread, given back
    const reads = new BufferPool(READ_SIZE, 8)
    // the payload is decrypted and decompressed on a thread of its own while this one hashes
    // the ciphertext and parses, writes and hashes the tar (src/decode-thread/)
    // the decrypt stage is made before the thread: nothing between the thread's start and the
    // wait below may throw and leave it running
    const decrypt = createDecryptStream(key, {
      // a header asking for more scrypt than the manifest recorded is refused before scrypt
      // runs: the file is damaged or not this snapshot, and 2^20 would cost 1 GiB and seconds
      maxWorkFactor:
        manifest.encryption.recipient === 'scrypt'
          ? manifest.encryption.workFactor
          : DEFAULT_MAX_WORK_FACTOR,
      releaseInput: (chunk) => reads.release(chunk),
      payloadStage: (payloadKey) => decode.payload(payloadKey)
    })
    const decode = new DecodeThread(manifest.compression)
    let first: unknown
    const failed = (error: unknown): never => {
      first ??= error
      decode.abort(error instanceof Error ? error : new Error(String(error)))
      throw error
    }
    const feeding = pipeline(
      Readable.from(ciphertext.chunks(reads), {
        objectMode: false,
        highWaterMark: 2 * READ_SIZE
      }),
      decrypt,
      // the payload's plaintext leaves by the thread, never by this stream
      async (source: AsyncIterable<Buffer>) => {
        for await (const _ of source) throw new Error('the decrypt stream emitted plaintext')
      }
    ).catch(failed)
    const extracting = extractSnapshotTar(decode.output(), dest, {
      onProgress: (p) => progress.update(p.entries, p.bytes),
      maxBytes: manifest.content.bytes,
      maxFiles: manifest.content.files
    }).catch(failed)
    const [fed, written] = await Promise.allSettled([feeding, extracting])
    await decode.stop()
    if (fed.status === 'rejected' || written.status === 'rejected') {
      if (written.status === 'fulfilled') {
        written.value.archivedIndex.remove()
        written.value.observedIndex.remove()
      }
      throw first
    }
    extracted = written.value
  } catch (error) {
    // a file that differs from the manifest is named as such; a read failing here changes nothing
    await ciphertext.check(manifest).catch((e: unknown) => {
      if (e instanceof NoGoError) throw e
    })
    throw explain(snapshotPath, error)
  }
  try {
    await ciphertext.check(manifest)
    logger.info(
      `ciphertext ${manifest.snapshot.size} bytes, sha256 ${manifest.snapshot.sha256}: matches the manifest`
    )
    await ct.assertUnchanged()
  } catch (error) {
    extracted?.archivedIndex.remove()
    extracted?.observedIndex.remove()
    throw error
  }
  return extracted!
}
