import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { commitAll } from '../__fixtures__/example-repo.js'
import { runAction } from '../__fixtures__/run-action.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'

const PASSPHRASE = 'correct horse battery staple ✓'
const FAST = { 'scrypt-work-factor': '10' }

function gitRepo(dir: string): string {
  fs.writeFileSync(path.join(dir, '.gitignore'), 'backup/snapshots/\n')
  return commitAll(dir)
}

const listAll = (dir: string): string[] =>
  fs.readdirSync(dir, { recursive: true, withFileTypes: false }).map(String)

describe('the bundled action, run the way the runner runs it', () => {
  it('snapshots a tree with nested, unicode, empty, executable and symlinked entries, then restore-tests it GO', async () => {
    const repo = gitRepo(makeRepo())
    const before = execFileSync('git', ['-C', repo, 'status', '--porcelain']).toString()
    const snap = await runAction(repo, { ...FAST, mode: 'snapshot', passphrase: PASSPHRASE })
    expect(snap.stderr).toBe('')
    expect(snap.code).toBe(0)
    expect(snap.outputs).toMatchObject({
      decision: 'GO',
      'failed-step': '',
      'file-count': '10',
      'manifest-path': path.join(repo, 'backup/snapshots/latest-manifest.json')
    })
    expect(snap.outputs['snapshot-path']).toMatch(
      /backup\/snapshots\/snapshot-\d{8}T\d{6}Z\.tar\.zst\.age$/
    )
    expect(snap.outputs['snapshot-sha256']).toMatch(/^[0-9a-f]{64}$/)
    expect(snap.outputs['content-digest']).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(Number(snap.outputs['snapshot-size'])).toBe(
      fs.statSync(snap.outputs['snapshot-path']!).size
    )
    expect(snap.summary).toMatch(/^#.*GO/m)
    expect(fs.existsSync(path.join(repo, 'reports/publicization/backup-readiness.md'))).toBe(true)
    expect(fs.existsSync(path.join(repo, 'reports/publicization/backup-readiness.json'))).toBe(true)

    const manifest = JSON.parse(fs.readFileSync(snap.outputs['manifest-path']!, 'utf8'))
    expect(JSON.stringify(manifest)).not.toMatch(/graph|nodes|ünïcødé|blob/)
    expect(manifest.encryption).toEqual({ format: 'age-v1', recipient: 'scrypt', workFactor: 10 })

    const test = await runAction(repo, { mode: 'restore-test', passphrase: PASSPHRASE })
    expect(test.code).toBe(0)
    expect(test.outputs.decision).toBe('GO')
    expect(test.outputs['content-digest']).toBe(snap.outputs['content-digest'])
    expect(listAll(test.runnerTemp)).toEqual([])
    // tracked files untouched
    expect(execFileSync('git', ['-C', repo, 'status', '--porcelain']).toString()).toBe(
      before + '?? reports/publicization/\n'
    )
    for (const run of [snap, test]) {
      // ::add-mask:: is how the runner learns the secret; the runner never shows that line
      const visible = run.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'))
      const everything = [...visible, run.stderr, run.summary, JSON.stringify(run.outputs)].join(
        '\n'
      )
      expect(everything).not.toContain(PASSPHRASE)
    }
  })

  it('restores into an empty target (decision point B) and refuses a non-empty one', async () => {
    const repo = makeRepo()
    await runAction(repo, { ...FAST, mode: 'snapshot', passphrase: PASSPHRASE })
    const target = path.join(tempDir(), 'restored')
    const restored = await runAction(repo, {
      mode: 'restore',
      passphrase: PASSPHRASE,
      'restore-target': target
    })
    expect(restored.outputs.decision).toBe('GO')
    expect(fs.readFileSync(path.join(target, 'state/graph/nodes.jsonl'))).toEqual(
      fs.readFileSync(path.join(repo, 'state/graph/nodes.jsonl'))
    )
    expect(fs.readlinkSync(path.join(target, 'state/current'))).toBe('graph/nodes.jsonl')
    expect(fs.statSync(path.join(target, 'state/tool.sh')).mode & 0o777).toBe(0o755)
    expect(fs.existsSync(path.join(target, '.cutover-gate'))).toBe(false)

    const again = await runAction(repo, {
      mode: 'restore',
      passphrase: PASSPHRASE,
      'restore-target': target
    })
    expect(again.code).toBe(1)
    expect(again.outputs).toMatchObject({ decision: 'NO-GO', 'failed-step': 'restore' })
    expect(again.stdout).toMatch(/::error::NO-GO at restore: restore-target .* is not empty/)
  })

  describe('NO-GO on a damaged snapshot or manifest', () => {
    let repo: string
    let snapshot: string
    let manifestPath: string
    let pristine: Buffer
    let manifestText: string

    beforeAll(async () => {
      repo = makeRepo()
      const run = await runAction(repo, { ...FAST, mode: 'snapshot', passphrase: PASSPHRASE })
      snapshot = run.outputs['snapshot-path']!
      manifestPath = run.outputs['manifest-path']!
      pristine = fs.readFileSync(snapshot)
      manifestText = fs.readFileSync(manifestPath, 'utf8')
    })
    afterEach(() => {
      fs.writeFileSync(snapshot, pristine)
      fs.writeFileSync(manifestPath, manifestText)
    })

    const expectNoGo = async (reason: RegExp, passphrase = PASSPHRASE) => {
      const run = await runAction(repo, { mode: 'restore-test', passphrase })
      expect(run.code).toBe(1)
      expect(run.outputs).toMatchObject({ decision: 'NO-GO', 'failed-step': 'restore-test' })
      expect(run.stdout).toMatch(reason)
      expect(run.summary).toMatch(/NO-GO/)
      expect(listAll(run.runnerTemp)).toEqual([])
      return run
    }

    it('a flipped byte: the checksum says so', async () => {
      const bytes = Buffer.from(pristine)
      bytes[bytes.length >> 1]! ^= 0x01
      fs.writeFileSync(snapshot, bytes)
      await expectNoGo(/SHA-256 is [0-9a-f]{64} but the manifest says/)
    })

    it('a truncated file', async () => {
      fs.writeFileSync(snapshot, pristine.subarray(0, pristine.length - 100))
      await expectNoGo(/bytes but the manifest says \d+: it is truncated/)
    })

    it('trailing garbage', async () => {
      fs.writeFileSync(snapshot, Buffer.concat([pristine, Buffer.from('garbage')]))
      await expectNoGo(/longer than written \(trailing data\)/)
    })

    it('a wrong passphrase, in those words', async () => {
      await expectNoGo(/wrong passphrase/, 'not the passphrase')
    })

    it('an edited manifest (content digest)', async () => {
      const m = JSON.parse(manifestText)
      m.content.digest = `sha256:${'0'.repeat(64)}`
      fs.writeFileSync(manifestPath, JSON.stringify(m))
      await expectNoGo(/differs from the manifest's content.digest/)
    })

    it('a manifest that fails the schema', async () => {
      fs.writeFileSync(manifestPath, JSON.stringify({ ...JSON.parse(manifestText), version: 2 }))
      await expectNoGo(/fails the schema at version/)
    })

    it('a flipped byte when the manifest was rewritten to match: authentication fails', async () => {
      const bytes = Buffer.from(pristine)
      bytes[bytes.length - 40]! ^= 0x01
      fs.writeFileSync(snapshot, bytes)
      const m = JSON.parse(manifestText)
      const { createHash } = await import('node:crypto')
      m.snapshot.sha256 = createHash('sha256').update(bytes).digest('hex')
      fs.writeFileSync(manifestPath, JSON.stringify(m))
      await expectNoGo(/tampered|corrupt/i)
    })
  })

  it('an empty passphrase says secrets are not given to forks and suggests migration-dry-run; nothing is written', async () => {
    const repo = makeRepo()
    const run = await runAction(repo, { mode: 'snapshot' })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::input passphrase: .*forks.*migration-dry-run/)
    expect(run.outputs).toEqual({})
    expect(run.summary).toBe('')
    expect(fs.existsSync(path.join(repo, 'backup'))).toBe(false)
    expect(fs.existsSync(path.join(repo, 'reports/publicization'))).toBe(false)
  })

  it('takes the passphrase from the variable named by passphrase-env', async () => {
    const repo = makeRepo()
    const run = await runAction(
      repo,
      { ...FAST, mode: 'snapshot', 'passphrase-env': 'MY_PASS' },
      { MY_PASS: PASSPHRASE }
    )
    expect(run.outputs.decision).toBe('GO')
    expect(run.stdout).toContain('::add-mask::')
  })
})

describe('inputs that change what a NO-GO does', () => {
  it('force: false refuses to replace an existing manifest, leaving it byte for byte', async () => {
    const repo = makeRepo()
    expect(
      (await runAction(repo, { ...FAST, mode: 'snapshot', passphrase: PASSPHRASE })).code
    ).toBe(0)
    const manifestPath = path.join(repo, 'backup/snapshots/latest-manifest.json')
    const before = fs.readFileSync(manifestPath)
    const snapshotsBefore = fs.readdirSync(path.dirname(manifestPath))
    const run = await runAction(repo, {
      ...FAST,
      mode: 'snapshot',
      passphrase: PASSPHRASE,
      force: 'false'
    })
    expect(run.code).toBe(1)
    expect(run.outputs).toMatchObject({ decision: 'NO-GO', 'failed-step': 'snapshot-create' })
    expect(run.stdout).toMatch(/already exists and force is false/)
    expect(fs.readFileSync(manifestPath)).toEqual(before)
    expect(fs.readdirSync(path.dirname(manifestPath))).toEqual(snapshotsBefore)
  })

  it('fail-on-no-go: false sets the outputs and warns, without failing the step', async () => {
    const repo = makeRepo()
    const run = await runAction(repo, {
      ...FAST,
      mode: 'snapshot',
      passphrase: PASSPHRASE,
      include: 'state\nnot-there'
    })
    const relaxed = await runAction(repo, {
      ...FAST,
      mode: 'snapshot',
      passphrase: PASSPHRASE,
      include: 'state\nnot-there',
      'fail-on-no-go': 'false'
    })
    expect(run.code).toBe(1)
    expect(relaxed.code).toBe(0)
    expect(relaxed.outputs).toMatchObject({ decision: 'NO-GO', 'failed-step': 'snapshot-create' })
    expect(relaxed.stdout).not.toMatch(/::error::/)
    expect(relaxed.stdout).toMatch(
      /::warning::NO-GO at snapshot-create: include not-there is missing/
    )
  })

  it('special files are left out and listed as a warning in the report', async () => {
    const repo = makeRepo()
    execFileSync('mkfifo', [path.join(repo, 'logs/pipe')])
    const run = await runAction(repo, { ...FAST, mode: 'snapshot', passphrase: PASSPHRASE })
    expect(run.outputs.decision).toBe('GO')
    const report = fs.readFileSync(run.outputs['report-path']!, 'utf8')
    // the name is private (SPEC, Safety rules): its root and fingerprint, never the name
    const hidden = `logs/…#${createHash('sha256').update('logs/pipe').digest('hex').slice(0, 10)}`
    expect(report).toContain(`left out ${hidden}: it is a fifo`)
    expect(run.summary).toContain(`left out ${hidden}: it is a fifo`)
    expect(report + run.summary + run.stdout).not.toContain('logs/pipe')
  })
})
