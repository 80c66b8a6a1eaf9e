import { spawn, spawnSync } from 'node:child_process'
import path from 'node:path'
import { ROOT } from './run-action.js'

export const CLI = path.join(ROOT, 'dist/cli.js')

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export function cliSync(
  args: string[],
  env: Record<string, string>,
  options: { uid?: number; gid?: number } = {}
): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: '/tmp', ...env },
    encoding: 'utf8',
    uid: options.uid,
    gid: options.gid
  })
  return {
    code: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr
  }
}

/** Starts the CLI; `kill()` sends SIGKILL, `done` resolves when it exits. */
export function cliAsync(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  )
  return { child, done, kill: () => child.kill('SIGKILL') }
}
