// Two runs on one repository: while run A is between its snapshot and its restore-test (held
// there by a logger that waits at the restore-test group), run B or an older tool writes into the
// same snapshot-dir. A's evidence must be A's own snapshot, or A must be NO-GO.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Config } from '../src/config/config.js'
import { runLane, type LaneOutcome } from '../src/lane/run-lane.js'
import { passphraseKeys } from '../__fixtures__/passphrase-keys.js'
import { restoreTest } from '../src/restore/restore-test.js'
import { createSnapshot } from '../src/snapshot/create-snapshot.js'
import { LOCK_NAME } from '../src/snapshot/snapshot-dir-lock.js'
import { MemoryLogger } from '../__fixtures__/memory-logger.js'

const PASSPHRASE = 'two runs, one repository'
const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })))

function setup(): Config {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-evidence-'))
  dirs.push(dir)
  const repo = path.join(dir, 'repo')
  fs.mkdirSync(path.join(repo, 'state'), { recursive: true })
  fs.writeFileSync(path.join(repo, 'state', 'graph.json'), '{"run": "A"}\n')
  fs.mkdirSync(path.join(dir, 'temp'))
  const snapshotDir = path.join(dir, 'snapshots')
  return {
    mode: 'precutover',
    repo,
    includes: ['state'],
    snapshotDir,
    manifestPath: path.join(snapshotDir, 'latest-manifest.json'),
    force: true,
    compression: 'zstd',
    workFactor: 10,
    // not a git work tree: the dry-run only warns, which keeps these lanes short
    migration: {
      exportCommand: 'true',
      checkCommand: 'true',
      importCommand: 'true',
      timeoutSeconds: 30
    },
    reportPath: path.join(dir, 'report.md'),
    reportJsonPath: path.join(dir, 'report.json'),
    restoreTarget: '',
    uploadArtifact: false,
    artifactName: 'x',
    retentionDays: 1,
    failOnNoGo: true,
    allowWeakPassphrase: false,
    recipients: [],
    identityEnv: 'CUTOVER_GATE_AGE_IDENTITY',
    snapshot: 'latest',
    keepLast: 0,
    // these lanes are about snapshot evidence; the exposure audit has its own tests
    exposure: 'off',
    allowPublicArtifact: false,
    passphraseEnv: 'GRAPHITI_SNAPSHOT_PASSPHRASE',
    tempDir: path.join(dir, 'temp')
  }
}

/** A logger that stops the lane at the door of restore-test until `meanwhile` has run. */
class BarrierLogger extends MemoryLogger {
  constructor(private readonly meanwhile: () => Promise<void>) {
    super()
  }
  override async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (name === 'restore-test') await this.meanwhile()
    return super.group(name, fn)
  }
}

function snapshotShaOf(outcome: LaneOutcome): string | undefined {
  return outcome.steps.find((s) => s.name === 'snapshot-create')?.status === 'passed'
    ? outcome.evidence?.sha256
    : undefined
}

/** Another snapshot of other content, made in a folder of its own (no lock in common). */
async function foreignSnapshot(config: Config): Promise<{ manifest: string; snapshot: string }> {
  const other = `${config.snapshotDir}-other`
  const repo = `${config.repo}-other`
  fs.mkdirSync(path.join(repo, 'state'), { recursive: true })
  fs.writeFileSync(path.join(repo, 'state', 'graph.json'), '{"run": "B", "more": true}\n')
  const out = await createSnapshot(
    { ...config, repo, snapshotDir: other, manifestPath: path.join(other, 'latest-manifest.json') },
    passphraseKeys(PASSPHRASE),
    new MemoryLogger()
  )
  return { manifest: out.evidence.manifestPath, snapshot: out.evidence.snapshotPath }
}

