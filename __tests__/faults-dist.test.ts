import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { cliAsync, cliSync } from '../__fixtures__/run-cli.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'

const PASSPHRASE = 'fault-injection passphrase'
const ENV = { GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE }

function args(repo: string, snapshotDir: string, mode = 'snapshot') {
  return [
    mode,
    '--repo',
    repo,
    '--snapshot-dir',
    snapshotDir,
    '--manifest',
    path.join(snapshotDir, 'latest-manifest.json'),
    '--report-path',
    path.join(path.dirname(snapshotDir), 'report.md'),
    '--scrypt-work-factor',
    '10'
  ]
}

/** A repository large enough that a snapshot takes a moment: ~24 MiB, half of it incompressible. */
function bigRepo(): string {
  const repo = makeRepo()
  for (let i = 0; i < 4; i++) {
    fs.writeFileSync(path.join(repo, `state/random-${i}.bin`), randomBytes(3 << 20))
    fs.writeFileSync(
      path.join(repo, `logs/log-${i}.jsonl`),
      `{"i":${i},"msg":"${'x'.repeat(80)}"}\n`.repeat(40_000)
    )
  }
  return repo
}

const leftovers = (dir: string) => fs.readdirSync(dir).filter((n) => n.startsWith('.'))

describe('faults: the previous snapshot survives whatever happens to a new one', () => {
  let repo: string
  let snapshotDir: string

  beforeAll(() => {
    repo = bigRepo()
    snapshotDir = path.join(tempDir('cg-faults-'), 'snapshots')
    const first = cliSync(args(repo, snapshotDir), ENV)
    expect(first.stderr).not.toMatch(/NO-GO/)
    expect(first.code).toBe(0)
  })

  const KILL_POINTS: [string, (name: string) => boolean][] = [
    ['while streaming (the temp snapshot appears)', (n) => /^\.snapshot-.*\.tmp-/.test(n)],
    ['right after the rename (a new snapshot name appears)', (n) => /^snapshot-.*\.age$/.test(n)],
    [
      'while writing the manifest (its temp appears)',
      (n) => /^\.latest-manifest\.json\.tmp-/.test(n)
    ],
    ['after the manifest rename', (n) => n === 'latest-manifest.json']
  ]

  it.each(KILL_POINTS)(
    'SIGKILL %s: restore-test stays GO, and the next run cleans up and is GO',
    async (_, when) => {
      const before = new Set(fs.readdirSync(snapshotDir))
      const run = cliAsync(args(repo, snapshotDir), ENV)
      const watcher = fs.watch(snapshotDir, (_event, name) => {
        if (name && !before.has(name) && when(name)) run.kill()
      })
      const result = await run.done
      watcher.close()
      // the kill may land a little later than the event; any point must leave a whole pair
      const check = cliSync(args(repo, snapshotDir, 'restore-test'), ENV)
      expect([result.signal ?? result.code, check.code, check.stdout]).toEqual([
        expect.anything(),
        0,
        expect.stringMatching(/GO/)
      ])
      const next = cliSync(args(repo, snapshotDir), ENV)
      expect(next.code).toBe(0)
      expect(leftovers(snapshotDir)).toEqual([])
    }
  )

  it.each([200, 700])('SIGKILL after %i ms: the same holds', async (ms) => {
    const run = cliAsync(args(repo, snapshotDir), ENV)
    const timer = setTimeout(run.kill, ms)
    await run.done
    clearTimeout(timer)
    expect(cliSync(args(repo, snapshotDir, 'restore-test'), ENV).code).toBe(0)
    expect(cliSync(args(repo, snapshotDir), ENV).code).toBe(0)
    expect(leftovers(snapshotDir)).toEqual([])
  })

  it('two lanes at once on one snapshot-dir: one waits its turn or fails clearly, neither corrupts the other', async () => {
    const a = cliAsync(args(repo, snapshotDir), ENV)
    const b = cliAsync(args(repo, snapshotDir), ENV)
    const results = await Promise.all([a.done, b.done])
    const codes = results.map((r) => r.code).sort()
    expect(codes[0]).toBe(0)
    for (const r of results.filter((r) => r.code !== 0)) {
      expect(r.code).toBe(1)
      // the terminal wraps at any space (the temp path's length decides where): read it unwrapped
      expect(r.stdout.replace(/\s+/g, ' ')).toMatch(
        /locked by another cutover-gate run \(pid \d+\)/
      )
    }
    expect(cliSync(args(repo, snapshotDir, 'restore-test'), ENV).code).toBe(0)
    expect(leftovers(snapshotDir)).toEqual([])
  })
})

// Mounting a small tmpfs and acting as another user need root. CI runs as root, and there
// (CI=true) these run whatever the user, so a non-root CI fails rather than skipping them.
const asRoot = process.getuid?.() === 0 || process.env.CI ? describe : describe.skip

asRoot('faults: a full disk (needs root)', () => {
  const mountPoint = tempDir('cg-full-')
  beforeAll(() => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint], {
      stdio: 'ignore'
    })
  })
  afterAll(() => {
    execFileSync('umount', [mountPoint])
  })

  it('is NO-GO saying the disk is full, with the previous snapshot intact and no temp file left', () => {
    const repo = makeRepo()
    const snapshotDir = path.join(mountPoint, 'snapshots')
    expect(cliSync(args(repo, snapshotDir), ENV).code).toBe(0)
    const manifest = fs.readFileSync(path.join(snapshotDir, 'latest-manifest.json'))
    fs.writeFileSync(path.join(repo, 'state/too-big.bin'), randomBytes(3 << 20))
    const full = cliSync(args(repo, snapshotDir), ENV)
    expect(full.code).toBe(1)
    expect(full.stdout.replace(/\s+/g, ' ')).toMatch(/disk is full \(ENOSPC\)/)
    expect(fs.readFileSync(path.join(snapshotDir, 'latest-manifest.json'))).toEqual(manifest)
    expect(leftovers(snapshotDir)).toEqual([])
    expect(cliSync(args(repo, snapshotDir, 'restore-test'), ENV).code).toBe(0)
  })
})

asRoot('faults: an unreadable file (needs root)', () => {
  it('is NO-GO naming it (run as an unprivileged user, since root reads everything)', () => {
    const repo = makeRepo()
    const work = tempDir('cg-unreadable-')
    fs.chmodSync(work, 0o777)
    execFileSync('chown', ['-R', 'nobody:nogroup', repo])
    fs.chmodSync(path.join(repo, 'state/graph/edges.jsonl'), 0o000)
    const result = cliSync(
      args(repo, path.join(work, 'snapshots')),
      { ...ENV, TMPDIR: work },
      { uid: 65534, gid: 65534 }
    )
    // not a terminal: the name shows as its root and fingerprint (SPEC, Safety rules)
    expect(result.stdout.replace(/\s+/g, ' ')).toMatch(
      /cannot read state\/…#[0-9a-f]{10}: permission denied/
    )
    expect(result.stdout).not.toContain('edges.jsonl')
    expect(result.code).toBe(1)
    expect(fs.readdirSync(path.join(work, 'snapshots')).filter((n) => n.endsWith('.age'))).toEqual(
      []
    )
  })
})
