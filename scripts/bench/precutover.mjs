// The precutover case: our whole lane as ONE process (migration commands `true`) against the stock
// X25519 pipeline: tar --zstd | age -r, then age -d | tar --zstd -x and a SHA-256 of every file.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { measure } from './child.mjs'
import { INCLUDES } from './dataset.mjs'
import { HASH_TOOL } from './shell.mjs'

/** The variable the CLI reads an identity from (SPEC: `identity-env`'s default). */
const IDENTITY_ENV = 'CUTOVER_GATE_AGE_IDENTITY'
const quote = (text) => `'${String(text).replaceAll("'", `'\\''`)}'`
const TAR_FLAG = { zstd: '--zstd', gzip: '-z', none: '' }

/** precutover needs a git work tree: the data folders are ignored, as in a real repository. */
export function commitRepo(root) {
  const git = (...args) =>
    execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@invalid', ...args], {
      cwd: root,
      stdio: 'ignore'
    })
  writeFileSync(join(root, '.gitignore'), INCLUDES.map((i) => `${i}/\n`).join(''))
  writeFileSync(join(root, 'README.md'), 'bench repository\n')
  git('init', '-q')
  git('add', '.gitignore', 'README.md')
  git('commit', '-qm', 'bench')
}

/** An X25519 key from the real age-keygen, for both sides. */
export function makeKeys(dir) {
  mkdirSync(dir, { recursive: true })
  const identityFile = join(dir, 'identity.txt')
  rmSync(identityFile, { force: true })
  execFileSync('age-keygen', ['-o', identityFile], { stdio: 'ignore' })
  const recipient = execFileSync('age-keygen', ['-y', identityFile], { encoding: 'utf8' }).trim()
  const recipientsFile = join(dir, 'recipients.txt')
  writeFileSync(recipientsFile, `${recipient}\n`)
  return { identityFile, recipient, recipientsFile }
}

/** Whether this CLI takes recipients; until it does, ours runs with a passphrase at work factor 10. */
export function acceptsRecipients(cli) {
  const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' })
  return `${help.stdout}${help.stderr}`.includes('--recipients-file')
}

/** How ours is keyed: the same X25519 key as the shell when it can, else a passphrase. */
export function oursKey(cli, keys, passphrase, workFactor) {
  if (acceptsRecipients(cli)) {
    return {
      label: 'X25519 recipient (--recipients-file, identity from the environment)',
      args: ['--recipients-file', keys.recipientsFile],
      env: { [IDENTITY_ENV]: readFileSync(keys.identityFile, 'utf8').trim() }
    }
  }
  return {
    label: `passphrase, scrypt work factor ${workFactor} (this CLI takes no recipients yet)`,
    args: ['--scrypt-work-factor', String(workFactor), '--allow-weak-passphrase'],
    env: { GRAPHITI_SNAPSHOT_PASSPHRASE: passphrase }
  }
}

function checked(result, what) {
  if (result.code !== 0)
    throw new Error(
      `${what} exited ${result.code}:\n${result.stderr.slice(-4000)}${result.stdout.slice(-2000)}`
    )
  return result
}

/** One precutover run of our CLI: dry-run (`true` x3), snapshot, restore-test, report. */
export async function oursPrecutover(cli, dataset, work, key, compression) {
  const base = join(work, 'ours-precutover')
  rmSync(base, { recursive: true, force: true })
  mkdirSync(join(base, 'tmp'), { recursive: true })
  const env = { ...process.env, ...key.env, TMPDIR: join(base, 'tmp') }
  // a bench inside a workflow must not write the job's summary or outputs
  for (const name of ['GITHUB_STEP_SUMMARY', 'GITHUB_OUTPUT', 'GITHUB_ENV', 'RUNNER_TEMP'])
    delete env[name]
  const args = [
    cli,
    'precutover',
    '--repo',
    dataset.root,
    ...INCLUDES.flatMap((include) => ['--include', include]),
    ...['--migration-export', 'true', '--migration-check', 'true', '--migration-import', 'true'],
    '--compression',
    compression,
    '--snapshot-dir',
    join(base, 'snapshots'),
    '--manifest',
    join(base, 'snapshots', 'latest-manifest.json'),
    '--report-path',
    join(base, 'report', 'backup-readiness.md'),
    ...key.args
  ]
  const result = checked(await measure(process.execPath, args, { env }), 'cutover-gate precutover')
  rmSync(base, { recursive: true, force: true })
  return result
}

/** The stock pipeline, end to end, in one shell: the same work as precutover's snapshot and restore-test. */
export async function shellX25519(dataset, work, keys, compression) {
  const base = join(work, 'shell-x25519')
  const snapshot = join(base, 'snap.age')
  const out = join(base, 'out')
  rmSync(base, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  const tar = TAR_FLAG[compression]
  const script = [
    'set -e -o pipefail',
    `tar ${tar} -cf - ${INCLUDES.map(quote).join(' ')} | age -r ${quote(keys.recipient)} -o ${quote(snapshot)}`,
    `age -d -i ${quote(keys.identityFile)} ${quote(snapshot)} | tar ${tar} -xf - -C ${quote(out)}`,
    `find ${quote(out)} -type f -print0 | xargs -0 -r ${HASH_TOOL} > /dev/null`,
    `rm -rf ${quote(out)}`
  ].join('\n')
  const result = checked(
    await measure('bash', ['-c', script], { cwd: dataset.root }),
    'tar | age -r, age -d | tar -x'
  )
  const bytes = statSync(snapshot).size
  rmSync(base, { recursive: true, force: true })
  return { ...result, snapshotBytes: bytes }
}
