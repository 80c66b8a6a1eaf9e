// Recipient snapshots through both bundled doors, as the example workflow runs them: a snapshot
// job holding only public recipients (no passphrase, no identity anywhere in its environment)
// uploads from a public repository; a restore-test job that downloaded it opens it with the
// identity. X25519 snapshots open with stock `age -d -i` and GNU tar, hybrid ones with typage.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {
  Decrypter,
  Encrypter,
  generateHybridIdentity,
  identityToRecipient as typageRecipient
} from 'age-encryption'
import {
  readZip,
  startFakeResultsService,
  type FakeResultsService
} from '../__fixtures__/fake-results-service.js'
import { commitAll } from '../__fixtures__/example-repo.js'
import { runAction, type ActionRun } from '../__fixtures__/run-action.js'
import { cliSync } from '../__fixtures__/run-cli.js'
import { ageKeygen, withTools } from '../__fixtures__/stock-tools.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'

const INCLUDES = 'state\nexports\nlogs'

const withAge = withTools('age')
// X25519 key files in age-keygen's format, made by typage: stock age is needed only to open
const keys = tempDir('cg-keys-')
const alice = await ageKeygen(keys, 'alice.txt')
const bob = await ageKeygen(keys, 'bob.txt')
const eve = await ageKeygen(keys, 'eve.txt')

function publicEvent(): string {
  const file = path.join(tempDir('cg-event-'), 'event.json')
  fs.writeFileSync(file, JSON.stringify({ repository: { private: false, visibility: 'public' } }))
  return file
}

/** GNU tar extracts the .tar.zst; every included file is there byte for byte. */
function expectSameTree(tarZst: Buffer, repo: string): void {
  const out = tempDir('cg-rcpt-tar-')
  execFileSync('tar', ['--zstd', '-xf', '-', '-C', out], { input: tarZst })
  const walk = (rel: string): void => {
    const src = path.join(repo, rel)
    const stat = fs.lstatSync(src)
    if (stat.isSymbolicLink())
      expect(fs.readlinkSync(path.join(out, rel))).toBe(fs.readlinkSync(src))
    else if (stat.isDirectory()) fs.readdirSync(src).forEach((c) => walk(path.join(rel, c)))
    else
      expect([rel, fs.readFileSync(path.join(out, rel)).equals(fs.readFileSync(src))]).toEqual([
        rel,
        true
      ])
  }
  for (const include of INCLUDES.split('\n')) walk(include)
}

/** The env of a job that holds no secret: what runAction builds, checked. */
function expectNoSecretInEnv(run: ActionRun): void {
  expect(run.env.INPUT_PASSPHRASE).toBe('')
  expect(run.env.INPUT_IDENTITY).toBe('')
  for (const name of ['GRAPHITI_SNAPSHOT_PASSPHRASE', 'CUTOVER_GATE_AGE_IDENTITY'])
    expect(run.env[name]).toBeUndefined()
}

/** The artifact as actions/download-artifact lays it out, in a fresh folder. */
function download(fake: FakeResultsService, name: string): string {
  const dir = tempDir('cg-download-')
  for (const entry of readZip(fake.artifacts.get(name)!.blob!)) {
    fs.mkdirSync(path.dirname(path.join(dir, entry.name)), { recursive: true })
    fs.writeFileSync(path.join(dir, entry.name), entry.data)
  }
  return dir
}

function restoreTest(dir: string, identityArgs: string[], env: Record<string, string> = {}) {
  const run = cliSync(['restore-test', '--repo', dir, '--include', 'state', ...identityArgs], env)
  const json = fs.existsSync(path.join(dir, 'reports/publicization/backup-readiness.json'))
    ? fs.readFileSync(path.join(dir, 'reports/publicization/backup-readiness.json'), 'utf8')
    : ''
  const md = fs.existsSync(path.join(dir, 'reports/publicization/backup-readiness.md'))
    ? fs.readFileSync(path.join(dir, 'reports/publicization/backup-readiness.md'), 'utf8')
    : ''
  return { ...run, json, md }
}

