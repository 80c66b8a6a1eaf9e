import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { cliAsync, cliSync } from '../__fixtures__/run-cli.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'

const PASSPHRASE = 'signals passphrase'
const EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }

/** ~24 MiB, half incompressible: a snapshot and a restore take long enough to be caught mid-way. */
function bigRepo(): string {
  const repo = makeRepo()
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
      /^\.target\.cutover-gate-restore-[^/]*\/./,
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
})
