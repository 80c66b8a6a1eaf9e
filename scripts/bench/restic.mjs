// restic as a third side: backup then restore --verify, repository and restore on the run's
// fresh file system, keyed by a password file (as a CI job would be).
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { measure } from './child.mjs'
import { INCLUDES } from './dataset.mjs'

const quote = (text) => `'${String(text).replaceAll("'", `'\\''`)}'`

export const hasRestic = () =>
  spawnSync('sh', ['-c', 'command -v restic'], { stdio: 'ignore' }).status === 0

export function resticVersion() {
  const out = spawnSync('restic', ['version'], { encoding: 'utf8' })
  return out.status === 0 ? out.stdout.trim().split(' ').slice(0, 2).join(' ') : 'restic'
}

/** init (untimed: a one-time set-up), then backup + restore --verify timed as one shell. */
export async function resticRun(dataset, outDir, password) {
  const repo = join(outDir, 'restic-repo')
  const target = join(outDir, 'restic-out')
  const passwordFile = join(outDir, 'restic-password')
  mkdirSync(target, { recursive: true })
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 })
  const env = { ...process.env, RESTIC_PASSWORD_FILE: passwordFile, RESTIC_REPOSITORY: repo }
  const init = spawnSync('restic', ['init', '-q'], { env, encoding: 'utf8' })
  if (init.status !== 0) throw new Error(`restic init failed: ${init.stderr}`)
  const script = [
    'set -e',
    `restic backup -q ${INCLUDES.map(quote).join(' ')}`,
    `restic restore -q latest --verify --target ${quote(target)}`,
    // as restore-test and the stock side do: the restored copy goes
    `rm -rf ${quote(target)}`
  ].join('\n')
  const result = await measure('bash', ['-c', script], { cwd: dataset.root, env })
  if (result.code !== 0)
    throw new Error(`restic backup + restore --verify exited ${result.code}: ${result.stderr}`)
  return result
}
