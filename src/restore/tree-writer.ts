import { createHash, hash, type Hash } from 'node:crypto'
import { INDEX_PATH, indexLine } from '../format/index-format.js'
import { showPath } from '../tar/entry-path.js'
import { findLinkEscape, MAX_STEPS } from './link-escape.js'
import { SpillFile } from '../runtime/spill-file.js'
import { NameSet } from './name-set.js'
import type { TarEntry, TarSink } from '../tar/tar-reader.js'
import type { PlainWriters } from './plain-writers.js'

/** A real index is ~150 bytes per entry; on a mismatch both are read into memory to be described. */
export const MAX_INDEX_SIZE = 512 * 1024 * 1024

const RESERVED = INDEX_PATH.slice(0, INDEX_PATH.indexOf('/'))
const EMPTY_SHA256 = hash('sha256', '', 'hex')

type Kind = 'file' | 'dir' | 'symlink' | 'implied'

interface OpenFile {
  entry: TarEntry
  written: number
  hash: Hash | undefined
  sha256: string | undefined
}

/** What the writer may put on disk: the manifest's claims and the destination's free space. */
export interface WriteLimits {
  /** File data the manifest claims (content.bytes). */
  maxBytes?: number
  /** Files the manifest claims (content.files). */
  maxFiles?: number
  /** Bytes the destination may take, free space less a margin, counted in `block`s. */
  room?: { bytes: number; free: number; block: number }
}

/** Both indexes, on disk: the caller removes them once it has checked them. */
export interface WrittenIndexes {
  /** indexLine() + '\n' for each entry as written, in archive order; INDEX_PATH excluded. */
  observedIndex: SpillFile
  /** The archive's own INDEX_PATH entry, byte for byte (not written to dest). */
  archivedIndex: SpillFile
  /** The two are the same bytes (compared as the archive's index arrived). */
  indexesMatch: boolean
}

interface Folder {
  path: string
  mode: number
  mtime: number | undefined
}

/**
 * Writes admitted entries under the writers' root without ever following a link: it trusts only
 * its own map of what it created (parents must be folders it made), creates with
 * O_EXCL|O_NOFOLLOW and non-recursive mkdir, and hashes file data as it hands it over. The
 * folders, links and files are made at once, in archive order; folder modes wait for finish(),
 * and the tree is complete once the writers have settled.
 */
export class TreeWriter implements TarSink {
  /** Folders and links by name: few, and what a path must never pass through unseen. */
  private readonly kinds = new Map<string, Kind>()
  /** Files, by hash: the many; a name in it is refused as a parent and as a second entry. */
  private readonly fileNames = new NameSet()
  private readonly folders: Folder[] = []
  private readonly implied = new Map<string, Folder>()
  private readonly links = new Map<string, string>()
  /** The index of what was written, on disk as it grows. */
  private readonly observed = new SpillFile()
  private file: OpenFile | undefined
  /** The archive's own index, compared with `observed` piece by piece as it arrives. */
  private index: SpillFile | undefined
  private indexMatches = true
  private indexDone = false
  entries = 0
  files = 0
  bytes = 0
  /** File data handed to the writers so far, checked against the limits before each piece. */
  private written = 0
  private started = 0
  /** Disk the entries take: whole blocks per file's data, one block per entry. */
  private used = 0

  constructor(
    private readonly writers: PlainWriters,
    private readonly limits: WriteLimits = {}
  ) {}

