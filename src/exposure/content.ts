import { gitLines } from '../util/git-output.js'
import { hashFileBytes } from './object-format.js'
import { includeFiles } from './include-files.js'
import { underIncludes } from './git-paths.js'
import type { Ref } from './refs.js'
import { BlobIdTally, type BlobIdCounts, type ObjectFormat } from '../hashing/blob-ids.js'

/**
 * Files this small are everyone's content (an empty file, `{}`, a newline): finding their blob
 * in a repository says nothing about the private state.
 */
export const MIN_LOOKUP_BYTES = 64

/** Whether git already holds the bytes of the files under the includes, wherever it put them. */
export interface ContentExposure {
  /** Regular files under the includes now. */
  files: number
  /** Those of at least MIN_LOOKUP_BYTES, looked up by blob id. */
  lookedUp: number
  /** Files whose exact bytes are an object of the repository. */
  inObjects: number
  /** Of those, the ones a ref reaches (published with the repository). */
  reachable: number
  /** Of the reachable, the ones git first meets at a path outside the includes (a copy). */
  elsewhere: number
  /** Files or folders that could not be read. */
  unreadable: number
}

/**
 * The git blob id of every file under the includes, computed here, looked up in the object
 * database in one `cat-file --batch-check`; the ones found that the history pass did not see
 * under the includes are then sought among the objects the refs reach in one
 * `rev-list --objects` pass (run only then).
 */
export async function auditContent(
  repo: string,
  includes: readonly string[],
  treePaths: readonly string[],
  refs: readonly Ref[],
  format: ObjectFormat,
  /** Blobs the history pass saw under the includes in reachable commits: no need to seek them. */
  knownReachable: ReadonlySet<string> = new Set(),
  /** The files' blob ids, taken by the snapshot as it read them (same format): none read here. */
  taken?: BlobIdTally
): Promise<ContentExposure> {
  const { files, wanted, unreadable } = taken
    ? { files: taken.files, wanted: taken.counts, unreadable: 0 }
    : blobIdsOf(repo, includes, format)
  const lookedUp = [...wanted.values()].reduce((a, b) => a + b, 0)
  const found = new Set<string>()
  if (wanted.size > 0) {
    for await (const line of gitLines(
      repo,
      ['cat-file', '--batch-check=%(objectname) %(objecttype)'],
      {
        input: wanted.keys()
      }
    )) {
      const [id, type] = line.split(' ')
      if (type === 'blob' && id && wanted.has(id)) found.add(id)
    }
  }
  const reached = new Map<string, boolean>()
  for (const id of found) if (knownReachable.has(id)) reached.set(id, false)
  // the walk over every reachable object runs only for bytes the history pass did not see
  if ([...found].some((id) => !reached.has(id))) {
    const extra = refs.filter((ref) => !ref.name.startsWith('refs/') && ref.commit)
    for await (const line of gitLines(repo, ['rev-list', '--all', '--objects', '--stdin'], {
      input: extra.map((ref) => ref.commit!)
    })) {
      const space = line.indexOf(' ')
      const id = space < 0 ? line : line.slice(0, space)
      if (!found.has(id) || reached.has(id)) continue
      reached.set(id, space >= 0 && !underIncludes(line.slice(space + 1), treePaths))
    }
  }
  const filesOf = (ids: Iterable<string>): number =>
    [...ids].reduce((sum, id) => sum + (wanted.get(id) ?? 0), 0)
  return {
    files,
    lookedUp,
    inObjects: filesOf(found),
    reachable: filesOf(reached.keys()),
    elsewhere: filesOf([...reached].filter(([, outside]) => outside).map(([id]) => id)),
    unreadable
  }
}

/** Reads every file under the includes for its blob id (mode exposure-audit: no snapshot read them). */
function blobIdsOf(
  repo: string,
  includes: readonly string[],
  format: ObjectFormat
): { files: number; wanted: BlobIdCounts; unreadable: number } {
  const tally = new BlobIdTally(format, MIN_LOOKUP_BYTES)
  let unreadable = 0
  for (const file of includeFiles(repo, includes, () => unreadable++)) {
    const hash = tally.begin(file.size)
    if (!hash) continue
    let whole: boolean
    try {
      whole = hashFileBytes(hash, file.abs, file.size)
    } catch {
      whole = false
    }
    if (whole) tally.add(hash)
    else unreadable++
  }
  return { files: tally.files, wanted: tally.counts, unreadable }
}