describe('X25519 recipients: a snapshot job with no secret, a restore-test job with the identity', () => {
  const repo = commitAll(makeRepo())
  let fake: FakeResultsService
  let snapshot: ActionRun
  let downloaded: string
  beforeAll(async () => {
    fake = await startFakeResultsService()
    snapshot = await runAction(
      repo,
      {
        mode: 'snapshot',
        include: INCLUDES,
        recipients: `# restore team\n${alice.recipient}\n\n${bob.recipient}  \r\n`,
        'upload-artifact': 'true',
        'artifact-name': 'rcpt'
      },
      // a public repository: recipient snapshots upload from it without allow-public-artifact
      { ...fake.runnerEnv(), GITHUB_EVENT_PATH: publicEvent() }
    )
    downloaded = download(fake, 'rcpt')
  })
  afterAll(() => fake.close())

  it('is GO with no secret in the job, the manifest naming the recipient type and count only', () => {
    expectNoSecretInEnv(snapshot)
    expect([snapshot.code, snapshot.outputs.decision, snapshot.stderr]).toEqual([0, 'GO', ''])
    const manifest = JSON.parse(
      fs.readFileSync(path.join(repo, 'backup/snapshots/latest-manifest.json'), 'utf8')
    )
    expect(manifest.encryption).toEqual({ format: 'age-v1', recipient: 'x25519', recipients: 2 })
    expect(snapshot.summary).toContain('age-v1, X25519 recipients (2)')
    const json = JSON.parse(
      fs.readFileSync(path.join(repo, 'reports/publicization/backup-readiness.json'), 'utf8')
    )
    expect(json.evidence.encryption).toEqual(manifest.encryption)
    for (const k of [alice, bob]) {
      expect(snapshot.stdout + snapshot.summary).not.toContain(k.recipient)
    }
    expect(snapshot.outputs['artifact-id']).toMatch(/^\d+$/)
  })

  withAge.it(
    'opens with stock age -d -i for each recipient and extracts with GNU tar; not for another key',
    () => {
      for (const { keyFile } of [alice, bob]) {
        const tarZst = execFileSync(
          'age',
          ['-d', '-i', keyFile, snapshot.outputs['snapshot-path']!],
          {
            maxBuffer: 1 << 28
          }
        )
        expectSameTree(tarZst, repo)
      }
      expect(() =>
        execFileSync('age', ['-d', '-i', eve.keyFile, snapshot.outputs['snapshot-path']!], {
          stdio: 'pipe'
        })
      ).toThrow(/no identity matched/)
    }
  )

  it.each([
    ['alice via --identity-file', () => ['--identity-file', alice.keyFile], {}],
    ['bob via --identity-file', () => ['--identity-file', bob.keyFile], {}],
    [
      'bob via CUTOVER_GATE_AGE_IDENTITY',
      () => [],
      () => ({ CUTOVER_GATE_AGE_IDENTITY: fs.readFileSync(bob.keyFile, 'utf8') })
    ],
    [
      'alice via --identity-env',
      () => ['--identity-env', 'MY_KEY'],
      () => ({ MY_KEY: fs.readFileSync(alice.keyFile, 'utf8') })
    ]
  ] as const)('the downloaded artifact restore-tests GO with %s', (_, args, env) => {
    const run = restoreTest(downloaded, args(), typeof env === 'function' ? env() : env)
    expect([run.code, run.stderr]).toEqual([0, expect.not.stringContaining('warning')])
    expect(JSON.parse(run.json).decision).toBe('GO')
    expect(run.md).toContain('age-v1, X25519 recipients (2)')
  })

  it('a wrong identity is a NO-GO that says no identity matches this snapshot', () => {
    const run = restoreTest(downloaded, ['--identity-file', eve.keyFile])
    expect(run.code).toBe(1)
    expect(JSON.parse(run.json).decision).toBe('NO-GO')
    for (const text of [run.json, run.md, run.stdout])
      expect(text).toContain('no identity matches this snapshot')
    // the wrong key never shows either
    const secret = fs.readFileSync(eve.keyFile, 'utf8').match(/AGE-SECRET-KEY-1\S+/)![0]
    for (const text of [run.json, run.md, run.stdout, run.stderr])
      expect(text).not.toContain(secret)
  })

  it('a passphrase where an identity is needed is a NO-GO naming the missing identity', () => {
    const run = restoreTest(downloaded, [], { GRAPHITI_SNAPSHOT_PASSPHRASE: 'some passphrase' })
    expect(run.code).toBe(1)
    expect(run.json).toMatch(
      /encrypted to age recipients \(x25519\) and no identity was given: give --identity-file FILE or the CUTOVER_GATE_AGE_IDENTITY variable/
    )
  })

  it.each([0o600, 0o400, 0o640, 0o604, 0o644, 0o660])(
    'an identity file with mode %o works; a chmod warning when group or others can read it',
    (mode) => {
      const file = path.join(tempDir('cg-keymode-'), 'key.txt')
      fs.copyFileSync(bob.keyFile, file)
      fs.chmodSync(file, mode)
      const run = restoreTest(downloaded, ['--identity-file', file])
      expect(run.code).toBe(0)
      const warning = new RegExp(
        `--identity-file ${file} is readable by group or others \\(mode ${mode.toString(8)}\\); chmod 600`
      )
      if ((mode & 0o077) !== 0) expect(run.stderr).toMatch(warning)
      else expect(run.stderr).not.toMatch(/warning/)
    }
  )
})