  entry(entry: TarEntry): void {
    const { path } = entry
    if (this.indexDone) {
      throw new Error(
        `entry ${showPath(path)} comes after the index ${INDEX_PATH}, which must be the last entry`
      )
    }
    if (path === INDEX_PATH) return this.startIndex(entry)
    if (path === RESERVED || path.startsWith(`${RESERVED}/`)) {
      throw new Error(
        `entry ${showPath(path)} is inside ${RESERVED}/, which only the index may use`
      )
    }
    const existing = this.kindOf(path)
    if (existing === 'implied' && entry.type === 'dir') return this.declareImplied(entry)
    if (existing === 'implied') {
      throw new Error(
        `entry ${showPath(path)} is a ${entry.type}, but earlier entries put files inside it`
      )
    }
    if (existing) throw new Error(`entry ${showPath(path)} appears twice in the archive`)
    this.checkRoom(path, 0, 1)
    if (entry.type === 'file') this.checkFiles(entry)
    this.ensureParent(path)
    if (entry.type === 'dir') {
      this.writers.mkdir(path)
      this.kinds.set(path, 'dir')
      this.folders.push({ path, mode: entry.mode, mtime: entry.mtime })
      this.addLine(indexLine({ path, type: 'dir', mode: entry.mode }))
    } else if (entry.type === 'symlink') {
      this.writers.symlink(path, entry.target)
      this.kinds.set(path, 'symlink')
      this.links.set(path, entry.target)
      // Linux ignores a symlink's mode and lstat always reports 0o777
      this.addLine(indexLine({ path, type: 'symlink', mode: 0o777, target: entry.target }))
    } else {
      this.writers.open(path)
      this.fileNames.add(path)
      this.file = { entry, written: 0, hash: undefined, sha256: undefined }
    }
  }

  data(piece: Buffer): void {
    if (this.index) {
      // piece by piece, so a hostile declared size costs nothing until bytes arrive
      this.indexMatches &&= this.observed.equalsAt(this.index.size, piece)
      this.index.append(piece)
      return
    }
    const file = this.file!
    // before the piece is written: a piece past the claim never reaches the disk
    const max = this.limits.maxBytes
    if (max !== undefined && this.written + piece.length > max) {
      throw new Error(this.pastBytes(file.entry.path, this.written + piece.length - max))
    }
    this.checkRoom(file.entry.path, file.written + piece.length, 0)
    this.written += piece.length
    if (file.written === 0 && piece.length === file.entry.size) {
      // the whole file arrived in one piece: a one-shot digest skips the Hash object
      file.sha256 = hash('sha256', piece, 'hex')
    } else {
      file.hash ??= createHash('sha256')
      file.hash.update(piece)
    }
    this.writers.write(piece)
    file.written += piece.length
  }

  fileEnd(): void {
    if (this.index) {
      this.indexDone = true
      return
    }
    const { entry, hash: running, sha256 } = this.file!
    this.file = undefined
    if (this.limits.room) {
      this.used += Math.ceil(entry.size / this.limits.room.block) * this.limits.room.block
    }
    this.writers.finishFile(entry.mode, entry.mtime)
    const digest = sha256 ?? running?.digest('hex') ?? EMPTY_SHA256
    this.addLine(
      indexLine({
        path: entry.path,
        type: 'file',
        mode: entry.mode,
        size: entry.size,
        sha256: digest
      })
    )
    this.files++
    this.bytes += entry.size
  }

  /** After the last entry: the index must have been read, no link chain may climb out, and
   * folder modes and times are queued children first (reverse creation order), so a read-only
   * folder never blocks its own contents. The caller then settles the writers. */
  finish(): WrittenIndexes {
    if (!this.indexDone || !this.index) {
      throw new Error(
        `archive has no index entry ${INDEX_PATH}: it is incomplete or not a cutover-gate snapshot`
      )
    }
    const escape = findLinkEscape(this.links)
    if (escape?.tooTangled) {
      throw new Error(
        `symlink ${showPath(escape.link)} is one of too many chained links to check (over ${MAX_STEPS} lookup steps)`
      )
    }
    if (escape) {
      throw new Error(
        `symlink ${showPath(escape.link)} points outside the snapshot through symlink ${showPath(escape.via)}`
      )
    }
    for (let i = this.folders.length - 1; i >= 0; i--) {
      const { path, mode, mtime } = this.folders[i]!
      this.writers.chmod(path, mode, mtime)
    }
    return {
      observedIndex: this.observed,
      archivedIndex: this.index,
      indexesMatch: this.indexMatches && this.index.size === this.observed.size
    }
  }

