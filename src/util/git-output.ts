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

export interface GitStreamOptions {
  /** Lines written to git's stdin (each gets a '\n'), with backpressure, while stdout is read. */
  input?: Iterable<string>
  /** Kill git after this long (default 10 minutes: a whole-history pass on a big repository). */
  timeoutMs?: number
}

/**
 * The same door for a whole-history pass: git's stdout as lines, streamed (no buffer cap), with
 * stdin fed at the same time (`cat-file --batch-check`). Throws when git cannot start, fails or
 * is too slow, with git's last stderr line. Only read-only plumbing belongs here.
 */
export async function* gitLines(
  dir: string,
  args: string[],
  options: GitStreamOptions = {}
): AsyncGenerator<string> {
  if (!repositoryMayHold(dir)) throw new Error(`${dir} is not in a git repository`)
  const { spawn } = process.getBuiltinModule('node:child_process')
  const { createInterface } = process.getBuiltinModule('node:readline')
  const child = spawn('git', [...GIT_HARDENING, '-C', dir, ...args], {
    stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    windowsHide: true,
    env: gitEnv(),
    timeout: options.timeoutMs ?? 600_000
  })
  let stderr = ''
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4096)
  })
  const exited = new Promise<{ code: number | null; signal: string | null; error?: Error }>(
    (resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error }))
      child.once('close', (code, signal) => resolve({ code, signal }))
    }
  )
  if (options.input && child.stdin) {
    const stdin = child.stdin
    const lines = options.input[Symbol.iterator]()
    // an early exit of git (bad object format) closes the pipe: the exit code says why
    stdin.on('error', () => undefined)
    const feed = (): void => {
      for (;;) {
        const next = lines.next()
        if (next.done) {
          stdin.end()
          return
        }
        if (!stdin.write(`${next.value}\n`)) {
          stdin.once('drain', feed)
          return
        }
      }
    }
    feed()
  }
  const reader = createInterface({ input: child.stdout!, crlfDelay: Infinity })
  try {
    for await (const line of reader) yield line
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill()
  }
  const { code, signal, error } = await exited
  if (error) throw new Error(`git could not start: ${error.message}`)
  if (code !== 0) {
    const why = stderr.trim().split('\n').pop() || (signal ? `killed by ${signal}` : `exit ${code}`)
    throw new Error(`git ${args[0]} failed: ${why}`)
  }
}

export interface GitObject {
  id: string
  /** 'missing' when the object database has no such object. */
  type: string
  content: Buffer
}

/**
 * `git cat-file --batch` through the same door: each id's type and bytes, in the order given.
 * For small objects (LFS pointers): every object is held in memory whole.
 */
export async function* gitObjects(
  dir: string,
  ids: Iterable<string>,
  options: Omit<GitStreamOptions, 'input'> = {}
): AsyncGenerator<GitObject> {
  if (!repositoryMayHold(dir)) throw new Error(`${dir} is not in a git repository`)
  const { spawn } = process.getBuiltinModule('node:child_process')
  const child = spawn('git', [...GIT_HARDENING, '-C', dir, 'cat-file', '--batch'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
    env: gitEnv(),
    timeout: options.timeoutMs ?? 600_000
  })
  let stderr = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4096)
  })
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }))
    child.once('close', (code) => resolve({ code }))
  })
  child.stdin.on('error', () => undefined)
  const list = ids[Symbol.iterator]()
  const feed = (): void => {
    for (;;) {
      const next = list.next()
      if (next.done) return void child.stdin.end()
      if (!child.stdin.write(`${next.value}\n`)) return void child.stdin.once('drain', feed)
    }
  }
  feed()
  let pending: Buffer = Buffer.alloc(0)
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
      for (;;) {
        const eol = pending.indexOf(10)
        if (eol < 0) break
        const [id = '', type = '', size] = pending.subarray(0, eol).toString('latin1').split(' ')
        if (type === 'missing' || size === undefined) {
          pending = pending.subarray(eol + 1)
          yield { id, type: 'missing', content: Buffer.alloc(0) }
          continue
        }
        const end = eol + 1 + Number(size)
        if (pending.length < end + 1) break
        const content = Buffer.from(pending.subarray(eol + 1, end))
        pending = pending.subarray(end + 1)
        yield { id, type, content }
      }
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill()
  }
  const { code, error } = await exited
  if (error) throw new Error(`git could not start: ${error.message}`)
  if (code !== 0) throw new Error(`git cat-file failed: ${stderr.trim().split('\n').pop()}`)
}
