// The exposure audit through the bundle, run as the runner runs it (dist/index.js, INPUT_*,
// GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) and as a user runs the CLI: findings, warn and fail, the
// fake GitHub API behind GITHUB_API_URL, and no private name anywhere a reader could see.
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { runAction, type ActionRun } from '../__fixtures__/run-action.js'
import { cliSync } from '../__fixtures__/run-cli.js'
import { commitAll, initRepo, privateContent, sh, write } from '../__fixtures__/exposure-repos.js'
import {
  emptyGithubState,
  startFakeGithubApi,
  type FakeGithubApi
} from '../__fixtures__/fake-github-api.js'
import { tempDir } from '../__fixtures__/trees.js'
import { exampleRepo } from '../__fixtures__/example-repo.js'
import { hideNamesUnder } from '../src/exposure/exposure-step.js'

const TOKEN = 'ghs_exposureAuditTokenNeverInALog0123'
let api: FakeGithubApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

/** A repository whose private files were committed, deleted, and copied under another name. */
function leakyRepo(names: string[]): string {
  const repo = initRepo(path.join(tempDir('cg-expdist-'), 'repo'))
  write(repo, { 'README.md': 'public\n' })
  commitAll(repo, 'start')
  for (const [at, name] of names.entries())
    write(repo, { [`state/${name}`]: privateContent(name + at) })
  commitAll(repo, 'state committed by mistake')
  sh(repo, 'tag', 'v0')
  sh(repo, 'rm', '-rq', '--cached', 'state')
  write(repo, { '.gitignore': 'state/\nreports/\n' })
  write(repo, { [`old/${names[0]}`]: privateContent(names[0]! + 0) })
  commitAll(repo, 'a copy, then the state untracked')
  return repo
}

async function fakeGithub(): Promise<FakeGithubApi> {
  const state = emptyGithubState('octo/leaky')
  state.artifacts.push({
    id: 1,
    name: 'cutover-snapshot',
    expired: false,
    expires_at: '2027-03-01T00:00:00Z',
    size_in_bytes: 4096
  })
  state.caches.push({ id: 1, key: 'npm-x', ref: 'refs/heads/main', size_in_bytes: 100 })
  state.forks.push({ full_name: 'mallory/leaky', private: true })
  return startFakeGithubApi(state)
}

function audit(repo: string, exposure: string, github: FakeGithubApi): Promise<ActionRun> {
  return runAction(
    path.dirname(repo),
    { mode: 'exposure-audit', repo: 'repo', include: 'state', exposure, 'github-token': TOKEN },
    { GITHUB_API_URL: github.url, GITHUB_REPOSITORY: 'octo/leaky' }
  )
}

const reportFiles = (run: ActionRun) => ({
  md: fs.readFileSync(run.outputs['report-path']!, 'utf8'),
  json: JSON.parse(fs.readFileSync(run.outputs['report-json-path']!, 'utf8'))
})

it('warn: GO, each finding an annotation, the section and the output, the token masked', async () => {
  api = await fakeGithub()
  const repo = leakyRepo(['customers.json', 'ledger.jsonl'])
  const run = await audit(repo, 'warn', api)
  expect([run.code, run.stderr]).toEqual([0, ''])
  expect(run.outputs.decision).toBe('GO')
  const output = JSON.parse(run.outputs.exposure!)
  expect(output).toMatchObject({
    includes: ['state'],
    kinds: { history: 1, content: 2, artifacts: 1, caches: 1, forks: 1 },
    history: { commits: 1, headHolds: false },
    github: { checked: true, visibility: 'private', artifacts: 1, caches: 1, forks: 1 }
  })
  const warnings = run.stdout.split('\n').filter((line) => line.startsWith('::warning::'))
  expect(warnings.filter((line) => line.includes('going public would publish'))).toHaveLength(5)
  expect(run.stdout).toContain(`::add-mask::${TOKEN}`)
  const { md, json } = reportFiles(run)
  expect(md).toContain('## What going public would publish')
  expect(md).toContain('git filter-repo')
  // a mode that neither writes nor reads a snapshot owes no snapshot evidence
  expect(md).not.toContain('## Snapshot evidence')
  expect(run.summary).toContain('## What going public would publish')
  expect(json.exposure.findings.map((f: { kind: string }) => f.kind)).toEqual([
    'history',
    'content',
    'artifacts',
    'caches',
    'forks'
  ])
  expect(json.steps.map((s: { name: string }) => s.name)).toEqual(['exposure-audit'])
  for (const text of [
    run.stdout.replace(/^::add-mask::.*$/gm, ''),
    run.summary,
    md,
    JSON.stringify(json)
  ]) {
    expect(text).not.toContain(TOKEN)
  }
  // the audit writes nothing but the report: the work tree is as it was
  expect(sh(repo, 'status', '--porcelain')).toBe('')
})

