import { hash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/**
 * What the includes are, entry by entry, without reading a byte of data: type, mode, size, inode,
 * mtime and ctime (nanoseconds), link target. The includes are often untracked (live state is
 * ignored by git), so the drift check on tracked files cannot see a dry-run that writes there;
 * this can: any write or metadata change moves ctime, which only root can set back.
 *
 * Held flat, whatever the entry count: each entry's name in one byte arena, the SHA-256 of its
 * description (64 bits of it) and an open-addressed table over the names in typed arrays, about
 * 40 bytes plus the name's length per entry and no object of its own. A Map of strings took about
 * 600 bytes per entry, held from before the migration dry-run until the snapshot had read every
 * file: 16,500 entries of them grew the main thread's young generation to its largest (64 MiB)
 * within the first second of a precutover.
 */
export class IncludeFingerprint {
  /** Regular files among the entries, and their bytes: the totals a snapshot's progress counts to. */
  files = 0
  bytes = 0
  #count = 0
  #names = Buffer.allocUnsafe(64 * 1024)
  #used = 0
  #nameAt = new Float64Array(1024)
  #nameLength = new Uint32Array(1024)
  #description = new Uint32Array(2 * 1024)
  /** Record number + 1 by name; 0 is an empty slot. At most half full. */
  #table = new Int32Array(2048)

  get size(): number {
    return this.#count
  }

  /** Bytes of memory the fingerprint holds: its arena and its typed arrays, nothing per entry. */
  get heldBytes(): number {
    return (
      this.#names.length +
      this.#nameAt.byteLength +
      this.#nameLength.byteLength +
      this.#description.byteLength +
      this.#table.byteLength
    )
  }

  /** Records an entry; a name given twice keeps its first description. */
  add(rel: string, description: string): void {
    if (this.#find(rel) >= 0) return
    const record = this.#count
    if (record === this.#nameAt.length) this.#growRecords()
    const length = Buffer.byteLength(rel, 'latin1')
    if (this.#used + length > this.#names.length) this.#growNames(length)
    this.#names.write(rel, this.#used, 'latin1')
    this.#nameAt[record] = this.#used
    this.#nameLength[record] = length
    this.#used += length
    const [hi, lo] = describeHash(description)
    this.#description[2 * record] = hi
    this.#description[2 * record + 1] = lo
    this.#count++
    if (this.#count * 2 > this.#table.length) this.#growTable()
    else this.#put(record)
  }

  /** The record of `rel`, or -1. */
  #find(rel: string): number {
    const mask = this.#table.length - 1
    for (let at = nameHash(rel) & mask; ; at = (at + 1) & mask) {
      const slot = this.#table[at]!
      if (slot === 0) return -1
      if (this.#nameOf(slot - 1) === rel) return slot - 1
    }
  }

  /**
   * The entries of `after` (a walk made now) that are new or different, and this one's entries
   * that `after` no longer has.
   */
  changedIn(walk: (onEntry: (rel: string, description: string) => void) => void): string[] {
    const seen = new Uint8Array(this.#count)
    const changed = new Set<string>()
    walk((rel, description) => {
      const record = this.#find(rel)
      if (record < 0) {
        changed.add(rel)
        return
      }
      seen[record] = 1
      const [hi, lo] = describeHash(description)
      if (this.#description[2 * record] !== hi || this.#description[2 * record + 1] !== lo)
        changed.add(rel)
    })
    for (let record = 0; record < this.#count; record++)
      if (seen[record] === 0) changed.add(this.#nameOf(record))
    return [...changed]
  }

  #nameOf(record: number): string {
    const at = this.#nameAt[record]!
    return this.#names.toString('latin1', at, at + this.#nameLength[record]!)
  }

  #put(record: number): void {
    const mask = this.#table.length - 1
    let at = nameHash(this.#nameOf(record)) & mask
    while (this.#table[at] !== 0) at = (at + 1) & mask
    this.#table[at] = record + 1
  }

  #growRecords(): void {
    const n = this.#nameAt.length * 2
    const nameAt = new Float64Array(n)
    nameAt.set(this.#nameAt)
    this.#nameAt = nameAt
    const nameLength = new Uint32Array(n)
    nameLength.set(this.#nameLength)
    this.#nameLength = nameLength
    const description = new Uint32Array(2 * n)
    description.set(this.#description)
    this.#description = description
  }

  #growNames(need: number): void {
    const names = Buffer.allocUnsafe(Math.max(2 * this.#names.length, this.#used + need))
    this.#names.copy(names, 0, 0, this.#used)
    this.#names = names
  }

  #growTable(): void {
    this.#table = new Int32Array(this.#table.length * 2)
    for (let record = 0; record < this.#count; record++) this.#put(record)
  }
}

const SEED = randomBytes(4).readUInt32LE(0)

/** A 32-bit hash of a name's code units (latin1 bytes), seeded per process: only a slot to start at. */
function nameHash(name: string): number {
  let h = SEED ^ name.length
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  return (h ^ (h >>> 13)) >>> 0
}

/** 64 bits of the SHA-256 of a description: a change of it cannot be chosen to look the same. */
function describeHash(description: string): [number, number] {
  const digest = hash('sha256', description, 'buffer')
  return [digest.readUInt32LE(0), digest.readUInt32LE(4)]
}

function describe(stat: fs.BigIntStats, abs: Buffer): string {
  const kind = stat.isSymbolicLink()
    ? `link->${fs.readlinkSync(abs, { encoding: 'buffer' }).toString('hex')}`
    : stat.isDirectory()
      ? 'dir'
      : stat.isFile()
        ? 'file'
        : 'other'
  return `${kind} ${stat.mode} ${stat.size} ${stat.ino} ${stat.mtimeNs} ${stat.ctimeNs}`
}

/**
 * Every entry under the includes with its description, in walk order. Names are bytes (latin1
 * keeps every byte), relative to repo; a regular file's size comes with it.
 */
function walkIncludes(
  repo: string,
  includes: readonly string[],
  onEntry: (rel: string, description: string, fileBytes?: number) => void
): void {
  const visit = (abs: Buffer, rel: string): void => {
    let stat: fs.BigIntStats
    try {
      stat = fs.lstatSync(abs, { bigint: true })
    } catch {
      onEntry(rel, 'missing')
      return
    }
    onEntry(rel, describe(stat, abs), stat.isFile() ? Number(stat.size) : undefined)
    if (!stat.isDirectory()) return
    let names: Buffer[]
    try {
      names = fs.readdirSync(abs, { encoding: 'buffer' })
    } catch (error) {
      onEntry(`${rel}/`, `unlistable ${(error as NodeJS.ErrnoException).code ?? ''}`)
      return
    }
    for (const name of names) {
      visit(Buffer.concat([abs, Buffer.from('/'), name]), `${rel}/${name.toString('latin1')}`)
    }
  }
  for (const include of includes) visit(Buffer.from(path.join(repo, include)), include)
}

/** The includes as they are now. */
export function fingerprintIncludes(repo: string, includes: readonly string[]): IncludeFingerprint {
  const out = new IncludeFingerprint()
  walkIncludes(repo, includes, (rel, description, fileBytes) => {
    out.add(rel, description)
    if (fileBytes !== undefined) {
      out.files++
      out.bytes += fileBytes
    }
  })
  return out
}

/**
 * Entries added, removed or changed since `before`, the includes walked now, sorted, shown as
 * UTF-8. They are private names: a message lists them through privateList().
 */
export function changedSince(
  before: IncludeFingerprint,
  repo: string,
  includes: readonly string[]
): string[] {
  return before
    .changedIn((onEntry) => walkIncludes(repo, includes, onEntry))
    .sort()
    .map((rel) => JSON.stringify(Buffer.from(rel, 'latin1').toString('utf8')).slice(1, -1))
}

/** The regular files of a fingerprint and their bytes: the totals a snapshot's progress counts to. */
export function fingerprintTotals(fingerprint: IncludeFingerprint): {
  count: number
  bytes: number
} {
  return { count: fingerprint.files, bytes: fingerprint.bytes }
}