  /** Deletes both indexes' spill files (after a failure: finish() hands them over instead). */
  discard(): void {
    this.observed.remove()
    this.index?.remove()
  }

  /** A file past content.files stops at its header, before it is created. */
  private checkFiles(entry: TarEntry): void {
    const { maxFiles } = this.limits
    if (maxFiles !== undefined && this.started + 1 > maxFiles) {
      throw new Error(
        `the archive holds more files than the manifest's content.files of ${maxFiles}: entry ${showPath(entry.path)} is file ${this.started + 1}; stopped before writing it (a manifest that does not describe this snapshot)`
      )
    }
    this.started++
  }

  private pastBytes(path: string, over: number): string {
    return `the archive holds more file data than the manifest's ${this.limits.maxBytes} bytes (content.bytes): entry ${showPath(path)} goes ${over} bytes past it; stopped before writing those bytes (a compression bomb, or a manifest that does not describe this snapshot)`
  }

  /**
   * Stops before the destination would fill, per piece: `used` holds one block per entry and the
   * whole blocks of finished files; the open file's `fileBytes` are rounded up on top.
   */
  private checkRoom(path: string, fileBytes: number, entries: number): void {
    const room = this.limits.room
    if (!room) return
    const need = (Math.ceil(fileBytes / room.block) + entries) * room.block
    if (this.used + need > room.bytes) {
      throw new Error(
        `the restore folder has ${room.free} bytes free (${room.bytes} usable after a margin) and entry ${showPath(path)} would take the restore ${this.used + need - room.bytes} bytes past that; stopped before writing it: free space there (or point RUNNER_TEMP / TMPDIR elsewhere) and rerun`
      )
    }
    if (entries > 0) this.used += need
  }

  private kindOf(path: string): Kind | undefined {
    return this.kinds.get(path) ?? (this.fileNames.has(path) ? 'file' : undefined)
  }

  private addLine(line: string): void {
    this.observed.append(`${line}\n`)
    this.entries++
  }

  private startIndex(entry: TarEntry): void {
    if (entry.type !== 'file') {
      throw new Error(
        `entry ${showPath(entry.path)} is a ${entry.type}, but the index must be a regular file`
      )
    }
    if (entry.size > MAX_INDEX_SIZE) {
      throw new Error(
        `entry ${showPath(entry.path)} declares ${entry.size} bytes, more than the ${MAX_INDEX_SIZE}-byte limit for an index`
      )
    }
    this.index = new SpillFile()
  }

  /** A folder first created as an implied parent, then listed itself: give it its own mode. */
  private declareImplied(entry: TarEntry): void {
    const folder = this.implied.get(entry.path)!
    this.implied.delete(entry.path)
    folder.mode = entry.mode
    folder.mtime = entry.mtime
    this.kinds.set(entry.path, 'dir')
    this.addLine(indexLine({ path: entry.path, type: 'dir', mode: entry.mode }))
  }

  /** The parent must be a folder this writer made; missing ancestors become 0o755 folders. */
  private ensureParent(path: string): void {
    const missing: string[] = []
    let parent = path
    for (;;) {
      const slash = parent.lastIndexOf('/')
      if (slash < 0) break
      parent = parent.slice(0, slash)
      const kind = this.kindOf(parent)
      if (kind === 'dir' || kind === 'implied') break
      if (kind) {
        throw new Error(
          `entry ${showPath(path)} escapes through a link: ${showPath(parent)} is a ${kind} in this archive`
        )
      }
      missing.push(parent)
    }
    for (let i = missing.length - 1; i >= 0; i--) {
      const folder = missing[i]!
      this.writers.mkdir(folder, path)
      const record: Folder = { path: folder, mode: 0o755, mtime: undefined }
      this.kinds.set(folder, 'implied')
      this.implied.set(folder, record)
      this.folders.push(record)
    }
  }
}