it('fail: the findings are a NO-GO at exposure-audit, decision point A', async () => {
  api = await fakeGithub()
  const repo = leakyRepo(['customers.json'])
  const run = await audit(repo, 'fail', api)
  expect(run.code).toBe(1)
  expect(run.outputs.decision).toBe('NO-GO')
  expect(run.outputs['failed-step']).toBe('exposure-audit')
  expect(run.stdout).toMatch(/::error::NO-GO at exposure-audit: going public would publish state/)
  const { json } = reportFiles(run)
  expect(json.decisionPoint).toBe('A')
  expect(JSON.parse(run.outputs.exposure!).findings).toBeGreaterThan(0)
})

it('fail on a clean repository: GO', async () => {
  api = await startFakeGithubApi(emptyGithubState('octo/leaky'))
  const repo = initRepo(path.join(tempDir('cg-expdist-'), 'repo'))
  write(repo, { '.gitignore': 'state/\nreports/\n', 'state/a.json': privateContent('clean') })
  commitAll(repo, 'start')
  const run = await audit(repo, 'fail', api)
  expect([run.code, run.outputs.decision]).toEqual([0, 'GO'])
  expect(JSON.parse(run.outputs.exposure!)).toMatchObject({ findings: 0, kinds: {} })
})

it('the CLI: the same audit, GitHub not checked, exit 1 under fail', () => {
  const repo = leakyRepo(['customers.json'])
  const warn = cliSync(['exposure-audit', '--repo', repo, '--include', 'state'], {})
  expect(warn.code).toBe(0)
  const fail = cliSync(
    ['exposure-audit', '--repo', repo, '--include', 'state', '--exposure', 'fail'],
    {}
  )
  expect(fail.code).toBe(1)
  const json = JSON.parse(
    fs.readFileSync(path.join(repo, 'reports/publicization/backup-readiness.json'), 'utf8')
  )
  expect(json.exposure.github).toEqual({
    checked: false,
    reason:
      'not checked: the CLI does not read GitHub; the action does, with its github-token input'
  })
  expect(cliSync(['exposure-audit', '--github-token', 'x'], {}).code).toBe(2)
  const off = cliSync(['exposure-audit', '--repo', repo, '--exposure', 'off'], {})
  expect([off.code, off.stderr]).toEqual([
    2,
    expect.stringContaining('input exposure: off leaves mode exposure-audit nothing to do')
  ])
})

// names a person could give a private file: letters, digits, spaces, dots, dashes, non-ASCII
const privateName = fc
  .stringMatching(/^[A-Za-z0-9 ._\-\u00e9\u00fc\u4e2d\u0436]{4,24}$/)
  .filter((name) => name.trim() === name && !name.startsWith('.') && !name.includes('..'))
  .map((name) => `zq${name}`)

it('generated names: no private name in the log, summary, report files or outputs', async () => {
  api = await fakeGithub()
  const github = api
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(privateName, { minLength: 1, maxLength: 3 }), async (names) => {
      const repo = leakyRepo(names)
      for (const exposure of ['warn', 'fail']) {
        const run = await audit(repo, exposure, github)
        const { md, json } = reportFiles(run)
        const seen = [
          run.stdout,
          run.stderr,
          run.summary,
          md,
          JSON.stringify(json),
          JSON.stringify(run.outputs)
        ]
        for (const name of names) {
          for (const text of seen) expect(text).not.toContain(name)
        }
        expect(JSON.parse(run.outputs.exposure!).kinds.history).toBe(1)
      }
      const cli = cliSync(['exposure-audit', '--repo', repo, '--include', 'state'], {})
      for (const name of names) expect(cli.stdout + cli.stderr).not.toContain(name)
    }),
    { numRuns: 4 }
  )
})

describe('an error that quotes a path under an include keeps the root, not the name', () => {
  it.each([
    ["open '/r/state/my secret.json': EACCES", "open '/r/state/…': EACCES"],
    ['fatal: state/a b/c.json is bad', 'fatal: state/…'],
    ['no such path stateful/x', 'no such path stateful/x'],
    ['state/x and "/r/state/y z"', 'state/…']
  ])('%s', (message, shown) => {
    expect(hideNamesUnder(message, ['state'])).toBe(shown)
  })
})

