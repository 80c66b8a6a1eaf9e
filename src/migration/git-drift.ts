import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { git as runGit } from '../util/git-output.js'
import { repoPathName } from '../privacy/private-name.js'
import { FlatNameMap } from '../util/flat-name-map.js'

/**
 * The tracked files under repo as git's index lists them and as they are on disk, judged by us:
 * git's own change detection trusts index flags (assume-unchanged, skip-worktree, fsmonitor-valid,
 * racily-clean stat data) that the migration under test can set, so it cannot prove a dry-run dry.
 */
export interface GitState {
  head: string | null
  /** Index entries (`mode blob stage`, one line per stage) by path relative to repo. */
  index: FlatNameMap
  /** What is on disk at every tracked path: mode bits + sha256, link target, or `missing`. */
  content: FlatNameMap
  /** Untracked, not ignored paths (relative to repo), as names with no value. */
  untracked: FlatNameMap
  /** Folder of git's top level, and repo's prefix inside it (`''` or `sub/dir/`). */
  toplevel: string
  prefix: string
}

export interface Drift {
  /** Tracked files (relative to repo) whose index entry or content changed, or that vanished. */
  changed: string[]
  headMoved?: { from: string | null; to: string | null }
  /** Untracked files that appeared: not drift of tracked files, but worth a warning. */
  created: string[]
}

/**
 * git through the one hardened door; here a failure is an error, as drift cannot be judged. Names
 * come back as latin1, one char per byte: a UTF-8 decode would turn `dup\xff` into `dup\uFFFD`,
 * another (or no) file, so a write to it would go unseen.
 */
async function git(repo: string, args: string[]): Promise<string> {
  const result = await runGit(repo, args, {
    timeoutMs: 120_000,
    maxBuffer: 1024 * 1024 * 1024,
    encoding: 'latin1'
  })
  if (!result.ok) throw new Error(`git ${args[0]} in ${repo} failed: ${result.error}`)
  return result.out
}

const BUFFER = Buffer.alloc(1 << 20)

/**
 * What is at file now, by our own reading: every tracked file is hashed before and after, in
 * 1 MiB reads (synchronous: nothing else runs while the repository is judged, and it is ~4x
 * faster than the threadpool for many small files here).
 */
export function contentHash(file: string | Buffer): string {
  let info: fs.Stats
  try {
    info = fs.lstatSync(file)
  } catch {
    return 'missing'
  }
  const mode = (info.mode & 0o7777).toString(8)
  if (info.isSymbolicLink()) return `link:${fs.readlinkSync(file)}`
  if (info.isDirectory()) return `dir:${mode}` // a submodule's gitlink
  if (!info.isFile()) return `other:${mode}`
  const hash = createHash('sha256')
  // non-blocking: a tracked file swapped for a fifo meanwhile must not hang the gate in open()
  const fd = fs.openSync(
    file,
    fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK
  )
  try {
    if (!fs.fstatSync(fd).isFile()) return `other:${mode}`
    for (;;) {
      const read = fs.readSync(fd, BUFFER, 0, BUFFER.length, null)
      if (read === 0) break
      hash.update(BUFFER.subarray(0, read))
    }
  } finally {
    fs.closeSync(fd)
  }
  return `${mode}:${hash.digest('hex')}`
}

function splitZ(out: string): string[] {
  return out.split('\0').filter(Boolean)
}

/** The NUL-ended records of git's `-z` output, one at a time: no array of them all. */
function* recordsZ(out: string): Generator<string> {
  for (let at = 0; at < out.length;) {
    let end = out.indexOf('\0', at)
    if (end < 0) end = out.length
    if (end > at) yield out.slice(at, end)
    at = end + 1
  }
}

/** The bytes of a latin1 name from git, as a path fs reads exactly. */
const onDisk = (repo: string, name: string): Buffer =>
  Buffer.concat([Buffer.from(`${repo}/`), Buffer.from(name, 'latin1')])

/**
 * A latin1 name from git as the report shows it (UTF-8, invalid bytes as U+FFFD); one under an
 * include is private, marked for the doors to render.
 */
const shown = (name: string): string => {
  const text = Buffer.from(name, 'latin1').toString('utf8')
  return repoPathName(text)
}

/**
 * The first folder between repo and file that is a symlink, with its target, or undefined: a
 * tracked folder swapped for a link to a copy keeps every hash but is drift to git.
 */
