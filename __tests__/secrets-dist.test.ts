import fs from 'node:fs'
import path from 'node:path'
import { runAction, type ActionRun } from '../__fixtures__/run-action.js'
import { commitAll } from '../__fixtures__/example-repo.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'

const PASSPHRASE = 'S3cret-passphrase/with+chars=Ωmega'
const FORMS = [
  PASSPHRASE,
  Buffer.from(PASSPHRASE).toString('base64'),
  Buffer.from(PASSPHRASE).toString('base64url'),
  Buffer.from(PASSPHRASE).toString('hex'),
  JSON.stringify(PASSPHRASE).slice(1, -1)
]

/** Every file below dir, as text (binary files too: a secret's bytes would still show). */
function filesBelow(dir: string): [string, string][] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const p = path.join(e.parentPath, e.name)
      return [p, fs.readFileSync(p, 'latin1') + fs.readFileSync(p, 'utf8')] as [string, string]
    })
}

function expectNoSecret(run: ActionRun, ...dirs: string[]) {
  const visible = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  const places: [string, string][] = [
    ['stdout', visible],
    ['stderr', run.stderr],
    ['GITHUB_OUTPUT', JSON.stringify(run.outputs)],
    ['job summary', run.summary],
    ...filesBelow(run.runnerTemp),
    ...dirs.flatMap(filesBelow)
  ]
  for (const [where, text] of places) {
    for (const form of FORMS) expect([where, text.includes(form)]).toEqual([where, false])
  }
}

const dump = (dir: string, name: string) =>
  `node -e "require('fs').writeFileSync(require('path').join(process.argv[1], '${name}.json'), JSON.stringify({ env: process.env, argv: process.argv }))" ${dir}`

describe('secrets: no mode, passing or failing, lets the passphrase out', () => {
  const repo = commitAll(makeRepo())
  const seen = tempDir('cg-seen-')
  const base = {
    passphrase: PASSPHRASE,
    'scrypt-work-factor': '10',
    'migration-export': dump(seen, 'export'),
    'migration-check': dump(seen, 'check'),
    'migration-import': dump(seen, 'import')
  }
  const target = path.join(tempDir('cg-restore-'), 'target')

  it.each([
    ['precutover', {}, 'GO'],
    ['precutover', { 'migration-check': 'node -e "process.exit(4)"' }, 'NO-GO'],
    ['migration-dry-run', {}, 'GO'],
    ['migration-dry-run', { 'migration-import': 'node -e "process.exit(2)"' }, 'NO-GO'],
    ['snapshot', {}, 'GO'],
    ['snapshot', { include: 'state\nmissing' }, 'NO-GO'],
    ['restore-test', {}, 'GO'],
    ['restore-test', { manifest: 'backup/snapshots/none.json' }, 'NO-GO'],
    ['restore', { 'restore-target': target }, 'GO'],
    ['restore', { 'restore-target': target }, 'NO-GO']
  ] as const)('%s %j → %s', async (mode, inputs, decision) => {
    // the fallback variable carries it too, so both routes are watched
    const run = await runAction(
      repo,
      { ...base, mode, ...inputs },
      { GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE }
    )
    expect(run.outputs.decision).toBe(decision)
    expect(run.stdout).toContain(`::add-mask::${PASSPHRASE}`)
    expectNoSecret(run, repo, seen, path.dirname(target))
  })

  it('migration commands saw neither the passphrase variable nor any INPUT_*', () => {
    const dumps = fs.readdirSync(seen)
    expect(dumps.length).toBe(3)
    for (const name of dumps) {
      const { env } = JSON.parse(fs.readFileSync(path.join(seen, name), 'utf8')) as {
        env: Record<string, string>
      }
      expect(
        Object.keys(env).filter(
          (k) => k.startsWith('INPUT_') || k === 'GRAPHITI_SNAPSHOT_PASSPHRASE'
        )
      ).toEqual([])
    }
  })
})