describe('ML-KEM-768 + X25519 hybrid recipients: typage is the oracle', () => {
  it('a hybrid snapshot made through the CLI opens with typage and restore-tests GO with the identity', async () => {
    const identities = [await generateHybridIdentity(), await generateHybridIdentity()]
    const recipients = await Promise.all(identities.map((i) => typageRecipient(i)))
    const other = await generateHybridIdentity()
    const repo = makeRepo()
    const dir = tempDir('cg-hybrid-')
    const recipientsFile = path.join(dir, 'recipients.txt')
    fs.writeFileSync(recipientsFile, `# team\n${recipients[0]}\n`)
    const made = cliSync(
      [
        'snapshot',
        '--repo',
        repo,
        '--include',
        'state',
        '--recipients-file',
        recipientsFile,
        '--recipient',
        recipients[1]!
      ],
      {}
    )
    expect([made.code, made.stderr]).toEqual([0, expect.stringContaining('report:')])
    const manifest = JSON.parse(
      fs.readFileSync(path.join(repo, 'backup/snapshots/latest-manifest.json'), 'utf8')
    )
    expect(manifest.encryption).toEqual({
      format: 'age-v1',
      recipient: 'mlkem768x25519',
      recipients: 2
    })
    const file = path.join(repo, 'backup/snapshots', manifest.snapshot.path)
    for (const identity of identities) {
      const d = new Decrypter()
      d.addIdentity(identity)
      const tarZst = Buffer.from(await d.decrypt(fs.readFileSync(file)))
      const out = tempDir('cg-hybrid-tar-')
      execFileSync('tar', ['--zstd', '-xf', '-', '-C', out], { input: tarZst })
      expect(fs.readFileSync(path.join(out, 'state/blob.bin'))).toEqual(
        fs.readFileSync(path.join(repo, 'state/blob.bin'))
      )
    }
    const wrong = new Decrypter()
    wrong.addIdentity(other)
    await expect(wrong.decrypt(fs.readFileSync(file))).rejects.toThrow()

    // the other way: the same archive encrypted by typage to the first recipient opens with us
    const plain = new Decrypter()
    plain.addIdentity(identities[0]!)
    const archive = await plain.decrypt(fs.readFileSync(file))
    const e = new Encrypter()
    e.addRecipient(recipients[0]!)
    const byTypage = Buffer.from(await e.encrypt(archive))
    const typageDir = tempDir('cg-typage-')
    const typageManifest = path.join(typageDir, 'latest-manifest.json')
    fs.writeFileSync(path.join(typageDir, manifest.snapshot.path), byTypage)
    fs.writeFileSync(
      typageManifest,
      JSON.stringify({
        ...manifest,
        encryption: { ...manifest.encryption, recipients: 1 },
        snapshot: {
          ...manifest.snapshot,
          size: byTypage.length,
          sha256: createHash('sha256').update(byTypage).digest('hex')
        }
      })
    )
    const typageKey = path.join(typageDir, 'key.txt')
    fs.writeFileSync(typageKey, `${identities[0]}\n`, { mode: 0o600 })
    const opened = cliSync(
      [
        'restore-test',
        '--repo',
        typageDir,
        '--manifest',
        typageManifest,
        '--identity-file',
        typageKey
      ],
      {}
    )
    expect([opened.code, opened.stdout]).toEqual([0, expect.stringContaining('GO')])

    for (const [identity, code] of [
      [identities[1]!, 0],
      [other, 1]
    ] as const) {
      const keyFile = path.join(dir, `key-${code}.txt`)
      fs.writeFileSync(keyFile, `# created by typage\n${identity}\n`, { mode: 0o600 })
      const run = cliSync(
        ['restore-test', '--repo', repo, '--include', 'state', '--identity-file', keyFile],
        {}
      )
      expect(run.code).toBe(code)
      const report = fs.readFileSync(
        path.join(repo, 'reports/publicization/backup-readiness.md'),
        'utf8'
      )
      if (code === 0) expect(report).toContain('age-v1, ML-KEM-768 + X25519 recipients (2)')
      else expect(report).toContain('no identity matches this snapshot')
      expect(report + run.stdout + run.stderr).not.toContain(identity)
    }
  })
})

