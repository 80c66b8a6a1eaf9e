import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { registerStopper } from './cleanup-on-exit.js'

/**
 * Every process a migration command starts inherits this variable; a process that left the
 * command's group (setsid, double fork, nohup) is found again by it under /proc/*\/environ, the
 * way CI servers find escaped build processes.
 */
export const RUN_MARKER_VAR = 'CUTOVER_GATE_RUN'
/** How long SIGTERM gets before SIGKILL. */
export const ESCAPE_GRACE_MS = 1000

export interface EscapedProcess {
  pid: number
  /** The command line, spaces for NULs, truncated. */
  command: string
}

let marker: string | undefined

/** This run's marker (128 random bits, hex); made once, and from then on stopped at every exit. */
export function runMarker(): string {
  if (marker === undefined) {
    const made = randomBytes(16).toString('hex')
    marker = made
    registerStopper(() => stopMarked(made))
  }
  return marker
}

function readProc(pid: string, file: string): Buffer | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`)
  } catch {
    return undefined // EACCES (another user's), ESRCH/ENOENT (gone meanwhile): not ours to judge
  }
}

/** Processes of this user whose environment holds `CUTOVER_GATE_RUN=<marker>`. */
export function findMarked(runId: string): EscapedProcess[] {
  const needle = Buffer.from(`\0${RUN_MARKER_VAR}=${runId}\0`)
  let pids: string[]
  try {
    pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  } catch {
    return []
  }
  const found: EscapedProcess[] = []
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue
    const environ = readProc(pid, 'environ')
    if (!environ || !Buffer.concat([Buffer.from([0]), environ]).includes(needle)) continue
    const cmdline = (readProc(pid, 'cmdline') ?? Buffer.alloc(0))
      .toString('utf8')
      .replace(/\0+$/, '')
      .replaceAll('\0', ' ')
    found.push({ pid: Number(pid), command: oneLine(cmdline) })
  }
  return found
}

function oneLine(text: string, max = 120): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch {
    // ESRCH: already gone
  }
}

const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/**
 * Stops every marked process: SIGTERM, up to graceMs for them to go, then SIGKILL; rounds repeat
 * so that what a dying process forks meanwhile is caught too. Synchronous, so that it also runs
 * in a signal handler or at exit. Returns each process found, once.
 */
export function stopMarked(runId: string, graceMs = ESCAPE_GRACE_MS): EscapedProcess[] {
  const seen = new Map<number, EscapedProcess>()
  for (let round = 0; round < 10; round++) {
    const found = findMarked(runId)
    if (found.length === 0) break
    for (const p of found) {
      if (!seen.has(p.pid)) seen.set(p.pid, p)
      signal(p.pid, round === 0 ? 'SIGTERM' : 'SIGKILL')
    }
    const deadline = Date.now() + (round === 0 ? graceMs : 100)
    while (Date.now() < deadline && findMarked(runId).length > 0) sleep(20)
  }
  return [...seen.values()].sort((a, b) => a.pid - b.pid)
}

/** One warning line naming what was stopped. */
export function describeEscaped(escaped: EscapedProcess[]): string {
  const named = escaped.map((p) => `pid ${p.pid} \`${p.command}\``).join(', ')
  return `the migration left ${escaped.length} process(es) running; stopped: ${named}`
}
