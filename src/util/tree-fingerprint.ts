import fs from 'node:fs'
import path from 'node:path'
import { FlatNameMap } from './flat-name-map.js'

/**
 * What the includes are, entry by entry, without reading a byte of data: type, mode, size, inode,
 * mtime and ctime (nanoseconds), link target. The includes are often untracked (live state is
 * ignored by git), so the drift check on tracked files cannot see a dry-run that writes there;
 * this can: any write or metadata change moves ctime, which only root can set back.
 *
 * Held flat (FlatNameMap): it lives from before the migration dry-run until the snapshot has read
 * every file, and as a Map of strings (~600 bytes an entry) its 16,500 entries grew the main
 * thread's young generation to its largest (64 MiB) within the first second of a precutover.
 */
export class IncludeFingerprint {
  /** Regular files among the entries, and their bytes: the totals a snapshot's progress counts to. */
  files = 0
  bytes = 0
  readonly entries = new FlatNameMap()

  get size(): number {
    return this.entries.size
  }

  get heldBytes(): number {
    return this.entries.heldBytes
  }

  add(rel: string, description: string): void {
    this.entries.set(rel, description)
  }

  /**
   * The entries of a walk made now that are new or different, and this one's entries the walk
   * no longer has.
   */
  changedIn(walk: (onEntry: (rel: string, description: string) => void) => void): string[] {
    const seen = new Uint8Array(this.entries.size)
    const changed = new Set<string>()
    walk((rel, description) => {
      const entry = this.entries.index(rel)
      if (entry >= 0) seen[entry] = 1
      if (!this.entries.holds(rel, description)) changed.add(rel)
    })
    for (let entry = 0; entry < seen.length; entry++)
      if (seen[entry] === 0) changed.add(this.entries.nameAt(entry))
    return [...changed]
  }
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
