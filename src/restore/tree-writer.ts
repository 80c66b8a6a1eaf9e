import { createHash, hash, type Hash } from 'node:crypto'
import fs from 'node:fs'
import { INDEX_PATH, indexLine } from '../snapshot/index-format.js'
import { showPath } from './entry-path.js'
import { findLinkEscape, MAX_STEPS } from './link-escape.js'
import { TextLog } from '../util/text-log.js'
import type { TarEntry, TarSink } from './tar-reader.js'

/** The index is read into memory to be compared; a real one is ~150 bytes per entry. */
export const MAX_INDEX_SIZE = 512 * 1024 * 1024

const RESERVED = INDEX_PATH.slice(0, INDEX_PATH.indexOf('/'))
const OPEN_FLAGS =
  fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW
const EMPTY_SHA256 = hash('sha256', '', 'hex')

type Kind = 'file' | 'dir' | 'symlink' | 'implied'

interface OpenFile {
  entry: TarEntry
  fd: number
  written: number
  hash: Hash | undefined
  sha256: string | undefined
}

interface Folder {
  path: string
  mode: number
  mtime: number | undefined
}

/** A filesystem error as one line naming the entry. */
function fsError(action: string, path: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message
  return new Error(`cannot ${action} entry ${showPath(path)}: ${code}`)
}

/**
 * Writes admitted entries under root without ever following a link: it trusts only its own map of
 * what it created (parents must be folders it made), creates with O_EXCL|O_NOFOLLOW and
 * non-recursive mkdir, and hashes file data as it is written. Folder modes wait for finish().
 */
export class TreeWriter implements TarSink {
  private readonly kinds = new Map<string, Kind>()
  private readonly folders: Folder[] = []
  private readonly implied = new Map<string, Folder>()
  private readonly links = new Map<string, string>()
  private readonly lines = new TextLog()
  private file: OpenFile | undefined
  private index: Buffer[] | undefined
  private indexDone = false
  entries = 0
  files = 0
  bytes = 0

  constructor(private readonly root: string) {}

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
    const existing = this.kinds.get(path)
    if (existing === 'implied' && entry.type === 'dir') return this.declareImplied(entry)
    if (existing === 'implied') {
      throw new Error(
        `entry ${showPath(path)} is a ${entry.type}, but earlier entries put files inside it`
      )
    }
    if (existing) throw new Error(`entry ${showPath(path)} appears twice in the archive`)
    this.ensureParent(path)
    const full = `${this.root}/${path}`
    if (entry.type === 'dir') {
      this.attempt('create folder', path, () => fs.mkdirSync(full, 0o700))
      this.kinds.set(path, 'dir')
      this.folders.push({ path, mode: entry.mode, mtime: entry.mtime })
      this.addLine(indexLine({ path, type: 'dir', mode: entry.mode }))
    } else if (entry.type === 'symlink') {
      this.attempt('create symlink', path, () => fs.symlinkSync(entry.target, full))
      this.kinds.set(path, 'symlink')
      this.links.set(path, entry.target)
      // Linux ignores a symlink's mode and lstat always reports 0o777
      this.addLine(indexLine({ path, type: 'symlink', mode: 0o777, target: entry.target }))
    } else {
      const fd = this.attempt('create file', path, () => fs.openSync(full, OPEN_FLAGS, 0o600))
      this.kinds.set(path, 'file')
      this.file = { entry, fd, written: 0, hash: undefined, sha256: undefined }
    }
  }

  data(piece: Buffer): void {
    if (this.index) {
      // copied piece by piece, so a hostile declared size costs nothing until bytes arrive
      this.index.push(Buffer.from(piece))
      return
    }
    const file = this.file!
    if (file.written === 0 && piece.length === file.entry.size) {
      // the whole file arrived in one piece: a one-shot digest skips the Hash object
      file.sha256 = hash('sha256', piece, 'hex')
    } else {
      file.hash ??= createHash('sha256')
      file.hash.update(piece)
    }
    this.attempt('write', file.entry.path, () => {
      for (let done = 0; done < piece.length;) {
        done += fs.writeSync(file.fd, piece, done, piece.length - done)
      }
    })
    file.written += piece.length
  }

  fileEnd(): void {
    if (this.index) {
      this.indexDone = true
      return
    }
    const { entry, fd, hash: running, sha256 } = this.file!
    this.file = undefined
    this.attempt('finish', entry.path, () => {
      try {
        fs.fchmodSync(fd, entry.mode)
        if (entry.mtime !== undefined) fs.futimesSync(fd, entry.mtime, entry.mtime)
      } finally {
        fs.closeSync(fd)
      }
    })
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
   * folder modes and times are applied children first (reverse creation order), so a read-only
   * folder never blocks its own contents. */
  finish(): { observedIndex: Buffer; archivedIndex: Buffer } {
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
      const full = `${this.root}/${path}`
      this.attempt('set mode of', path, () => {
        fs.chmodSync(full, mode)
        if (mtime !== undefined) fs.utimesSync(full, mtime, mtime)
      })
    }
    return {
      observedIndex: this.lines.bytes(),
      archivedIndex: Buffer.concat(this.index)
    }
  }

  /** Closes a half-written file after an error; the caller discards the whole folder. */
  abort(): void {
    if (!this.file) return
    try {
      fs.closeSync(this.file.fd)
    } catch {
      // already closed or never opened: nothing left to release
    }
    this.file = undefined
  }

  private addLine(line: string): void {
    this.lines.append(`${line}\n`)
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
    this.index = []
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
      const kind = this.kinds.get(parent)
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
      this.attempt('create parent folder of', path, () =>
        fs.mkdirSync(`${this.root}/${folder}`, 0o700)
      )
      const record: Folder = { path: folder, mode: 0o755, mtime: undefined }
      this.kinds.set(folder, 'implied')
      this.implied.set(folder, record)
      this.folders.push(record)
    }
  }

  private attempt<T>(action: string, path: string, work: () => T): T {
    try {
      return work()
    } catch (error) {
      throw fsError(action, path, error)
    }
  }
}