function linkedParent(repo: string, name: string, seen: Map<string, string>): string | undefined {
  let at = name.lastIndexOf('/')
  const parents: string[] = []
  while (at > 0) {
    parents.unshift(name.slice(0, at))
    at = name.lastIndexOf('/', at - 1)
  }
  for (const parent of parents) {
    let verdict = seen.get(parent)
    if (verdict === undefined) {
      const folder = onDisk(repo, parent)
      try {
        verdict = fs.lstatSync(folder).isSymbolicLink()
          ? `link:${shown(parent)}->${fs.readlinkSync(folder).toString()}`
          : ''
      } catch {
        verdict = ''
      }
      seen.set(parent, verdict)
    }
    if (verdict) return verdict
  }
  return undefined
}

/** What is at a tracked name now: its content, or the symlinked folder it is reached through. */
function trackedContent(repo: string, name: string, seen: Map<string, string>): string {
  return linkedParent(repo, name, seen) ?? contentHash(onDisk(repo, name))
}

/**
 * Reads the git state of repo; throws if repo is not in a git work tree (or git fails). Only
 * `rev-parse` and `ls-files`: no command that refreshes the index or runs a filter.
 */
export async function readGitState(repo: string): Promise<GitState> {
  // One call for where we are and HEAD; a repository without commits has no HEAD to show.
  const where = await git(repo, ['rev-parse', '--show-toplevel', '--show-prefix', 'HEAD']).catch(
    () => null
  )
  const [toplevel = '', prefix = '', head = null] = (
    where ?? (await git(repo, ['rev-parse', '--show-toplevel', '--show-prefix']))
  ).split('\n')
  // held flat (FlatNameMap): before and after are both alive while they are compared, and a
  // repository of 1,000,000 tracked files took over 1 GiB as Maps of strings
  const index = new FlatNameMap()
  const content = new FlatNameMap()
  const seen = new Map<string, string>()
  // the stages of one path come together (ls-files sorts by path): joined into one value
  let file: string | undefined
  let entries = ''
  const flush = (): void => {
    if (file === undefined) return
    index.set(file, entries)
    content.set(file, trackedContent(repo, file, seen))
  }
  for (const line of recordsZ(await git(repo, ['ls-files', '-z', '--stage', '--', '.']))) {
    const tab = line.indexOf('\t')
    const name = line.slice(tab + 1)
    const entry = line.slice(0, tab)
    if (name === file) entries = `${entries}\n${entry}`
    else {
      flush()
      file = name
      entries = entry
    }
  }
  flush()
  const untracked = new FlatNameMap()
  const others = await git(repo, ['ls-files', '-z', '--others', '--exclude-standard', '--', '.'])
  for (const name of recordsZ(others)) untracked.set(name, '')
  return {
    head: head || null,
    index,
    content,
    untracked,
    toplevel,
    prefix
  }
}

/** What changed between two states of the same repo. */
export async function compareGitStates(
  repo: string,
  before: GitState,
  after: GitState
): Promise<Drift> {
  const changed = new Set<string>()
  const seen = new Map<string, string>()
  const judge = (file: string): void => {
    if (!before.index.sameIn(after.index, file)) changed.add(file)
    if (!before.index.has(file)) return
    // a file that is no longer in the index is judged on disk too: deleting it is drift as well
    const same = after.content.has(file)
      ? before.content.sameIn(after.content, file)
      : before.content.holds(file, trackedContent(repo, file, seen))
    if (!same) changed.add(file)
  }
  for (const file of before.index.names()) judge(file)
  for (const file of after.index.names()) if (!before.index.has(file)) judge(file)
  let headMoved: Drift['headMoved']
  if (before.head !== after.head) {
    headMoved = { from: before.head, to: after.head }
    if (before.head && after.head) {
      const names = await git(repo, [
        'diff',
        '--no-ext-diff',
        '--no-textconv',
        '--name-only',
        '-z',
        before.head,
        after.head,
        '--',
        '.'
      ])
      for (const name of splitZ(names)) {
        changed.add(name.startsWith(after.prefix) ? name.slice(after.prefix.length) : name)
      }
    }
  }
  const created = [...after.untracked.names()].filter((file) => !before.untracked.has(file)).sort()
  return {
    changed: [...changed].sort().map(shown),
    headMoved,
    created: created.map(shown)
  }
}