describe('evidence of this run only', () => {
  it('a second lane started while the first sits between snapshot and restore-test is NO-GO, and the first reports its own snapshot', async () => {
    const config = setup()
    let second: LaneOutcome | undefined
    let aSha: string | undefined
    const first = await runLane(
      config,
      passphraseKeys(PASSPHRASE),
      new BarrierLogger(async () => {
        aSha = JSON.parse(fs.readFileSync(config.manifestPath, 'utf8')).snapshot.sha256
        // the lock still names A: the whole precutover is covered
        expect(fs.existsSync(path.join(config.snapshotDir, LOCK_NAME))).toBe(true)
        second = await runLane(config, passphraseKeys(PASSPHRASE), new MemoryLogger())
      })
    )
    const b = second!.steps.find((s) => s.name === 'snapshot-create')!
    expect(b.status).toBe('failed')
    expect(b.detail).toMatch(/locked by another cutover-gate run/)
    expect(first.steps.map((s) => s.status)).toEqual([
      'passed',
      'passed',
      'passed',
      'passed',
      'passed'
    ])
    expect(first.evidence?.sha256).toBe(aSha)
    // released afterwards: a third run gets the lock
    expect(fs.existsSync(path.join(config.snapshotDir, LOCK_NAME))).toBe(false)
  })

  // what a writer that ignores the lock (an older cutover-gate, a copy step) can do meanwhile
  const meddlers: [
    string,
    'GO' | 'NO-GO',
    (c: Config, f: { manifest: string; snapshot: string }, mine: string) => void
  ][] = [
    [
      'the manifest replaced by another run’s (its snapshot beside it)',
      'GO',
      (c, f) => {
        // another name: both snapshots may be of the same second
        const name = path.basename(f.snapshot).replace(/\d{8}T\d{6}Z/, '20000101T000000Z')
        fs.copyFileSync(f.snapshot, path.join(c.snapshotDir, name))
        const manifest = JSON.parse(fs.readFileSync(f.manifest, 'utf8'))
        manifest.snapshot.path = name
        fs.writeFileSync(`${c.manifestPath}.new`, JSON.stringify(manifest))
        fs.renameSync(`${c.manifestPath}.new`, c.manifestPath)
      }
    ],
    ['the manifest removed', 'GO', (c) => fs.rmSync(c.manifestPath)],
    [
      'this run’s snapshot renamed over by another one',
      'NO-GO',
      (_c, f, mine) => {
        fs.copyFileSync(f.snapshot, `${mine}.x`)
        fs.renameSync(`${mine}.x`, mine)
      }
    ],
    [
      'this run’s snapshot and the manifest both replaced',
      'NO-GO',
      (c, f, mine) => {
        fs.copyFileSync(f.snapshot, mine)
        const manifest = JSON.parse(fs.readFileSync(f.manifest, 'utf8'))
        manifest.snapshot.path = path.basename(mine)
        fs.writeFileSync(c.manifestPath, JSON.stringify(manifest))
      }
    ]
  ]

  it.each(meddlers)(
    '%s: A reports its own snapshot, or is NO-GO',
    async (_what, expected, meddle) => {
      const config = setup()
      const foreign = await foreignSnapshot(config)
      let mine: { sha256: string; path: string } | undefined
      const outcome = await runLane(
        config,
        passphraseKeys(PASSPHRASE),
        new BarrierLogger(async () => {
          const manifest = JSON.parse(fs.readFileSync(config.manifestPath, 'utf8'))
          mine = {
            sha256: manifest.snapshot.sha256,
            path: path.join(config.snapshotDir, manifest.snapshot.path)
          }
          meddle(config, foreign, mine.path)
        })
      )
      const restore = outcome.steps.find((s) => s.name === 'restore-test')!
      expect(snapshotShaOf(outcome)).toBe(mine!.sha256)
      if (expected === 'GO') {
        expect(restore.status).toBe('passed')
        expect(outcome.evidence?.sha256).toBe(mine!.sha256)
        expect(outcome.evidence?.snapshotPath).toBe(mine!.path)
      } else {
        expect(restore.status).toBe('failed')
        expect(restore.detail).toMatch(/SHA-256|bytes but the manifest says/)
      }
    }
  )
})

/** A logger that acts the moment the ciphertext has been hashed, before it is decrypted. */
class AfterHashLogger extends MemoryLogger {
  constructor(private readonly act: () => void) {
    super()
  }
  override info(message: string): void {
    if (/matches the manifest/.test(message)) this.act()
    super.info(message)
  }
}

describe('the ciphertext is hashed and decrypted from one descriptor', () => {
  async function written(): Promise<{ config: Config; snapshot: string; sha256: string }> {
    const config = setup()
    const out = await createSnapshot(config, passphraseKeys(PASSPHRASE), new MemoryLogger())
    return { config, snapshot: out.evidence.snapshotPath, sha256: out.evidence.sha256 }
  }

  it.each([
    ['renamed over by another snapshot', true],
    ['removed', false]
  ])('a file %s after hashing is NO-GO, never the evidence', async (_what, replace) => {
    const { config, snapshot } = await written()
    const foreign = await foreignSnapshot(config)
    await expect(
      restoreTest(
        config.manifestPath,
        passphraseKeys(PASSPHRASE),
        config.tempDir,
        new AfterHashLogger(() => {
          if (replace) fs.copyFileSync(foreign.snapshot, `${snapshot}.x`)
          if (replace) fs.renameSync(`${snapshot}.x`, snapshot)
          else fs.rmSync(snapshot)
        })
      )
    ).rejects.toThrow(/snapshot .* was replaced while it was verified/)
  })

  it.each([
    ['rewritten with the very same bytes', (b: Buffer) => b],
    [
      'one byte changed in place',
      (b: Buffer) => Buffer.concat([b.subarray(0, -1), Buffer.from([b.at(-1)! ^ 1])])
    ]
  ])('a file %s after hashing is NO-GO', async (_what, change) => {
    const { config, snapshot } = await written()
    const bytes = fs.readFileSync(snapshot)
    await expect(
      restoreTest(
        config.manifestPath,
        passphraseKeys(PASSPHRASE),
        config.tempDir,
        // same inode, written in place (O_TRUNC), with a clock tick so the times surely move
        new AfterHashLogger(() => {
          const until = Date.now() + 15
          while (Date.now() < until);
          fs.writeFileSync(snapshot, change(bytes))
        })
      )
    ).rejects.toThrow(
      /was written to while it was verified|snapshot .*(authentic|truncat|damag|corrupt)/
    )
  })
})
