import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { lstat, readlink } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'

/** What git says about the tracked files under repo: enough to see any change a dry-run made. */
export interface GitState {
  head: string | null
  /** Tracked paths (relative to repo) that differ from HEAD, each with status and content hash. */
  dirty: Map<string, string>
  /** Untracked, not ignored paths (relative to repo). */
  untracked: Set<string>
  /** Folder of git's top level, and repo's prefix inside it (`''` or `sub/dir/`). */
  toplevel: string
  prefix: string
}

export interface Drift {
  /** Tracked files (relative to repo) whose state or content changed, sorted. */
  changed: string[]
  headMoved?: { from: string | null; to: string | null }
  /** Untracked files that appeared: not drift of tracked files, but worth a warning. */
  created: string[]
}

async function git(repo: string, args: string[]): Promise<string> {
  // No optional locks: reading the status must not rewrite .git/index under a concurrent git.
  // loaded here, not at start-up: the modes without a dry-run never need it (~10 ms to load)
  const run = promisify(process.getBuiltinModule('node:child_process').execFile)
  const { stdout } = await run(
    'git',
    ['--no-optional-locks', '-c', 'core.quotepath=off', ...args],
    {
      cwd: repo,
      maxBuffer: 256 * 1024 * 1024,
      encoding: 'utf8'
    }
  )
  return stdout
}

async function contentHash(file: string): Promise<string> {
  let info
  try {
    info = await lstat(file)
  } catch {
    return 'missing'
  }
  if (info.isSymbolicLink()) return `link:${await readlink(file)}`
  if (!info.isFile()) return 'other'
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return `${info.mode & 0o111 ? 'x' : '-'}:${hash.digest('hex')}`
}

/**
 * Reads the git state of repo; throws if repo is not in a git work tree. The status plus a hash
 * of every dirty file's content, so a change to a file that was already dirty is seen too.
 */
export async function readGitState(repo: string): Promise<GitState> {
  // One call for where we are and HEAD; a repository without commits has no HEAD to show.
  const where = await git(repo, ['rev-parse', '--show-toplevel', '--show-prefix', 'HEAD']).catch(
    () => null
  )
  const [toplevel = '', prefix = '', head = null] = (
    where ?? (await git(repo, ['rev-parse', '--show-toplevel', '--show-prefix']))
  ).split('\n')
  // One status for both: tracked changes, and untracked files (`??`) for the warning.
  const status = (
    await git(repo, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', '.'])
  ).split('\0')
  const dirty = new Map<string, string>()
  const untracked = new Set<string>()
  for (let i = 0; i < status.length; i++) {
    const entry = status[i] as string
    if (entry.length < 4) continue
    const code = entry.slice(0, 2)
    const fromTop = entry.slice(3)
    if (code.includes('R') || code.includes('C')) i++ // the next field is the rename's source
    const rel = fromTop.startsWith(prefix) ? fromTop.slice(prefix.length) : fromTop
    if (code === '??') untracked.add(rel)
    else dirty.set(rel, `${code}:${await contentHash(path.join(toplevel, fromTop))}`)
  }
  return { head: head || null, dirty, untracked, toplevel, prefix }
}

/** What changed between two states of the same repo. */
export async function compareGitStates(
  repo: string,
  before: GitState,
  after: GitState
): Promise<Drift> {
  const changed = new Set<string>()
  for (const file of new Set([...before.dirty.keys(), ...after.dirty.keys()])) {
    if (before.dirty.get(file) !== after.dirty.get(file)) changed.add(file)
  }
  let headMoved: Drift['headMoved']
  if (before.head !== after.head) {
    headMoved = { from: before.head, to: after.head }
    if (before.head && after.head) {
      const names = await git(repo, [
        'diff',
        '--no-ext-diff',
        '--name-only',
        '-z',
        before.head,
        after.head,
        '--',
        '.'
      ])
      for (const name of names.split('\0').filter(Boolean)) {
        changed.add(name.startsWith(after.prefix) ? name.slice(after.prefix.length) : name)
      }
    }
  }
  const created = [...after.untracked].filter((file) => !before.untracked.has(file)).sort()
  return { changed: [...changed].sort(), headMoved, created }
}

/** `a, b, c and 4 more` for a one-line detail. */
export function nameFew(files: string[], few = 5): string {
  const shown = files.slice(0, few).join(', ')
  return files.length > few ? `${shown} and ${files.length - few} more` : shown
}
