// npm run demo: the whole precutover lane, through the bundled CLI, on a copy of the example
// repository (examples/graphiti-repo) made into a git work tree, exactly as an operator runs it.
import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const cli = path.join(root, 'dist', 'cli.js')
if (!fs.existsSync(cli)) {
  console.error('dist/cli.js is missing: run npm run bundle first')
  process.exit(2)
}

const keep = process.argv.includes('--keep')
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-gate-demo-'))
const repo = path.join(work, 'graphiti-repo')
fs.cpSync(path.join(root, 'examples', 'graphiti-repo'), repo, {
  recursive: true,
  verbatimSymlinks: true
})
// git cannot carry an empty folder; the snapshot must keep one, so the demo makes it.
fs.mkdirSync(path.join(repo, 'state', 'inbox'), { recursive: true })
const git = (...args) =>
  execFileSync('git', [
    '-C',
    repo,
    '-c',
    'user.name=demo',
    '-c',
    'user.email=demo@example.invalid',
    ...args
  ])
git('init', '-q')
git('add', '-A')
git('commit', '-qm', 'example state')

console.log(`cutover-gate demo: precutover lane on a copy of examples/graphiti-repo in ${repo}\n`)
// A throwaway passphrase in the environment, the way an operator exports it (never a flag).
const env = { ...process.env, GRAPHITI_SNAPSHOT_PASSPHRASE: randomBytes(18).toString('base64url') }
// Ctrl-C reaches the CLI too, which cleans up and exits 130; the demo then removes its copy
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => {})
const result = spawnSync(process.execPath, [cli, 'precutover', '--repo', repo], {
  env,
  stdio: 'inherit'
})
// the CLI has named the report; the copy, its snapshot and report go unless asked to stay
if (keep) console.log(`\ndemo files kept in ${work} (remove it when done)`)
else {
  fs.rmSync(work, { recursive: true, force: true })
  console.log(
    '\ndemo folder removed (npm run demo -- --keep keeps the copy, its snapshot and report)'
  )
}
process.exit(result.status ?? 1)
