import fs from 'node:fs'
import path from 'node:path'
import { ManifestSchema, type Manifest } from '../format/manifest.js'
import {
  idOfManifestName,
  idOfSnapshotName,
  snapshotManifestName
} from '../format/catalogue-names.js'
import { CAPS, readRegularFile } from '../util/read-regular-file.js'

/** One snapshot of snapshot-dir, as `list` shows it. */
export interface CatalogueEntry {
  id: string
  /** The snapshot file's name in snapshot-dir ('' when only its manifest is left). */
  file: string
  /** The per-snapshot manifest's name ('' for an orphan). */
  manifest: string
  createdAt: string | null
  /** Bytes of the snapshot file on disk (0 when it is gone). */
  size: number
  files: number | null
  bytes: number | null
  encryption: string | null
  compression: string | null
  /** The snapshot latest-manifest.json (the manifest input) names. */
  latest: boolean
  /** A snapshot file without a manifest: listed, never used, never pruned. */
  orphan: boolean
  /** Why the entry cannot be used (bad manifest, missing file, size unlike the manifest). */
  problem: string | null
  /** In a store with Object Lock: the snapshot's retain-until (ISO, to the second). */
  retainUntil?: string | null
}

export interface Catalogue {
  snapshotDir: string
  /** Newest first. */
  entries: CatalogueEntry[]
}

type ManifestRead = { manifest: Manifest } | { problem: string }

function readSchemaManifest(file: string): ManifestRead {
  let value: unknown
  try {
    // a link under a manifest's name would vouch for a snapshot with words kept elsewhere
    if (!fs.lstatSync(file).isFile()) return { problem: 'manifest is not a regular file' }
    value = JSON.parse(readRegularFile(file, CAPS.manifest))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    // a planted giant is listed, not read: its row names the file and the cap
    if (code === 'ETOOBIG') return { problem: `manifest unreadable: ${(error as Error).message}` }
    return { problem: code ? `manifest unreadable (${code})` : 'manifest is not valid JSON' }
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

function describeEncryption(m: Manifest): string {
  const e = m.encryption as {
    format: string
    recipient: string
    workFactor?: number
    recipients?: number
  }
  if (e.workFactor !== undefined) return `${e.format} ${e.recipient} (work factor ${e.workFactor})`
  return `${e.format} ${e.recipient}${e.recipients !== undefined ? ` (${e.recipients} recipients)` : ''}`
}

/** An entry of which only the id is known yet (snapshot-dir and the store both start here). */
export function emptyEntry(id: string): CatalogueEntry {
  return {
    id,
    file: '',
    manifest: '',
    createdAt: null,
    size: 0,
    files: null,
    bytes: null,
    encryption: null,
    compression: null,
    latest: false,
    orphan: false,
    problem: null
  }
}

/**
 * What a schema-valid manifest tells of its entry; false, with the problem set, when it names a
 * snapshot of another id (such an entry is never used). Both catalogues judge manifests so.
 */
export function describeFromManifest(entry: CatalogueEntry, m: Manifest): boolean {
  Object.assign(entry, {
    createdAt: m.createdAt,
    files: m.content.files,
    bytes: m.content.bytes,
    encryption: describeEncryption(m),
    compression: m.compression
  })
  if (idOfSnapshotName(m.snapshot.path) !== entry.id) {
    entry.problem = `manifest names ${m.snapshot.path}, not a snapshot of id ${entry.id}`
    return false
  }
  entry.file = m.snapshot.path
  return true
}

/** The size of a regular file; 'missing' only when nothing has the name (ENOENT). */
function fileSize(file: string): number | 'missing' | 'not a regular file' {
  try {
    const stat = fs.lstatSync(file)
    return stat.isFile() ? stat.size : 'not a regular file'
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'not a regular file'
  }
}

/** The snapshot file latest-manifest.json names, when it sits in snapshot-dir and parses. */
function latestFile(
  snapshotDir: string,
  latestManifestPath: string | undefined
): string | undefined {
  if (!latestManifestPath || path.dirname(latestManifestPath) !== snapshotDir) return undefined
  const read = readSchemaManifest(latestManifestPath)
  return 'manifest' in read ? read.manifest.snapshot.path : undefined
}

/**
 * Scans snapshot-dir for the names this tool writes: snapshot files and their snapshot-<id>.json
 * manifests. Each manifest is checked against the schema and its own file; nothing is opened
 * beyond that (restore-test is what proves a snapshot).
 */
export function readCatalogue(snapshotDir: string, latestManifestPath?: string): Catalogue {
  let names: string[]
  try {
    names = fs.readdirSync(snapshotDir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { snapshotDir, entries: [] }
    throw new Error(
      `snapshot-dir ${snapshotDir} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give the runner read access`
    )
  }
  const latest = latestFile(snapshotDir, latestManifestPath)
  const entries: CatalogueEntry[] = []
  const claimed = new Set<string>()
  for (const name of names) {
    const id = idOfManifestName(name)
    if (!id) continue
    const entry: CatalogueEntry = { ...emptyEntry(id), manifest: name }
    const read = readSchemaManifest(path.join(snapshotDir, name))
    if ('problem' in read) {
      entry.problem = read.problem
    } else {
      const m = read.manifest
      if (describeFromManifest(entry, m)) {
        const size = fileSize(path.join(snapshotDir, m.snapshot.path))
        claimed.add(m.snapshot.path)
        entry.latest = latest === m.snapshot.path
        if (size === 'missing') {
          entry.problem = 'snapshot file is missing (an interrupted prune, or deleted by hand)'
        } else if (typeof size === 'string') {
          // a link or folder under a snapshot's name is not ours to follow or remove
          entry.problem = `snapshot file is ${size}`
        } else {
          entry.size = size
          if (size !== m.snapshot.size)
            entry.problem = `snapshot file is ${size} bytes, the manifest says ${m.snapshot.size}`
        }
      }
    }
    entries.push(entry)
  }
  for (const name of names) {
    const id = idOfSnapshotName(name)
    if (!id || claimed.has(name)) continue
    const size = fileSize(path.join(snapshotDir, name))
    if (typeof size === 'string') continue
    entries.push({
      ...emptyEntry(id),
      file: name,
      size,
      latest: latest === name,
      orphan: true,
      problem: `no manifest ${snapshotManifestName(id)}`
    })
  }
  entries.sort((a, b) => (a.id === b.id ? a.file.localeCompare(b.file) : a.id < b.id ? 1 : -1))
  return { snapshotDir, entries }
}

/** Entries restore-test, restore and prune may use: a valid manifest and its whole file. */
export function usable(entry: CatalogueEntry): boolean {
  return !entry.orphan && entry.problem === null
}
