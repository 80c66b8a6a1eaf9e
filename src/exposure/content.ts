import { gitLines } from '../util/git-output.js'
import { blobIdOfFile, type ObjectFormat } from './object-format.js'
import { includeFiles } from './include-files.js'
import { underIncludes } from './git-paths.js'
import type { Ref } from './refs.js'

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
  knownReachable: ReadonlySet<string> = new Set()
): Promise<ContentExposure> {
  let unreadable = 0
  let files = 0
  // blob id -> how many files have those bytes
  const wanted = new Map<string, number>()
  for (const file of includeFiles(repo, includes, () => unreadable++)) {
    files++
    if (file.size < MIN_LOOKUP_BYTES) continue
    let id: string | undefined
    try {
      id = blobIdOfFile(file.abs, file.size, format)
    } catch {
      id = undefined
    }
    if (id === undefined) {
      unreadable++
      continue
    }
    wanted.set(id, (wanted.get(id) ?? 0) + 1)
  }
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
