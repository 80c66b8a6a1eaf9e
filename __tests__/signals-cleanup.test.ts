import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { cliAsync, cliSync } from '../__fixtures__/run-cli.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { commitAll } from '../__fixtures__/example-repo.js'

const PASSPHRASE = 'signals passphrase'
const EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }

/** ~24 MiB, half incompressible: a snapshot and a restore take long enough to be caught mid-way. */
function bigRepo(): string {
  const repo = commitAll(makeRepo())
  for (let i = 0; i < 4; i++) {
    fs.writeFileSync(path.join(repo, `state/random-${i}.bin`), randomBytes(3 << 20))
    fs.writeFileSync(path.join(repo, `logs/log-${i}.jsonl`), `{"i":${i}}\n`.repeat(300_000))
  }
  return repo
}

/** Everything below dir (names relative to it). */
const below = (dir: string): string[] =>
  fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]) : []

/** What we create and must never leave: packages, extraction, staging, .tmp, lock, markers. */
const OURS = /cutover-gate-(package|restore-test|restore)-|\.tmp-|\.cutover-gate\.lock|\.cleanup$/

describe('a signal at any moment leaves nothing of ours behind, and exits the way the signal would', () => {
  const repo = bigRepo()
  const work = tempDir('cg-signals-')
  const snapshots = path.join(work, 'snaps')
  const manifest = path.join(snapshots, 'latest-manifest.json')
  const common = [
    '--repo',
    repo,
    '--snapshot-dir',
    snapshots,
    '--manifest',
    manifest,
    '--report-path',
    path.join(work, 'report.md'),
    '--scrypt-work-factor',
    '10'
  ]
  beforeAll(() => {
    const first = cliSync(['snapshot', ...common], { GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE })
    expect(first.code).toBe(0)
  })

  // moment: [mode, extra flags, where to look, what shows we are in it]
  const MOMENTS: [string, string, (t: string) => string[], RegExp, (t: string) => string][] = [
    ['during export', 'precutover', () => [], /cutover-gate-package-.*\/started$/, (t) => t],
    ['during snapshot', 'snapshot', () => [], /^\.snapshot-.*\.tmp-/, () => snapshots],
    [
      'during restore-test',
      'restore-test',
      () => [],
      /^cutover-gate-restore-test-[^/]*\/./,
      (t) => t
    ],
    [
      'during restore',
      'restore',
      (t) => ['--restore-target', path.join(t, 'target')],
      /^target\/\.cutover-gate-restore-[^/]*\/./,
      (t) => t
    ]
  ]
  const cases = MOMENTS.flatMap((m) => Object.keys(EXIT).map((sig) => [m[0], sig, m] as const))

  it.each(cases)('%s, %s', async (_moment, sig, [, mode, extra, shows, where]) => {
    const tmp = tempDir('cg-sigtmp-')
    const child = cliAsync(
      [
        mode,
        ...common,
        ...extra(tmp),
        '--migration-export',
        `sh -c "touch {package}/started; sleep 600"`
      ],
      { GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE, TMPDIR: tmp }
    )
    let caught = false
    const watch = where(tmp)
    while (!caught && child.child.exitCode === null) {
      caught = below(watch).some((n) => shows.test(n))
      if (!caught) await new Promise((r) => setTimeout(r, 2))
    }
    expect(caught).toBe(true)
    child.child.kill(sig as NodeJS.Signals)
    const result = await child.done
    expect([result.code, result.signal]).toEqual([EXIT[sig], null])
    expect([...below(tmp), ...below(snapshots)].filter((n) => OURS.test(n))).toEqual([])
  })

  /** Starts a dry-run whose export waits; resolves once its package folder is in use. */
  async function exporting(tmp: string, script = 'touch {package}/started; sleep 600') {
    const before = new Set(below(tmp))
    const run = cliAsync(
      ['migration-dry-run', '--repo', repo, '--migration-export', `sh -c "${script}"`],
      { GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE, TMPDIR: tmp }
    )
    while (!below(tmp).some((n) => !before.has(n) && /cutover-gate-package-.*\/started$/.test(n)))
      await new Promise((r) => setTimeout(r, 5))
    return run
  }
  /** What a SIGKILLed CLI could not stop: its migration command, found by its command line. */
  function killOrphans(tmp: string): void {
    for (const pid of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
      try {
        if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(tmp))
          process.kill(Number(pid), 'SIGKILL')
      } catch {
        // gone, or not ours
      }
    }
  }
  const packages = (tmp: string) =>
    below(tmp).filter((n) => /^cutover-gate-package-[^/.]*$/.test(n))

  it('a closed stdout/stderr (EPIPE, as under `| head`) cleans up too', async () => {
    const tmp = tempDir('cg-sigtmp-')
    const run = await exporting(
      tmp,
      'touch {package}/started; while :; do echo line; sleep 0.05; done'
    )
    run.child.stdout.destroy()
    run.child.stderr.destroy()
    const result = await run.done
    expect([result.code, result.signal, below(tmp)]).toEqual([141, null, []])
    expect(below(tmp).filter((n) => OURS.test(n))).toEqual([])
  })

  it('a later run removes a SIGKILLed run’s package, and never a live concurrent run’s', async () => {
    const tmp = tempDir('cg-sigtmp-')
    const killed = await exporting(tmp)
    killed.kill()
    await killed.done
    killOrphans(tmp)
    const [dead] = packages(tmp)
    expect(dead).toBeDefined()
    const live = await exporting(tmp)
    const liveOnes = packages(tmp).filter((n) => n !== dead)
    expect(liveOnes).toHaveLength(1)
    // the dead run's folder went when the live one made its own
    expect(packages(tmp)).toEqual(liveOnes)
    const later = cliSync(
      [
        'migration-dry-run',
        '--repo',
        repo,
        '--migration-export',
        'true',
        '--migration-check',
        'true',
        '--migration-import',
        'true'
      ],
      {
        TMPDIR: tmp
      }
    )
    expect([later.code, later.stderr]).toEqual([0, expect.not.stringMatching(/NO-GO/)])
    expect(packages(tmp)).toEqual(liveOnes)
    live.child.kill('SIGTERM')
    expect((await live.done).code).toBe(143)
    expect(below(tmp).filter((n) => OURS.test(n))).toEqual([])
  })
})
