import { removeTree } from '../util/remove-tree.js'
import { forSink } from '../privacy/name-policy.js'

/** Plaintext or partial things of this run that must not outlive it, whatever way it ends. */
const paths = new Set<string>()
/** Synchronous stoppers of processes this run started (run-command's groups, escaped ones). */
const stoppers = new Set<() => void>()

const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = {
  SIGINT: 130,
  SIGTERM: 143,
  SIGHUP: 129
}
let installed = false

export function registerPath(p: string): void {
  paths.add(p)
}

export function unregisterPath(p: string): void {
  paths.delete(p)
}

export function registerStopper(stop: () => void): () => void {
  stoppers.add(stop)
  return () => stoppers.delete(stop)
}

/**
 * Stops our processes, then removes every registered path; synchronous, so it runs in 'exit'.
 * Returns what it removed (the tool's own temp folders and partial files, never private names).
 */
export function cleanupNow(): string[] {
  const removed: string[] = []
  for (const stop of stoppers) {
    try {
      stop()
    } catch {
      // one stopper failing must not keep the plaintext on disk
    }
  }
  for (const p of [...paths].reverse()) {
    try {
      removeTree(p)
      paths.delete(p)
      removed.push(p)
    } catch {
      // nothing more can be done while exiting; the next run's sweep proves us dead and removes it
    }
  }
  return removed
}

function onSignal(signal: NodeJS.Signals): void {
  const stopped = stoppers.size
  const removed = cleanupNow()
  // one line on stderr: what an interrupted run took back, so nobody goes looking for it
  const what = [
    ...(stopped > 0 ? [`stopped ${stopped} process group(s) it started`] : []),
    removed.length > 0
      ? `removed ${removed.length} temp item(s) it made: ${removed.join(', ')}`
      : 'nothing of its own was left to remove'
  ]
  try {
    // the log's policy: nothing it removes is under an include, and if it ever were, it is hidden
    process.stderr.write(
      forSink('log', `cutover-gate: interrupted (${signal}): ${what.join('; ')}\n`)
    )
  } catch {
    // a closed stderr must not keep the exit code from saying what ended the run
  }
  process.exit(SIGNAL_EXIT[signal] ?? 1)
}

/**
 * Installed once by each entry point: SIGINT, SIGTERM and SIGHUP clean up and exit 130/143/129;
 * a closed stdout or stderr (EPIPE, e.g. `| head`) cleans up and exits 141 like SIGPIPE would;
 * any other exit (success, NO-GO, exception) cleans up in 'exit'.
 */
export function installExitCleanup(): void {
  if (installed) return
  installed = true
  for (const signal of Object.keys(SIGNAL_EXIT) as NodeJS.Signals[]) process.on(signal, onSignal)
  process.on('exit', cleanupNow)
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error
      cleanupNow()
      process.exit(141)
    })
  }
}
