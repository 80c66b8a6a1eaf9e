import type { ChildProcess } from 'node:child_process'
import { registerStopper } from '../runtime/cleanup-on-exit.js'
import { RUN_MARKER_VAR, stopMarked, type EscapedProcess } from '../runtime/escaped-processes.js'
import { LineSplitter, OutputTail } from './output-tail.js'

/** node:child_process, loaded by the first command: the modes without one never pay its ~10 ms. */
const childProcess = () => process.getBuiltinModule('node:child_process')

export interface RunCommandOptions {
  cwd: string
  /** The whole environment of the child (not merged with ours). */
  env: Record<string, string>
  timeoutMs: number
  /** Each line of output as it arrives (stdout and stderr alike). */
  onLine?: (line: string) => void
  /** After a timeout, how long SIGTERM gets before the whole tree gets SIGKILL. */
  killGraceMs?: number
}

export interface CommandRun {
  /** Exit code, or null when the process ended by a signal or never started. */
  exitCode: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  spawnError?: NodeJS.ErrnoException
  durationMs: number
  /** Tail of the combined stdout and stderr. */
  output: string
  outputBytes: number
  /** The command exited but left processes of its tree running; they were killed. */
  leftovers: boolean
  /** Processes carrying the run marker (env CUTOVER_GATE_RUN) found after it exited; stopped. */
  escaped: EscapedProcess[]
}

/** Process groups of commands still running: killed if this process is interrupted or exits. */
const liveGroups = new Set<number>()

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    if (process.platform === 'win32') {
      childProcess().spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore' })
      return true
    }
    process.kill(-pid, signal)
    return true
  } catch {
    return false // ESRCH: the whole group is already gone
  }
}

function groupAlive(pid: number): boolean {
  if (process.platform === 'win32') return false
  try {
    process.kill(-pid, 0)
    return true
  } catch {
    return false
  }
}

// Children live in their own process group, so a cancelled job's SIGINT/SIGTERM or a Ctrl-C
// never reaches them: the exit cleanup (signals, exceptions, exit) kills them.
registerStopper(() => {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL')
})

/**
 * Runs argv (no shell) with a timeout that kills the whole process tree. node:child_process
 * rather than @actions/exec: exec neither exposes the child nor starts it in its own process
 * group, and only a group (`detached`, then kill(-pid)) also reaches grandchildren that a
 * script started, e.g. `sh -c "sleep 600"` or a python subprocess.
 */
export function runCommand(argv: string[], options: RunCommandOptions): Promise<CommandRun> {
  const [file, ...args] = argv
  if (!file) throw new Error('runCommand needs a program to run')
  const started = performance.now()
  const tail = new OutputTail()
  const lines = options.onLine
    ? [new LineSplitter(options.onLine), new LineSplitter(options.onLine)]
    : []

  return new Promise((resolve) => {
    let child: ChildProcess
    let timedOut = false
    let leftovers = false
    let escaped: EscapedProcess[] = []
    let exitCode: number | null = null
    let signal: NodeJS.Signals | null = null
    let done = false
    const timers: NodeJS.Timeout[] = []

    const finish = (spawnError?: NodeJS.ErrnoException): void => {
      if (done) return
      done = true
      for (const timer of timers) clearTimeout(timer)
      if (child.pid !== undefined) liveGroups.delete(child.pid)
      for (const splitter of lines) splitter.end()
      resolve({
        exitCode,
        signal,
        timedOut,
        spawnError,
        durationMs: Math.round(performance.now() - started),
        output: tail.text(),
        outputBytes: tail.totalBytes,
        leftovers,
        escaped
      })
    }

    try {
      child = childProcess().spawn(file, args, {
        cwd: options.cwd,
        env: options.env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true
      })
    } catch (error) {
      // Synchronous spawn failures (e.g. a NUL byte in an argument) are reported like ENOENT.
      child = { pid: undefined } as ChildProcess
      finish(error as NodeJS.ErrnoException)
      return
    }

    child.stdout?.on('data', (chunk: Buffer) => {
      tail.push(chunk)
      lines[0]?.push(chunk)
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      tail.push(chunk)
      lines[1]?.push(chunk)
    })
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) finish(error)
    })
    if (child.pid === undefined) return
    const pid = child.pid
    liveGroups.add(pid)

    timers.push(
      setTimeout(() => {
        timedOut = true
        killGroup(pid, 'SIGTERM')
        timers.push(setTimeout(() => killGroup(pid, 'SIGKILL'), options.killGraceMs ?? 5000))
      }, options.timeoutMs)
    )

    child.on('exit', (code, sig) => {
      exitCode = code
      signal = sig
      // Whatever of its tree outlived the command (a background job) is stopped now, and named
      // first: by the marker, which also finds those that left the group (setsid, double fork).
      const marker = options.env[RUN_MARKER_VAR]
      if (marker) escaped = stopMarked(marker)
      if (groupAlive(pid)) {
        leftovers = !timedOut
        killGroup(pid, 'SIGKILL')
      }
      // A process that left the group (setsid) may still hold our pipes: stop waiting for it.
      timers.push(
        setTimeout(() => {
          child.stdout?.destroy()
          child.stderr?.destroy()
          finish()
        }, 5000)
      )
    })
    child.on('close', () => finish())
  })
}