describe('refused before anything runs, through both doors', () => {
  const passphrase = 'correct horse battery staple 42!'

  it.each([
    ['snapshot', 'input'],
    ['snapshot', 'variable'],
    ['precutover', 'input'],
    ['precutover', 'variable']
  ] as const)('action, mode %s: a passphrase by %s beside recipients', async (mode, via) => {
    const repo = commitAll(makeRepo())
    const run = await runAction(
      repo,
      { mode, recipients: alice.recipient, ...(via === 'input' ? { passphrase } : {}) },
      via === 'variable' ? { GRAPHITI_SNAPSHOT_PASSPHRASE: passphrase } : {}
    )
    expect(run.code).toBe(1)
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error::'))
    expect(errors).toEqual([
      expect.stringContaining(
        '::error::input passphrase: passphrase and recipients are exclusive (age)'
      )
    ])
    expect(fs.existsSync(path.join(repo, 'backup'))).toBe(false)
    expect(run.stdout).not.toContain(`${passphrase} `)
  })

  it('action, mode precutover: recipients and no identity names both inputs, before the dry-run', async () => {
    const repo = commitAll(makeRepo())
    const marker = path.join(tempDir('cg-ran-'), 'ran')
    const run = await runAction(repo, {
      mode: 'precutover',
      recipients: alice.recipient,
      'migration-export': `touch ${marker}`
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(
      /::error::input identity: mode precutover with recipients .*the identity input or the CUTOVER_GATE_AGE_IDENTITY variable \(identity-env\)/
    )
    expect(fs.existsSync(marker)).toBe(false)
    expect(fs.existsSync(path.join(repo, 'backup'))).toBe(false)
  })

  it('CLI: a bad line of a recipients file is named by file and line; a bad --recipient by its value', () => {
    const repo = makeRepo()
    const file = path.join(keys, 'recipients.txt')
    fs.writeFileSync(
      file,
      `# team\n${alice.recipient}\n\n${alice.recipient.slice(0, -1)}${alice.recipient.endsWith('x') ? 'q' : 'x'}\n`
    )
    const fromFile = cliSync(['snapshot', '--repo', repo, '--recipients-file', file], {})
    expect(fromFile.code).toBe(2)
    expect(fromFile.stderr).toMatch(new RegExp(`^cutover-gate: --recipients-file ${file} line 4 `))
    const flag = cliSync(['snapshot', '--repo', repo, '--recipient', 'age1nope'], {})
    expect(flag.code).toBe(2)
    expect(flag.stderr).toMatch(/^cutover-gate: --recipient age1nope: /)
    const both = cliSync(['snapshot', '--repo', repo, '--recipient', alice.recipient], {
      GRAPHITI_SNAPSHOT_PASSPHRASE: passphrase
    })
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('passphrase and recipients are exclusive (age)')
    const keyFlag = cliSync(['restore-test', '--repo', repo, '--identity', 'AGE-SECRET-KEY-1X'], {})
    expect(keyFlag.code).toBe(2)
    expect(keyFlag.stderr).toMatch(/no --identity flag/)
    for (const run of [fromFile, flag, both, keyFlag])
      expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(fs.existsSync(path.join(repo, 'backup'))).toBe(false)
  })
})
