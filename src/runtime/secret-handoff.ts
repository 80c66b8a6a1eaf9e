import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { z } from 'zod'
import { descriptorOf } from '../util/read-regular-file.js'
import { secretNames, splitSecrets } from './secret-names.js'
import { makeMarkedFolder, releaseFolder } from './leftover-marker.js'

/** The hand-off's folder (one fifo) under the temp folder: marked, so a killed run's is swept. */
export const HANDOFF_PREFIX = 'cutover-gate-handoff-'

// The one re-execution of Node in the project, and it is for security, not speed: SPEC
// ("Migration dry-run") promises that no cutover-gate process repository code can read holds a
// secret in its environment, and /proc/<pid>/environ keeps the environment a process started
// with. Only a new image (same pid) drops it; a child process would leave the parent readable.

/**
 * Set (not secret) in the re-started image: the secrets wait on fd 0. Its value is the terminal
 * fd 0 was, if any, so a prompt still works after the hand-off; otherwise `-`.
 */
export const HANDOFF_VAR = 'CUTOVER_GATE_SECRETS_ON_FD0'
/** A pipe buffer holds 64 KiB: the whole frame must fit, since nobody reads it before exec. */
const MAX_FRAME = 60 * 1024

export class SecretHandoffError extends Error {
  constructor(
    message: string,
    /** The user's input cannot be taken across the hand-off (exit 2), rather than the machine. */
    readonly inputError = false
  ) {
    super(message)
    this.name = 'SecretHandoffError'
  }
}

const O_CLOEXEC = 0o2000000

/**
 * A file named by its descriptor (`--identity-file <(cmd)` is /dev/fd/63) must survive execve:
 * fd 0 is the hand-off's own, and Node marks descriptors 0-15 close-on-exec when it starts
 * (uv_disable_stdio_inheritance), so `3<file` would be gone, and its number another file's.
 */
function refuseLostDescriptors(files: readonly { flag: string; file: string }[]): void {
  for (const { flag, file } of files) {
    const fd = descriptorOf(file)
    if (fd === undefined) continue
    let flags = 0
    try {
      const info = fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8')
      flags = parseInt(/^flags:\s*([0-7]+)/m.exec(info)?.[1] ?? '0', 8)
    } catch {
      continue // not open: the reader says so, after the hand-off
    }
    if (fd === 0 || (flags & O_CLOEXEC) !== 0) {
      throw new SecretHandoffError(
        `${flag} ${file} cannot be read after the secret hand-off (descriptor ${fd} does not survive the re-start); give it as a process substitution <(cmd), or a regular file`,
        true
      )
    }
  }
}

const FrameSchema = z.record(z.string(), z.string())

function frameOf(secrets: Record<string, string>): Buffer {
  const body = Buffer.from(JSON.stringify(secrets), 'utf8')
  const frame = Buffer.alloc(4 + body.length)
  frame.writeUInt32BE(body.length, 0)
  body.copy(frame, 4)
  return frame
}

function terminalOnFd0(): string {
  try {
    const where = fs.readlinkSync('/proc/self/fd/0')
    return /^\/dev\/(pts\/\d+|tty\w*)$/.test(where) ? where : '-'
  } catch {
    return '-'
  }
}

/**
 * /proc/<pid>/environ shows the environment a process was started with, whatever process.env
 * later deletes; so when a secret is in it, this process re-starts itself (same pid, same argv)
 * with the secrets removed, and hands them over in a pipe on fd 0 (execve keeps fds 0-2). Never
 * returns when there is a secret: it execs, or throws SecretHandoffError (never run on with them).
 * `named`: the variables the door's reading of its inputs names as secrets (see secretNames);
 * `files`: the files it names to read later (a descriptor among them must outlive the re-start).
 */
