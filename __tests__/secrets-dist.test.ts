import fs from 'node:fs'
import path from 'node:path'
import { runAction, type ActionRun } from '../__fixtures__/run-action.js'
import { commitAll } from '../__fixtures__/example-repo.js'
import { ageKeygen } from '../__fixtures__/stock-tools.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { decodeBech32 } from '../src/age/bech32.js'

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

// a key file in age-keygen's format, made by typage (no stock age needed)
const key = await ageKeygen(tempDir('cg-identity-'), 'key.txt')

describe('secrets: no mode lets an age identity out', () => {
  const repo = commitAll(makeRepo())
  const seen = tempDir('cg-seen-identity-')
  const { keyFile, recipient } = key
  const keyText = fs.readFileSync(keyFile, 'utf8')
  const identity = /AGE-SECRET-KEY-1\S+/.exec(keyText)![0]
  const scalar = decodeBech32(identity).bytes
  // the key as its file holds it, in the forms a leak would take, and its raw scalar
  const forms = [
    identity,
    identity.toLowerCase(),
    Buffer.from(identity).toString('base64'),
    Buffer.from(identity).toString('hex'),
    Buffer.from(scalar).toString('hex'),
    Buffer.from(scalar).toString('base64')
  ]
  // also what the migration's parent process (cutover-gate) was started with
  const dumpWithParent = (name: string) =>
    `node -e "const fs=require('fs');fs.writeFileSync(require('path').join(process.argv[1], '${name}.json'), JSON.stringify({ env: process.env, argv: process.argv, parent: fs.readFileSync('/proc/'+process.ppid+'/environ','latin1') }))" ${seen}`
  const base = {
    recipients: recipient,
    'migration-export': dumpWithParent('export'),
    'migration-check': dumpWithParent('check'),
    'migration-import': dumpWithParent('import')
  }
  const target = path.join(tempDir('cg-restore-id-'), 'target')

  function expectNoIdentity(run: ActionRun, ...dirs: string[]) {
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
      for (const form of forms)
        expect([where, form, text.includes(form)]).toEqual([where, form, false])
    }
  }

  it.each([
    ['precutover', 'input', {}, 'GO'],
    ['precutover', 'env', {}, 'GO'],
    ['precutover', 'input', { 'migration-import': 'node -e "process.exit(3)"' }, 'NO-GO'],
    ['snapshot', 'env', {}, 'GO'],
    ['restore-test', 'input', {}, 'GO'],
    ['restore-test', 'env', { manifest: 'backup/snapshots/none.json' }, 'NO-GO'],
    ['restore', 'env', { 'restore-target': target }, 'GO'],
    ['restore', 'input', { 'restore-target': target }, 'NO-GO']
  ] as const)('%s, identity by %s, %j → %s', async (mode, via, inputs, decision) => {
    // the key file's text as a secret holds it: comment lines, a final newline
    const run = await runAction(
      repo,
      { ...base, mode, ...(via === 'input' ? { identity: keyText } : {}), ...inputs },
      via === 'env' ? { CUTOVER_GATE_AGE_IDENTITY: keyText } : {}
    )
    expect(run.outputs.decision).toBe(decision)
    expect(run.stdout).toContain(`::add-mask::${identity}`)
    expectNoIdentity(run, repo, path.dirname(target))
  })

  it('migration commands, their arguments and their parent process held no identity', () => {
    const dumps = fs.readdirSync(seen)
    expect(dumps.length).toBe(3)
    for (const name of dumps) {
      const text = fs.readFileSync(path.join(seen, name), 'utf8')
      const { env } = JSON.parse(text) as { env: Record<string, string> }
      expect(
        Object.keys(env).filter((k) => k.startsWith('INPUT_') || k === 'CUTOVER_GATE_AGE_IDENTITY')
      ).toEqual([])
      for (const form of forms)
        expect([name, form, text.includes(form)]).toEqual([name, form, false])
    }
  })
})