describe('the last step of precutover', () => {
  const FAST = { 'scrypt-work-factor': '10', passphrase: 'exposure-lane-passphrase-Ω-91c2' }

  it.each([
    ['warn', 0, 'GO'],
    ['fail', 1, 'NO-GO'],
    ['off', 0, 'GO']
  ])('exposure: %s on a repository whose state is committed', async (exposure, code, decision) => {
    const repo = exampleRepo()
    const run = await runAction(repo, { ...FAST, exposure })
    expect([run.code, run.outputs.decision]).toEqual([code, decision])
    const { json } = reportFiles(run)
    const rows = json.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)
    expect(rows.slice(0, 5).every((row: string) => row.endsWith(':passed'))).toBe(true)
    if (exposure === 'off') {
      expect(rows).toHaveLength(5)
      expect(run.outputs.exposure).toBe('')
      return
    }
    // the snapshot is proven either way; what going public would publish decides under fail
    expect(rows[5]).toBe(`exposure-audit:${exposure === 'fail' ? 'failed' : 'passed'}`)
    expect(json.evidence).not.toBeNull()
    expect(JSON.parse(run.outputs.exposure!).history.headHolds).toBe(true)
    if (exposure === 'fail') expect(run.outputs['failed-step']).toBe('exposure-audit')
  })

  it('takes the blob ids from the snapshot and finds what mode exposure-audit finds by reading', async () => {
    const repo = exampleRepo()
    // a copy of every state file committed elsewhere: found by content, not by the history pass
    const state = path.join(repo, 'state')
    for (const name of fs.readdirSync(state, { recursive: true, encoding: 'utf8' })) {
      const file = path.join(state, name)
      if (fs.lstatSync(file).isFile())
        write(repo, { [`docs/copies/${name}`]: fs.readFileSync(file) })
    }
    sh(repo, 'add', 'docs/copies')
    sh(repo, 'commit', '-q', '-m', 'copies')
    const lane = await runAction(repo, { ...FAST, exposure: 'warn' })
    const alone = await runAction(repo, { mode: 'exposure-audit', exposure: 'warn' })
    expect([lane.outputs.decision, alone.outputs.decision]).toEqual(['GO', 'GO'])
    const content = (run: typeof lane) => JSON.parse(run.outputs.exposure!).content
    expect(content(lane)).toEqual(content(alone))
    expect(content(lane).reachable).toBeGreaterThan(0)
  })

  it.each(['off', 'warn'])(
    'exposure: %s after a failed migration: the audit row is skipped, or absent when off',
    async (exposure) => {
      const repo = exampleRepo()
      const run = await runAction(repo, { ...FAST, exposure, 'migration-check': 'false' })
      expect(run.outputs.decision).toBe('NO-GO')
      const { json } = reportFiles(run)
      const rows = json.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)
      expect(rows.slice(1, 2)).toEqual(['migration-check:failed'])
      // a step the config turns off is left out: no row, not even a skipped one
      expect(rows.filter((r: string) => r.startsWith('exposure-audit'))).toEqual(
        exposure === 'off' ? [] : ['exposure-audit:skipped']
      )
    }
  )
})

it('the github-token never reaches a migration command: not in its environment, not in ours it can read', async () => {
  api = await fakeGithub()
  const repo = exampleRepo()
  const seen = tempDir('cg-seen-')
  const dump = `node -e "const fs=require('fs');fs.writeFileSync(require('path').join(process.argv[1], 'check.json'), JSON.stringify({ env: process.env, parent: fs.readFileSync('/proc/'+process.ppid+'/environ','latin1') }))" ${seen}`
  const run = await runAction(
    repo,
    {
      'scrypt-work-factor': '10',
      passphrase: 'exposure-lane-passphrase-Ω-91c2',
      'github-token': TOKEN,
      'migration-check': dump
    },
    { GITHUB_API_URL: api.url, GITHUB_REPOSITORY: 'octo/leaky' }
  )
  expect(run.outputs.decision).toBe('GO')
  // the audit did read GitHub with it, after the migration ran
  expect(JSON.parse(run.outputs.exposure!).github).toMatchObject({ checked: true, artifacts: 1 })
  const child = fs.readFileSync(path.join(seen, 'check.json'), 'utf8')
  expect(child).toContain('PATH')
  expect(child).not.toContain(TOKEN)
  expect(child).not.toContain('INPUT_GITHUB-TOKEN')
  const visible = run.stdout.replace(/^::add-mask::.*$/gm, '')
  for (const text of [visible, run.stderr, run.summary, JSON.stringify(run.outputs)])
    expect(text).not.toContain(TOKEN)
})
