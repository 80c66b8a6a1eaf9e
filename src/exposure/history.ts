import { gitLines } from '../util/git-output.js'
import { countLfsPointers } from './lfs-pointers.js'
import type { ObjectFormat } from '../hashing/blob-ids.js'
import { emptyTreeId } from './object-format.js'
import { literalPathspecs } from './git-paths.js'
import type { Ref, RefKind } from './refs.js'

/** A commit named in the report: its id and committer date. */
export interface CommitMark {
  id: string
  date: string
}

/** What the refs' history publishes of the includes. Counts and ids only: no path under one. */
export interface HistoryExposure {
  /** Commits reachable from any ref (HEAD, branches, tags, remotes, notes, stashes). */
  scanned: number
  /** Of those, the commits whose tree holds a path under an include. */
  commits: number
  /** The same count per include root, in the order of the includes. */
  perInclude: { include: string; commits: number }[]
  /** The oldest and newest of them, by committer date. */
  first?: CommitMark
  last?: CommitMark
  /** Whether HEAD's own tree holds a path under an include. */
  headHolds: boolean
  /** Refs whose history reaches such a commit, counted by kind; and the first few names. */
  refs: Partial<Record<RefKind, number>>
  refNames: string[]
  /** Distinct Git LFS pointers ever under the includes (a rewrite leaves their objects on the server). */
  lfsPointers: number
}

interface Commit {
  tree: string
  time: number
  parents: string[]
}

const SHOWN_REFS = 10

/**
 * One pass of plumbing over the whole history: every commit of every ref with its root tree
 * (`rev-list`), then each distinct tree asked, in one `cat-file --batch-check`, whether it holds
 * each include root. A commit holds the include when its tree does, whether or not it touched it.
 */
export async function auditHistory(
  repo: string,
  includes: readonly string[],
  treePaths: readonly string[],
  refs: readonly Ref[],
  head: string | undefined,
  format: ObjectFormat
): Promise<{ history: HistoryExposure; blobsUnder: ReadonlySet<string> }> {
  // refs outside --all's reach: older stash entries live only in a reflog
  const extra = refs.filter((ref) => !ref.name.startsWith('refs/') && ref.commit)
  const commits = new Map<string, Commit>()
  for await (const line of gitLines(
    repo,
    ['rev-list', '--all', '--stdin', '--no-commit-header', '--format=%H %T %ct %P'],
    { input: extra.map((ref) => ref.commit!) }
  )) {
    const [id, tree, time, ...parents] = line.split(' ')
    if (!id || !tree) continue
    commits.set(id, { tree, time: Number(time), parents: parents.filter(Boolean) })
  }

  const trees = [...new Set([...commits.values()].map((commit) => commit.tree))]
  const holds = await treesHolding(repo, trees, treePaths, format)

  const perInclude = includes.map((include) => ({ include, commits: 0 }))
  let count = 0
  let first: [string, Commit] | undefined
  let last: [string, Commit] | undefined
  const exposed = new Set<string>()
  for (const entry of commits) {
    const held = holds.get(entry[1].tree)
    if (!held) continue
    exposed.add(entry[0])
    count++
    perInclude.forEach((row, at) => {
      if (held.has(at)) row.commits++
    })
    if (!first || before(entry, first)) first = entry
    if (!last || before(last, entry)) last = entry
  }

  const reaching = reachesExposed(commits, exposed)
  const refCounts: Partial<Record<RefKind, number>> = {}
  const refNames: string[] = []
  for (const ref of refs) {
    if (!ref.commit || !reaching(ref.commit)) continue
    refCounts[ref.kind] = (refCounts[ref.kind] ?? 0) + 1
    if (refNames.length < SHOWN_REFS) refNames.push(ref.name)
  }

  // blob ids that reachable commits put under the includes: reachable by construction
  const blobsUnder = count === 0 ? new Set<string>() : await blobsEverUnder(repo, treePaths, extra)
  const history: HistoryExposure = {
    scanned: commits.size,
    commits: count,
    perInclude,
    ...(first ? { first: mark(first) } : {}),
    ...(last ? { last: mark(last) } : {}),
    headHolds: head !== undefined && exposed.has(head),
    refs: refCounts,
    refNames,
    lfsPointers: await countLfsPointers(repo, blobsUnder)
  }
  return { history, blobsUnder }
}

const before = (a: [string, Commit], b: [string, Commit]): boolean =>
  a[1].time < b[1].time || (a[1].time === b[1].time && a[0] < b[0])

const mark = ([id, commit]: [string, Commit]): CommitMark => ({
  id,
  date: new Date(commit.time * 1000).toISOString()
})

/** For each tree that holds any, which include roots (by index) it holds; an empty tree holds none. */
async function treesHolding(
  repo: string,
  trees: readonly string[],
  treePaths: readonly string[],
  format: ObjectFormat
): Promise<Map<string, Set<number>>> {
  const empty = emptyTreeId(format)
  const holds = new Map<string, Set<number>>()
  function* questions(): Generator<string> {
    for (const tree of trees) for (const treePath of treePaths) yield `${tree}:${treePath}`
  }
  let at = 0
  for await (const line of gitLines(
    repo,
    ['cat-file', '--batch-check=%(objectname) %(objecttype)'],
    {
      input: questions()
    }
  )) {
    const tree = trees[Math.floor(at / treePaths.length)]!
    const include = at % treePaths.length
    at++
    if (line.endsWith(' missing') || line.endsWith(' ambiguous')) continue
    if (line.startsWith(`${empty} `)) continue
    const held = holds.get(tree) ?? new Set<number>()
    holds.set(tree, held.add(include))
  }
  if (at !== trees.length * treePaths.length) {
    throw new Error(`git cat-file answered ${at} of ${trees.length * treePaths.length} questions`)
  }
  return holds
}

/** Whether a commit is, or has among its ancestors, an exposed commit (memoised, no recursion). */
function reachesExposed(
  commits: ReadonlyMap<string, Commit>,
  exposed: ReadonlySet<string>
): (id: string) => boolean {
  const known = new Map<string, boolean>()
  return (start) => {
    const stack: string[] = [start]
    while (stack.length > 0) {
      const id = stack[stack.length - 1]!
      if (known.has(id)) {
        stack.pop()
        continue
      }
      if (exposed.has(id)) {
        known.set(id, true)
        stack.pop()
        continue
      }
      const parents = commits.get(id)?.parents ?? []
      const open = parents.filter((parent) => !known.has(parent))
      if (open.length > 0) {
        stack.push(...open)
        continue
      }
      known.set(
        id,
        parents.some((parent) => known.get(parent))
      )
      stack.pop()
    }
    return known.get(start) ?? false
  }
}

/** Every blob id that any reachable commit put under an include (merges diffed to each parent). */
async function blobsEverUnder(
  repo: string,
  treePaths: readonly string[],
  extra: readonly Ref[]
): Promise<Set<string>> {
  const blobs = new Set<string>()
  for await (const line of gitLines(
    repo,
    [
      'log',
      '--all',
      '--stdin',
      '--raw',
      '--no-renames',
      '--no-abbrev',
      '-m',
      '--format=tformat:',
      '--',
      ...literalPathspecs(treePaths)
    ],
    { input: extra.map((ref) => ref.commit!) }
  )) {
    if (!line.startsWith(':')) continue
    const [, newMode, , newId] = line.slice(1, line.indexOf('\t')).split(' ')
    if (newId && (newMode === '100644' || newMode === '100755') && !/^0+$/.test(newId)) {
      blobs.add(newId)
    }
  }
  return blobs
}
