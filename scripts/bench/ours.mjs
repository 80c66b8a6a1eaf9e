// Our bundled CLI, run the way a user runs it.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { measure } from './child.mjs'

export const BUNDLE_HINT = 'run npm run bundle first'

export function cliPath(projectRoot, given) {
  const cli = given ? resolve(given) : join(projectRoot, 'dist', 'cli.js')
  if (!existsSync(cli)) throw new Error(`${cli} is missing: ${BUNDLE_HINT}`)
  return cli
}

function layout(work) {
  const base = join(work, 'ours')
  return {
    snapshotDir: join(base, 'snapshots'),
    manifest: join(base, 'snapshots', 'latest-manifest.json'),
    report: join(base, 'report', 'backup-readiness.md'),
    temp: join(base, 'tmp')
  }
}

function childEnv(passphrase, temp) {
  const env = { ...process.env, GRAPHITI_SNAPSHOT_PASSPHRASE: passphrase, TMPDIR: temp }
  // a bench inside a workflow must not write the job's summary or outputs
  for (const name of ['GITHUB_STEP_SUMMARY', 'GITHUB_OUTPUT', 'GITHUB_ENV', 'RUNNER_TEMP'])
    delete env[name]
  return env
}

function checked(result, what) {
  if (result.code === 0) return result
  const stale = result.code === 2 ? ` (a usage error: is dist/ stale? ${BUNDLE_HINT})` : ''
  throw new Error(
    `${what} exited ${result.code}${stale}:\n${result.stderr.slice(-4000)}${result.stdout.slice(-2000)}`
  )
}

function common(cli, dataset, work, options) {
  const paths = layout(work)
  return [
    cli,
    '--repo',
    dataset.root,
    '--compression',
    options.compression,
    '--snapshot-dir',
    paths.snapshotDir,
    '--manifest',
    paths.manifest,
    '--report-path',
    paths.report
  ]
}

export async function oursSnapshot(cli, dataset, work, options) {
  const paths = layout(work)
  rmSync(paths.snapshotDir, { recursive: true, force: true })
  mkdirSync(paths.temp, { recursive: true })
  const [file, ...rest] = common(cli, dataset, work, options)
  const args = [file, 'snapshot', ...rest, '--scrypt-work-factor', String(options.workFactor)]
  const result = checked(
    await measure(process.execPath, args, { env: childEnv(options.passphrase, paths.temp) }),
    'cutover-gate snapshot'
  )
  const manifest = JSON.parse(readFileSync(paths.manifest, 'utf8'))
  return { ...result, snapshotBytes: manifest.snapshot.size }
}

export async function oursRestoreTest(cli, dataset, work, options) {
  const paths = layout(work)
  const [file, ...rest] = common(cli, dataset, work, options)
  return checked(
    await measure(process.execPath, [file, 'restore-test', ...rest], {
      env: childEnv(options.passphrase, paths.temp)
    }),
    'cutover-gate restore-test'
  )
}
