import fs from 'node:fs'
import path from 'node:path'

/**
 * What the includes are, entry by entry, without reading a byte of data: type, mode, size, inode,
 * mtime and ctime (nanoseconds), link target. The includes are often untracked (live state is
 * ignored by git), so the drift check on tracked files cannot see a dry-run that writes there;
 * this can: any write or metadata change moves ctime, which only root can set back.
 */
export type IncludeFingerprint = Map<string, string>

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

/** Entry names as bytes (latin1 keeps every byte), relative to repo. */
export function fingerprintIncludes(repo: string, includes: readonly string[]): IncludeFingerprint {
  const out: IncludeFingerprint = new Map()
  const visit = (abs: Buffer, rel: string): void => {
    let stat: fs.BigIntStats
    try {
      stat = fs.lstatSync(abs, { bigint: true })
    } catch {
      out.set(rel, 'missing')
      return
    }
    out.set(rel, describe(stat, abs))
    if (!stat.isDirectory()) return
    let names: Buffer[]
    try {
      names = fs.readdirSync(abs, { encoding: 'buffer' })
    } catch (error) {
      out.set(`${rel}/`, `unlistable ${(error as NodeJS.ErrnoException).code ?? ''}`)
      return
    }
    for (const name of names) {
      visit(Buffer.concat([abs, Buffer.from('/'), name]), `${rel}/${name.toString('latin1')}`)
    }
  }
  for (const include of includes) visit(Buffer.from(path.join(repo, include)), include)
  return out
}

/**
 * Entries added, removed or changed between two fingerprints, sorted, shown as UTF-8. They are
 * private names: a message lists them through privateList().
 */
export function changedEntries(before: IncludeFingerprint, after: IncludeFingerprint): string[] {
  const changed = new Set<string>()
  for (const [rel, what] of before) if (after.get(rel) !== what) changed.add(rel)
  for (const rel of after.keys()) if (!before.has(rel)) changed.add(rel)
  return [...changed]
    .sort()
    .map((rel) => JSON.stringify(Buffer.from(rel, 'latin1').toString('utf8')).slice(1, -1))
}

/** The regular files of a fingerprint and their bytes: the totals a snapshot's progress counts to. */
export function fingerprintTotals(fingerprint: IncludeFingerprint): {
  count: number
  bytes: number
} {
  let count = 0
  let bytes = 0
  for (const entry of fingerprint.values()) {
    const [kind, , size] = entry.split(' ')
    if (kind !== 'file') continue
    count++
    bytes += Number(size)
  }
  return { count, bytes }
}
