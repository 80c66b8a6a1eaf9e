import fs from 'node:fs'
import path from 'node:path'
import { isGitWorkTree } from './git-work-tree.js'

export interface GitResult {
  ok: boolean
  out: string
  /** git's stderr (or why it could not start), for an error message; '' when ok. */
  error: string
}

export interface GitOptions {
  /** Kill git after this long (default 5 s: a question beside a snapshot must not hang it). */
  timeoutMs?: number
  /** Largest stdout kept (default 1 MiB); past it `ok` is false and `out` the first part. */
  maxBuffer?: number
  /** How stdout is decoded; `latin1` keeps every byte of a non-UTF-8 file name (default utf8). */
  encoding?: 'utf8' | 'latin1'
}

/**
 * Every repository setting that would run repository code (or a program it names) during our own
 * read-only calls, turned off: the repository may have been written by the migration under test.
 * The ownership check guards against exactly such settings, and they are all off, so it is waived.
 */
export const GIT_HARDENING = [
  '--no-optional-locks',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'core.untrackedCache=false',
  '-c',
  'core.splitIndex=false',
  '-c',
  'diff.external=',
  '-c',
  'core.pager=cat',
  '-c',
  'core.quotepath=off',
  '-c',
  'safe.directory=*'
]

/**
 * The whole environment git gets: nothing inherited but PATH, so no secret (passphrase, INPUT_*,
 * ACTIONS_RUNTIME_TOKEN), no GIT_DIR / GIT_CONFIG_* of someone else, and no user or system config.
 */
export function gitEnv(parent: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return {
    PATH: parent.PATH ?? '/usr/bin:/bin',
    HOME: '/nonexistent',
    LANG: 'C',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0'
  }
}

/**
 * Runs `git -C dir args`, the one door for every git call cutover-gate makes, hardened as above,
 * without blocking the event loop (a synchronous git stalls a streaming snapshot 20–25 ms here).
 * Never rejects: no repository that could hold dir (git is then not started at all), git missing,
 * failing or too slow is `ok: false`. Only commands that run no filter or textconv belong here
 * (ls-files, rev-parse, diff --name-only between commits, check-ignore): never `git status`.
 */
export function git(dir: string, args: string[], options: GitOptions = {}): Promise<GitResult> {
  if (!repositoryMayHold(dir)) {
    return Promise.resolve({ ok: false, out: '', error: `${dir} is not in a git repository` })
  }
  // loaded when first needed: a snapshot outside a git folder never starts a process (~10 ms)
  const { execFile } = process.getBuiltinModule('node:child_process')
  return new Promise((resolve) => {
    execFile(
      'git',
      [...GIT_HARDENING, '-C', dir, ...args],
      {
        encoding: options.encoding ?? 'utf8',
        timeout: options.timeoutMs ?? 5000,
        maxBuffer: options.maxBuffer ?? 1024 * 1024,
        windowsHide: true,
        env: gitEnv()
      },
      (error, stdout, stderr) =>
        resolve({
          ok: !error,
          out: stdout ?? '',
          error: error ? (stderr || error.message).trim().split('\n').pop()! : ''
        })
    )
  })
}

/**
 * The same door, synchronous, for the few questions asked while the inputs are judged (nothing
 * streams yet, so the stall costs nothing): stdout, or undefined when git fails or no repository
 * could hold dir.
 */
export function gitSync(dir: string, args: string[], options: GitOptions = {}): string | undefined {
  if (!repositoryMayHold(dir)) return undefined
  const { execFileSync } = process.getBuiltinModule('node:child_process')
  try {
    return execFileSync('git', [...GIT_HARDENING, '-C', dir, ...args], {
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 5000,
      maxBuffer: options.maxBuffer ?? 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
      windowsHide: true,
      env: gitEnv()
    })
  } catch {
    return undefined
  }
}

/**
 * Whether a git repository could hold dir: dir in a work tree (the same walk that judges repo),
 * or a bare repository itself. Asked before git is: starting git stalls this process while it
 * forks (~30 ms here), only to learn nothing about a folder that no repository holds.
 */
function repositoryMayHold(dir: string): boolean {
  const folder = path.resolve(dir)
  const bare =
    fs.existsSync(path.join(folder, 'HEAD')) && fs.existsSync(path.join(folder, 'objects'))
  return bare || isGitWorkTree(folder)
}
