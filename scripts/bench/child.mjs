// Runs one child process and measures its wall time and peak RSS.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const GNU_TIME = '/usr/bin/time'

/**
 * How peak RSS is read. GNU time reports the kernel's ru_maxrss for the child and the children
 * it waited for (the largest single process, exact); without it, /proc VmHWM of the direct child
 * is polled every 20 ms (a peak in the last 20 ms before exit can be missed).
 */
export const RSS_METHOD =
  existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%M', 'true']).status === 0
    ? 'GNU time ru_maxrss (largest process in the tree)'
    : existsSync('/proc/self/status')
      ? '/proc VmHWM polled (direct child only)'
      : 'unavailable'

const TAIL = 64 * 1024

/** Keeps the last 64 KiB of a stream, for error messages. */
function tail(stream) {
  let text = ''
  stream?.setEncoding('utf8')
  stream?.on('data', (chunk) => {
    text = (text + chunk).slice(-TAIL)
  })
  return () => text
}

function vmHwmKiB(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) : 0
  } catch {
    return 0
  }
}

/**
 * Runs `command args` and resolves { seconds, peakMiB, code, stdout, stderr }. `input` is written
 * to stdin then closed. Never rejects on a non-zero exit: the caller decides.
 */
export function measure(command, args, { cwd, env, input } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'cg-bench-time-'))
  const timeFile = join(scratch, 'rss')
  const gnu = RSS_METHOD.startsWith('GNU')
  const [file, argv] = gnu
    ? [GNU_TIME, ['-f', '%M', '-o', timeFile, command, ...args]]
    : [command, args]
  const started = performance.now()
  const child = spawn(file, argv, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] })
  const stdout = tail(child.stdout)
  const stderr = tail(child.stderr)
  let polled = 0
  const poll = gnu ? null : setInterval(() => (polled = Math.max(polled, vmHwmKiB(child.pid))), 20)
  child.stdin.on('error', () => {}) // a child that exits without reading its stdin is not our error
  child.stdin.end(input ?? '')
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      const seconds = (performance.now() - started) / 1000
      if (poll) clearInterval(poll)
      let kib = polled
      if (gnu) {
        const lines = existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n') : []
        kib = Number(lines.at(-1)) || 0
      }
      rmSync(scratch, { recursive: true, force: true })
      resolve({
        seconds,
        peakMiB: RSS_METHOD === 'unavailable' ? NaN : kib / 1024,
        code: code ?? (signal ? 128 : 1),
        stdout: stdout(),
        stderr: stderr()
      })
    })
  })
}
