import { createHash } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { cliSync } from '../__fixtures__/run-cli.js'
import { commitAll } from '../__fixtures__/example-repo.js'
import { MemoryLogger } from '../__fixtures__/memory-logger.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { createSnapshot } from '../src/snapshot/create-snapshot.js'
import { fingerprintIncludes } from '../src/util/tree-fingerprint.js'
import { passphraseKeys } from '../__fixtures__/passphrase-keys.js'

const INCLUDES = ['state', 'exports', 'reports/private', 'logs']
const PASSPHRASE = 'after the dry-run, nothing moves'

// Writes that land between the dry-run's own check and the snapshot's read: each must keep the
// snapshot from being committed.
const WRITES: [string, (repo: string) => void][] = [
  ['a new file', (r) => fs.writeFileSync(path.join(r, 'state/graph/late.json'), '{}\n')],
  ['a removed file', (r) => fs.rmSync(path.join(r, 'exports/export-1.json'))],
  [
    'a rewrite with mtime put back',
    (r) => {
      const f = path.join(r, 'state/graph/nodes.jsonl')
      const { atime, mtime } = fs.statSync(f)
      const data = fs.readFileSync(f)
      data[2] = data[2]! ^ 1
      fs.writeFileSync(f, data)
      fs.utimesSync(f, atime, mtime)
    }
  ],
  ['a mode change', (r) => fs.chmodSync(path.join(r, 'logs/app.log'), 0o600)],
  ['an empty folder', (r) => fs.mkdirSync(path.join(r, 'reports/private/new'))],
  [
    'a retargeted link',
    (r) => {
      fs.rmSync(path.join(r, 'state/current'))
      fs.symlinkSync('graph/edges.jsonl', path.join(r, 'state/current'))
    }
  ]
]

describe('a snapshot after a dry-run commits only the includes the dry-run saw', () => {
  it.each(WRITES)('%s: NO-GO, no snapshot and no manifest written', async (_what, write) => {
    const repo = makeRepo()
    const snapshotDir = path.join(tempDir('cg-after-'), 'snapshots')
    const since = fingerprintIncludes(repo, INCLUDES)
    write(repo)
    const config = {
      repo,
      includes: INCLUDES,
      snapshotDir,
      manifestPath: path.join(snapshotDir, 'latest-manifest.json'),
      force: true,
      compression: 'zstd' as const,
      workFactor: 10
    }
    await expect(
      createSnapshot(config, passphraseKeys(PASSPHRASE), new MemoryLogger(), undefined, {
        unchangedSince: since
      })
    ).rejects.toThrow(/the includes changed after the migration dry-run.*isolate writes/)
    expect(fs.readdirSync(snapshotDir).filter((n) => !n.startsWith('.cutover-gate'))).toEqual([])
  })

  it('unchanged includes: the snapshot is committed', async () => {
    const repo = makeRepo()
    const snapshotDir = path.join(tempDir('cg-after-'), 'snapshots')
    const config = {
      repo,
      includes: INCLUDES,
      snapshotDir,
      manifestPath: path.join(snapshotDir, 'latest-manifest.json'),
      force: true,
      compression: 'zstd' as const,
      workFactor: 10
    }
    const since = fingerprintIncludes(repo, INCLUDES)
    const outcome = await createSnapshot(
      config,
      passphraseKeys(PASSPHRASE),
      new MemoryLogger(),
      undefined,
      {
        unchangedSince: since
      }
    )
    expect(fs.existsSync(outcome.evidence.snapshotPath)).toBe(true)
  })

  it('precutover: a writer the dry-run left behind without the run marker is caught', () => {
    const repo = commitAll(makeRepo())
    const work = tempDir('cg-after-lane-')
    const stop = path.join(work, 'stop')
    const ready = path.join(work, 'ready')
    // detached and with a clean environment: the run marker cannot find it; it writes for up to
    // 20 s. The command ends only once the writer runs without the marker (ready), so it is not
    // stopped as an escaped process first: its writes land in the dry-run or after it.
    const writer = `setsid -f env -i sh -c 'touch ${ready}; i=0; while [ ! -e ${stop} ] && [ $i -lt 400 ]; do echo $i >> state/late.log; i=$((i+1)); sleep 0.05; done'`
    const waitReady = `while [ ! -e ${ready} ]; do sleep 0.01; done`
    try {
      const run = cliSync(
        [
          'precutover',
          '--repo',
          repo,
          '--scrypt-work-factor',
          '10',
          '--snapshot-dir',
          path.join(work, 'snaps'),
          '--manifest',
          path.join(work, 'snaps/latest-manifest.json'),
          '--report-path',
          path.join(work, 'report.md'),
          '--migration-export',
          'true',
          '--migration-check',
          'true',
          '--migration-import',
          `sh -c "${writer}; ${waitReady}"`
        ],
        { GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE }
      )
      expect(run.code).toBe(1)
      const report = JSON.parse(fs.readFileSync(path.join(work, 'report.json'), 'utf8'))
      expect(report.decision).toBe('NO-GO')
      expect(['migration-import', 'snapshot-create']).toContain(report.failedStep)
      // the report file names it by root and fingerprint only (SPEC, Safety rules)
      const fingerprint = createHash('sha256').update('state/late.log').digest('hex').slice(0, 10)
      expect(report.reason).toContain(`state/…#${fingerprint}`)
      expect(report.reason).not.toContain('late.log')
    } finally {
      fs.writeFileSync(stop, '')
      spawnSync('pkill', ['-f', stop])
    }
  })
})
