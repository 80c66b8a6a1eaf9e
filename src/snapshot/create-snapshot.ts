import fs from 'node:fs'
import path from 'node:path'
import { Readable, type Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { encryptStream } from '../age/encrypt.js'
import type { Config } from '../config/config.js'
import { NoGoError } from '../outcome/step-result.js'
import type { SnapshotEvidence } from '../format/snapshot-evidence.js'
import { fsyncDir, tempNameFor } from '../util/atomic-write.js'
import { HashedFileWriter } from '../util/hashed-file-writer.js'
import type { Logger } from '../util/logger.js'
import { keyDerivationLine, ProgressReporter } from '../util/progress.js'
import { archiveStream, BATCH } from './archive-stream.js'
import { createCompressStream, DEFAULT_BLOCKS } from '../compression/compress.js'
import { BufferPool } from '../util/buffer-pool.js'
import { IndexBuilder } from './index-builder.js'
import { writeManifest, type Manifest } from '../format/manifest.js'
import { lockSnapshotDir, removeStaleTemps, type SnapshotDirLock } from './snapshot-dir-lock.js'
import { EXTENSIONS, snapshotFileName, utcStamp } from '../format/snapshot-name.js'
import { snapshotManifestName } from '../format/catalogue-names.js'
import { LiveWriterWatch } from './live-writers.js'
import { registerPath, unregisterPath } from '../runtime/cleanup-on-exit.js'
import { walkIncludes } from './walk.js'
import {
  changedSince,
  fingerprintTotals,
  type IncludeFingerprint
} from '../util/tree-fingerprint.js'
import { privateList } from '../privacy/private-name.js'
import { errorText } from '../privacy/error-text.js'
import { TOOL } from '../version.js'
import { encryptionKeyOf, encryptionRecordOf, type SnapshotKeys } from '../format/snapshot-keys.js'
import type { BlobIdTally } from '../hashing/blob-ids.js'
import { evidenceOf } from '../format/snapshot-evidence.js'

export interface SnapshotOutcome {
  evidence: SnapshotEvidence
  /** This run's manifest, as written: restore-test verifies against it, not the file. */
  manifest: Manifest
  warnings: string[]
  /** With `keepLock`: the snapshot-dir lock, still held, for the caller to release. */
  lock?: SnapshotDirLock
}

export interface SnapshotOptions {
  /** Keep the lock after a success (a lane holds it until restore-test has read the snapshot). */
  keepLock?: boolean
  /**
   * The includes as the migration dry-run found them: the snapshot commits only if they are the
   * same once its data is read. A process the dry-run left behind (one that shed the run marker)
   * could otherwise write between the dry-run's check and the read of each file.
   */
  unchangedSince?: IncludeFingerprint
  /** Filled with the git blob id of each file as it is read, for the exposure audit. */
  blobIds?: BlobIdTally
}

type SnapshotConfig = Pick<
  Config,
  'repo' | 'includes' | 'snapshotDir' | 'manifestPath' | 'force' | 'compression' | 'workFactor'
>

/**
 * Runbook step 2: tar → compress → age (scrypt, or the recipients) → temp file, hashed as it is written; renamed into
 * place, then the manifest written last. A run that dies leaves the previous pair whole.
 */
export async function createSnapshot(
  config: SnapshotConfig,
  keys: SnapshotKeys,
  logger: Logger,
  now: () => Date = () => new Date(),
  options: SnapshotOptions = {}
): Promise<SnapshotOutcome> {
  if (!config.force && fs.existsSync(config.manifestPath)) {
    throw new NoGoError(
      `manifest ${config.manifestPath} already exists and force is false; set force: true to replace it, or point manifest elsewhere`
    )
  }
  assertIncludesPresent(config)
  try {
    fs.mkdirSync(config.snapshotDir, { recursive: true })
  } catch (error) {
    throw new NoGoError(
      `cannot create snapshot-dir ${config.snapshotDir}: ${(error as Error).message}`
    )
  }
  const lock = lockSnapshotDir(config.snapshotDir)
  let succeeded = false
  const warnings: string[] = []
  try {
    for (const name of removeStaleTemps(config.snapshotDir)) {
      warnings.push(`removed ${name}, a temp file left by an interrupted run`)
    }
    const { createdAtDate, finalPath } = await freshName(config, now)
    const tempPath = tempNameFor(finalPath)
    registerPath(tempPath) // a partial snapshot is removed on a signal too
    const output = new HashedFileWriter(tempPath)
    let streamed: StreamedSnapshot
    try {
      streamed = await streamSnapshot(config, keys, logger, output, warnings, options)
      // the output synced the file before finishing
      lock.assertHeld()
      fs.renameSync(tempPath, finalPath)
      unregisterPath(tempPath)
      fsyncDir(config.snapshotDir)
    } catch (error) {
      fs.rmSync(tempPath, { force: true })
      unregisterPath(tempPath)
      if (error instanceof NoGoError) throw error
      throw new NoGoError(`writing snapshot ${finalPath} failed: ${describeWriteError(error)}`)
    }

    const manifest = manifestOf(
      config,
      createdAtDate,
      path.relative(path.dirname(config.manifestPath), finalPath),
      output,
      streamed
    )
    // the snapshot's own manifest first (the catalogue), latest-manifest.json last, as its copy
    const ownManifest = path.join(config.snapshotDir, snapshotManifestName(utcStamp(createdAtDate)))
    for (const [target, written] of [
      [
        ownManifest,
        { ...manifest, snapshot: { ...manifest.snapshot, path: path.basename(finalPath) } }
      ],
      [config.manifestPath, manifest]
    ] as const) {
      lock.assertHeld()
      try {
        writeManifest(target, written)
      } catch (error) {
        throw new NoGoError(`writing manifest ${target} failed: ${describeWriteError(error)}`)
      }
    }
    succeeded = true
    return {
      warnings,
      manifest,
      lock: options.keepLock ? lock : undefined,
      evidence: evidenceOf(manifest, { snapshotPath: finalPath, manifestPath: config.manifestPath })
    }
  } finally {
    if (!(succeeded && options.keepLock)) lock.release()
  }
}

/** Where a snapshot's bytes go: a local temp file (renamed once whole) or a store upload. */
export interface SnapshotSink extends Writable {
  /** Bytes written, once the stream has finished. */
  readonly size: number
  /** SHA-256 of every byte written, once the stream has finished. */
  digestHex(): string
}

/** What streaming a snapshot gives back besides the sink's bytes. */
export interface StreamedSnapshot {
  index: IndexBuilder
  key: ReturnType<typeof encryptionKeyOf>
}

/** Every include is there (a dangling link is an entry too): a missing one is NO-GO naming it. */
export function assertIncludesPresent(config: Pick<Config, 'repo' | 'includes'>): void {
  for (const include of config.includes) {
    if (
      !fs.existsSync(path.join(config.repo, include)) &&
      !isDanglingLink(path.join(config.repo, include))
    ) {
      throw new NoGoError(
        `include ${include} is missing from ${config.repo}; create it, or remove it from the include input`
      )
    }
  }
}

/**
 * tar → compress → age (scrypt, or the recipients) → the sink, which hashes what it is given.
 * Warnings (left-out entries, live writers) go to `warnings`; the includes are held to
 * `options.unchangedSince` once all is read. The sink is finished (or destroyed) on return.
 */
export async function streamSnapshot(
  config: Pick<Config, 'repo' | 'includes' | 'compression' | 'workFactor'>,
  keys: SnapshotKeys,
  logger: Logger,
  sink: SnapshotSink,
  warnings: string[],
  options: SnapshotOptions = {}
): Promise<StreamedSnapshot> {
  // header first, then the payload: scrypt (or the recipients) wrap the key while the first
  // chunks are compressed and encrypted, and the output is hashed as it is written
  const key = encryptionKeyOf(keys, config.workFactor)
  if (key.kind === 'passphrase') logger.info(keyDerivationLine(config.workFactor))
  const age = encryptStream(key)
  // totals from the walk made before the migration ran (precutover); none in snapshot mode
  const totals = options.unchangedSince && fingerprintTotals(options.unchangedSince)
  const progress = new ProgressReporter(logger, 'snapshot', 'files', totals)
  // the batches cycle: read into, compressed from, given back once their block is encoded
  const batches = new BufferPool(BATCH, 16)
  // other processes writing the includes, seen once before reading and once after (runbook B)
  const writers = new LiveWriterWatch()
  // the index spills to a temp file as it grows; its counts and digest outlive the file
  const index = new IndexBuilder()
  try {
    await pipeline(
      Readable.from(
        archiveStream(
          walkIncludes(config.repo, config.includes, (w) => warnings.push(w)),
          index,
          (p) => progress.update(p.files, p.bytes),
          batches,
          writers,
          options.blobIds
        ),
        // a few batches of read-ahead keep reading and hashing busy while zstd works
        { objectMode: false, highWaterMark: 4 * 1024 * 1024 }
      ),
      createCompressStream(config.compression, {
        ...DEFAULT_BLOCKS,
        release: (b) => batches.release(b)
      }),
      age,
      sink
    )
    warnings.push(...writers.warnings())
    if (options.unchangedSince) assertUnchanged(config, options.unchangedSince)
    return { index, key }
  } finally {
    index.remove()
    writers.close()
  }
}

/** The manifest of a snapshot just streamed; `snapshotPath` is relative to the manifest's folder. */
export function manifestOf(
  config: Pick<Config, 'compression' | 'includes'>,
  createdAtDate: Date,
  snapshotPath: string,
  sink: SnapshotSink,
  { index, key }: StreamedSnapshot
): Manifest {
  return {
    version: 1,
    createdAt: createdAtDate.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    snapshot: { path: snapshotPath, size: sink.size, sha256: sink.digestHex() },
    compression: config.compression,
    encryption: encryptionRecordOf(key),
    includes: [...config.includes],
    content: { files: index.files, bytes: index.bytes, digest: index.digest() },
    tool: TOOL
  }
}

/**
 * Names are to the second (SPEC), so a rerun within the same second waits for the next one
 * rather than failing; the snapshot-dir lock keeps anyone else from taking that name meanwhile.
 */
async function freshName(
  config: SnapshotConfig,
  now: () => Date
): Promise<{ createdAtDate: Date; finalPath: string }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const createdAtDate = now()
    const finalPath = path.join(
      config.snapshotDir,
      snapshotFileName(createdAtDate, config.compression)
    )
    // one id, one snapshot: no other compression's file or manifest may hold this second
    const id = utcStamp(createdAtDate)
    const taken = [
      ...Object.values(EXTENSIONS).map((ext) => `snapshot-${id}${ext}`),
      snapshotManifestName(id)
    ]
    if (!taken.some((name) => fs.existsSync(path.join(config.snapshotDir, name))))
      return { createdAtDate, finalPath }
    await new Promise((resolve) =>
      setTimeout(resolve, 1000 - createdAtDate.getUTCMilliseconds() + 5)
    )
  }
  throw new NoGoError(
    `snapshot-dir ${config.snapshotDir} already holds a snapshot for this second; check the clock and rerun`
  )
}

function assertUnchanged(
  config: Pick<Config, 'repo' | 'includes'>,
  since: IncludeFingerprint
): void {
  const changed = changedSince(since, config.repo, config.includes)
  if (changed.length === 0) return
  throw new NoGoError(
    `the includes changed after the migration dry-run, before the snapshot was complete: ${privateList(changed)}; a process is still writing them (runbook decision point B: pause and isolate writes, stop what the dry-run left running, then rerun)`
  )
}

function isDanglingLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink()
  } catch {
    return false
  }
}

function describeWriteError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOSPC')
    return 'the disk is full (ENOSPC); free space or choose another snapshot-dir'
  if (code === 'EACCES' || code === 'EPERM')
    return 'permission denied; give the runner write access'
  return errorText(error)
}