export function handOffSecrets(
  named: readonly string[] = [],
  files: readonly { flag: string; file: string }[] = []
): void {
  const { secrets, rest } = splitSecrets(process.env, secretNames(process.env, named))
  if (Object.keys(secrets).length === 0) return
  refuseLostDescriptors(files)
  const frame = frameOf(secrets)
  if (frame.length > MAX_FRAME) {
    throw new SecretHandoffError(
      `secrets in the environment are ${frame.length} bytes, more than the ${MAX_FRAME} a hand-off pipe holds; pass shorter secrets`
    )
  }
  if (typeof process.execve !== 'function') {
    throw new SecretHandoffError(
      `secret hand-off needs process.execve (Node 24 on Linux), not Node ${process.version} on ${process.platform}; run on Node 24 so migration commands cannot read the secrets`
    )
  }
  const terminal = terminalOnFd0()
  let dir: string | undefined
  try {
    // marked before it exists: a kill at any instant leaves what the next sweep can prove dead
    dir = makeMarkedFolder(os.tmpdir(), HANDOFF_PREFIX)
    const fifo = path.join(dir, 'secrets')
    const made = childProcessSync(['mkfifo', '-m', '600', fifo])
    if (made !== 0) throw new Error(`mkfifo exited ${made}`)
    fs.closeSync(0)
    const fd = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK)
    if (fd !== 0) throw new Error(`the fifo opened as fd ${fd}, not 0`)
    if (fs.writeSync(0, frame) !== frame.length) throw new Error('the fifo took part of the frame')
  } catch (error) {
    throw new SecretHandoffError(
      `secret hand-off failed (${(error as Error).message}); refusing to run migration commands with secrets in the environment`
    )
  } finally {
    if (dir) releaseFolder(dir)
  }
  try {
    process.execve(
      process.execPath,
      [process.execPath, ...process.execArgv, ...process.argv.slice(1)],
      { ...rest, [HANDOFF_VAR]: terminal }
    )
  } catch (error) {
    throw new SecretHandoffError(
      `secret hand-off failed: re-exec refused (${(error as Error).message}); refusing to run migration commands with secrets in the environment`
    )
  }
}

function childProcessSync(argv: string[]): number | null {
  const cp = process.getBuiltinModule('node:child_process')
  // started while the secrets are still ours: it gets none of our environment
  return cp.spawnSync(argv[0]!, argv.slice(1), {
    stdio: 'ignore',
    env: { PATH: process.env.PATH ?? '' }
  }).status
}

/**
 * In the re-started image: reads the secrets from fd 0, closes it and puts the terminal (or
 * /dev/null) back as fd 0. Returns {} when there was no hand-off. The secrets stay in memory only.
 */
export function receiveSecrets(): Record<string, string> {
  const terminal = process.env[HANDOFF_VAR]
  if (terminal === undefined) return {}
  delete process.env[HANDOFF_VAR]
  const chunks: Buffer[] = []
  let have = 0
  let want = 4
  const buffer = Buffer.alloc(64 * 1024)
  try {
    while (have < want) {
      const n = fs.readSync(0, buffer, 0, Math.min(buffer.length, want - have), null)
      if (n === 0) break
      chunks.push(Buffer.from(buffer.subarray(0, n)))
      have += n
      if (want === 4 && have >= 4) want = 4 + Buffer.concat(chunks).readUInt32BE(0)
    }
  } catch (error) {
    throw new SecretHandoffError(
      `secret hand-off: fd 0 could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); run cutover-gate directly, not with ${HANDOFF_VAR} set`
    )
  } finally {
    buffer.fill(0)
    fs.closeSync(0)
    reopenStdin(terminal)
  }
  const frame = Buffer.concat(chunks)
  if (have < want || frame.length < 4) {
    throw new SecretHandoffError(
      `secret hand-off: the frame on fd 0 is cut short (${frame.length} of ${want} bytes); run cutover-gate directly, not with ${HANDOFF_VAR} set`
    )
  }
  let json: unknown
  try {
    json = JSON.parse(frame.subarray(4).toString('utf8'))
  } catch {
    json = undefined
  }
  frame.fill(0)
  const parsed = FrameSchema.safeParse(json)
  if (!parsed.success) {
    throw new SecretHandoffError(
      'secret hand-off: the frame on fd 0 is not a map of names to values'
    )
  }
  return parsed.data
}

function reopenStdin(terminal: string): void {
  try {
    fs.openSync(terminal === '-' ? '/dev/null' : terminal, 'r+')
  } catch {
    fs.openSync('/dev/null', 'r')
  }
}
