import { createHash } from 'node:crypto'
import { OUTPUT_NAMES } from '../src/config/input-names.js'
import fs from 'node:fs'
import path from 'node:path'
import { exampleRepo, gitStatus } from '../__fixtures__/example-repo.js'
import { runAction, type ActionRun } from '../__fixtures__/run-action.js'
import { tempDir } from '../__fixtures__/trees.js'

const PASSPHRASE = 'lane-passphrase-Ω-7f3a'
const FAST = { 'scrypt-work-factor': '10', passphrase: PASSPHRASE }
const OUTPUTS = OUTPUT_NAMES

function reportOf(run: ActionRun) {
  const md = fs.readFileSync(run.outputs['report-path']!, 'utf8')
  const json = JSON.parse(fs.readFileSync(run.outputs['report-json-path']!, 'utf8'))
  return { md, json }
}

function expectStoppedAt(run: ActionRun, repo: string, step: string, reason: RegExp) {
  expect(run.code).toBe(1)
  expect(run.outputs.decision).toBe('NO-GO')
  expect(run.outputs['failed-step']).toBe(step)
  expect(run.stdout).toMatch(new RegExp(`::error::NO-GO at ${step}: `))
  const { md, json } = reportOf(run)
  expect(md).toMatch(/^# .*NO-GO/)
  expect(md).toMatch(reason)
  const order = [
    'migration-export',
    'migration-check',
    'migration-import',
    'snapshot-create',
    'restore-test',
    // SPEC: the exposure audit is the last step of precutover
    'exposure-audit'
  ]
  const statuses = json.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)
  const at = order.indexOf(step)
  expect(statuses).toEqual(
    order.map((name, i) => `${name}:${i < at ? 'passed' : i === at ? 'failed' : 'skipped'}`)
  )
  expect(fs.existsSync(path.join(repo, 'backup/snapshots'))).toBe(false)
  expect(run.outputs['snapshot-path']).toBe('')
  expect(fs.readdirSync(run.runnerTemp)).toEqual([])
}

describe('the precutover lane through the bundled action, on the example repository', () => {
  it('is GO with every output set, the report in the summary and both files, no secret anywhere, nothing left in RUNNER_TEMP, tracked files untouched', async () => {
    const repo = exampleRepo()
    const envDump = path.join(tempDir(), 'check-env.json')
    const run = await runAction(
      repo,
      {
        ...FAST,
        // the check step records the environment it was given, then the real check runs in import
        'migration-check': `node -e "require('fs').writeFileSync(process.argv[1], JSON.stringify(process.env))" ${envDump}`
      },
      { GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE }
    )
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    for (const name of OUTPUTS.filter(
      // snapshots is the catalogue of list mode and of a prune (SPEC), neither of which ran;
      // snapshot-url is set only with a store
      (n) =>
        !['failed-step', 'artifact-id', 'artifact-url', 'snapshots', 'snapshot-url'].includes(n)
    )) {
      expect([name, run.outputs[name]]).toEqual([name, expect.stringMatching(/.+/)])
    }
    expect(run.outputs.decision).toBe('GO')
    const { md, json } = reportOf(run)
    expect(md).toMatch(/^# .*GO/)
    expect(run.summary).toContain(md.split('\n')[0])
    expect(json.decision).toBe('GO')
    expect(json.steps.map((s: { status: string }) => s.status)).toEqual(Array(6).fill('passed'))
    expect(fs.readdirSync(run.runnerTemp)).toEqual([])
    expect(gitStatus(repo)).toBe('?? reports/publicization/\n')

    const childEnv = JSON.parse(fs.readFileSync(envDump, 'utf8'))
    expect(
      Object.keys(childEnv).filter(
        (k) => k.startsWith('INPUT_') || k === 'GRAPHITI_SNAPSHOT_PASSPHRASE'
      )
    ).toEqual([])
    const visible = run.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n')
    for (const text of [
      visible,
      run.summary,
      md,
      JSON.stringify(json),
      JSON.stringify(childEnv),
      fs.readFileSync(run.outputs['manifest-path']!, 'utf8')
    ]) {
      expect(text).not.toContain(PASSPHRASE)
    }
  })

  it('is NO-GO at migration-check when the check fails: later steps skipped, report written, no snapshot', async () => {
    const repo = exampleRepo()
    const run = await runAction(repo, {
      ...FAST,
      'migration-check': `python3 -c "import sys; print('entity 7 has no id'); sys.exit(3)"`
    })
    expectStoppedAt(run, repo, 'migration-check', /entity 7 has no id/)
  })

  it('is NO-GO at migration-export when the script is missing, naming it and the input that can point elsewhere', async () => {
    const repo = exampleRepo()
    fs.rmSync(path.join(repo, 'scripts/state_migration_export.py'))
    const run = await runAction(repo, FAST)
    expectStoppedAt(run, repo, 'migration-export', /state_migration_export\.py/)
    expect(run.outputs['failed-step']).toBe('migration-export')
    expect(reportOf(run).md).toMatch(/migration-export/)
  })

  it('is NO-GO at migration-import on a timeout, and the process is gone', async () => {
    const repo = exampleRepo()
    const run = await runAction(repo, {
      ...FAST,
      'migration-import': `python3 -c "import time; time.sleep(120)"`,
      'migration-timeout': '10'
    })
    expectStoppedAt(run, repo, 'migration-import', /timed out after 10 ?s/)
  })

  it('is NO-GO when a dry-run writes to the repository (decision point C), with git restore guidance', async () => {
    const repo = exampleRepo()
    // without --dry-run the example export appends to exports/export-log.jsonl, a tracked file
    const run = await runAction(repo, {
      ...FAST,
      'migration-export': 'python3 scripts/state_migration_export.py --out {package}'
    })
    // a tracked file under an include: named by root and fingerprint (SPEC, Safety rules)
    const fingerprint = createHash('sha256')
      .update('exports/export-log.jsonl')
      .digest('hex')
      .slice(0, 10)
    expectStoppedAt(run, repo, 'migration-import', new RegExp(`exports/…#${fingerprint}`))
    expect(reportOf(run).md + run.stdout + run.summary).not.toContain('export-log')
    expect(reportOf(run).md).toMatch(/git restore/)
  })
})
