import { spawn, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { commitAll } from '../__fixtures__/example-repo.js'
import { actionDefaultsEnv, inputVar, parseCommandFile, ROOT } from '../__fixtures__/run-action.js'
import { CLI } from '../__fixtures__/run-cli.js'
import { tempDir } from '../__fixtures__/trees.js'

/**
 * Issue 22 item 3: SIGKILL each mode at generated moments (a delay drawn over the mode's own run
 * time), through both doors; then the action's post step (dist/post.js with the state the main
 * step saved) or the next CLI run. Afterwards nothing but whole files stays: no package,
 * restore-test or staging folder, no temp, journal, marker, claim or lock, no plaintext anywhere
 * under the temp folder, snapshot-dir or the target's parent; the target holds nothing or the whole
 * tree; the earlier snapshot is byte for byte what it was.
 */
const PASSPHRASE = `exit paths ${randomBytes(12).toString('hex')}`
const CANARY = `PLAINTEXT-CANARY-${randomBytes(8).toString('hex')}`
const MODES = ['precutover', 'snapshot', 'restore-test', 'restore'] as const
type Mode = (typeof MODES)[number]
type Door = 'action' | 'cli'

/** What this tool makes and must never leave behind. */
const OURS =
  /cutover-gate-(package|restore-test|restore|handoff)-|\.tmp-|\.cutover-gate\.lock|\.cleanup$|\.moving$|\.claim-|\.pruning-/

const below = (dir: string): string[] =>
  fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).sort() : []

/** Files under dir (recursively) whose bytes hold the canary, i.e. plaintext of the includes. */
function plaintextUnder(dir: string, skip: string[] = []): string[] {
  const canary = Buffer.from(CANARY)
  return below(dir).filter((rel) => {
    const p = path.join(dir, rel)
    if (skip.some((s) => p === s || p.startsWith(`${s}/`))) return false
    const stat = fs.lstatSync(p)
    return stat.isFile() && fs.readFileSync(p).includes(canary)
  })
}

const sha = (file: string): string =>
  createHash('sha256').update(fs.readFileSync(file)).digest('hex')

/** The included tree: random bulk (slow to compress and encrypt) and text holding the canary. */
function makeRepo(): string {
  const repo = tempDir('cg-exit-repo-')
  fs.mkdirSync(path.join(repo, 'state/deep'), { recursive: true })
  for (let i = 0; i < 3; i++)
    fs.writeFileSync(path.join(repo, `state/bulk-${i}.bin`), randomBytes(8 << 20))
  for (let i = 0; i < 40; i++)
    fs.writeFileSync(
      path.join(repo, `state/deep/doc-${i}.jsonl`),
      `{"${CANARY}":${i}}\n`.repeat(4000)
    )
  fs.writeFileSync(path.join(repo, '.gitignore'), 'reports/\n')
  return commitAll(repo)
}

interface Places {
  work: string
  temp: string
  snaps: string
  target: string
  report: string
}

function placesFor(): Places {
  const work = tempDir('cg-exit-')
  const places = {
    work,
    temp: path.join(work, 'temp'),
    snaps: path.join(work, 'snaps'),
    target: path.join(work, 'out', 'target'),
    report: path.join(work, 'reports', 'readiness.md')
  }
  fs.mkdirSync(places.temp)
  return places
}

function inputsFor(repo: string, mode: Mode, p: Places): Record<string, string> {
  return {
    mode,
    repo,
    include: 'state',
    'snapshot-dir': p.snaps,
    manifest: path.join(p.snaps, 'latest-manifest.json'),
    'report-path': p.report,
    'scrypt-work-factor': '10',
    'migration-export': 'sh -c "cp -r state {package}/ && sleep 0.2"',
    'migration-check': 'sh -c "cat {package}/state/deep/doc-1.jsonl > /dev/null"',
    'migration-import': 'sh -c "sleep 0.2"',
    ...(mode === 'restore' ? { 'restore-target': p.target } : {})
  }
}

interface Started {
  child: ReturnType<typeof spawn>
  done: Promise<number | null>
  /** After the kill: what the door does next (the post step, or the next CLI run). */
  after: () => void
}

function start(door: Door, repo: string, mode: Mode, p: Places): Started {
  const inputs = inputsFor(repo, mode, p)
  const base = { PATH: process.env.PATH ?? '', HOME: '/tmp' }
  if (door === 'action') {
    const stateFile = path.join(p.work, 'state')
    fs.writeFileSync(stateFile, '')
    const env: Record<string, string> = {
      ...base,
      ...actionDefaultsEnv(),
      GITHUB_OUTPUT: path.join(p.work, 'output'),
      GITHUB_STEP_SUMMARY: path.join(p.work, 'summary'),
      GITHUB_STATE: stateFile,
      GITHUB_WORKSPACE: repo,
      GITHUB_ACTIONS: 'true',
      RUNNER_TEMP: p.temp,
      TMPDIR: p.temp,
      [inputVar('passphrase')]: PASSPHRASE
    }
    for (const [name, value] of Object.entries(inputs)) env[inputVar(name)] = value
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/index.js')], {
      env,
      cwd: repo,
      stdio: 'ignore'
    })
    return {
      child,
      done: new Promise((resolve) => child.on('close', resolve)),
      after: () => {
        const postEnv = { ...env }
        for (const [n, v] of Object.entries(parseCommandFile(fs.readFileSync(stateFile, 'utf8'))))
          postEnv[`STATE_${n}`] = v
        const post = spawnSync(process.execPath, [path.join(ROOT, 'dist/post.js')], {
          env: postEnv,
          cwd: repo,
          encoding: 'utf8'
        })
        expect(post.status).toBe(0)
      }
    }
  }
  const flags = Object.entries(inputs)
    .filter(([name]) => name !== 'mode')
    .flatMap(([name, value]) => [`--${name}`, value])
  const env = { ...base, TMPDIR: p.temp, GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE }
  const child = spawn(process.execPath, [CLI, mode, ...flags], { env, stdio: 'ignore' })
  return {
    child,
    done: new Promise((resolve) => child.on('close', resolve)),
    after: () => {
      // the next run: a list of the same snapshot-dir, with the same temp folder and target
      const next = spawnSync(
        process.execPath,
        [
          CLI,
          'list',
          ...flags.filter(
            (f, i, all) => f !== '--restore-target' && all[i - 1] !== '--restore-target'
          ),
          ...(mode === 'restore' ? ['--restore-target', p.target] : [])
        ],
        { env, encoding: 'utf8' }
      )
      expect([next.status, next.stderr]).toEqual([0, expect.any(String)])
    }
  }
}

/** A SIGKILLed CLI cannot stop its migration commands: stop them as the runner would, by their args. */
function stopOrphans(work: string): void {
  for (const pid of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(work))
        process.kill(Number(pid), 'SIGKILL')
    } catch {
      // gone, or not ours
    }
  }
}

describe('SIGKILL at generated moments of every mode leaves nothing but whole files', () => {
  const repo = makeRepo()
  const template = placesFor()
  /** Each mode's whole run time through the CLI, unkilled: the range the kill moment is drawn from. */
  const runTime: Partial<Record<Mode, number>> = {}
  let earlier: { file: string; sha: string; manifest: string }

  beforeAll(async () => {
    const made = start('cli', repo, 'snapshot', template)
    expect(await made.done).toBe(0)
    const file = fs.readdirSync(template.snaps).find((n) => /^snapshot-.*\.age$/.test(n))!
    earlier = {
      file,
      sha: sha(path.join(template.snaps, file)),
      manifest: fs.readFileSync(path.join(template.snaps, 'latest-manifest.json'), 'utf8')
    }
    for (const mode of MODES) {
      const p = placesFor()
      fs.cpSync(template.snaps, p.snaps, { recursive: true })
      const t0 = performance.now()
      const run = start('cli', repo, mode, p)
      expect(await run.done).toBe(0)
      runTime[mode] = performance.now() - t0
    }
  }, 120_000)

  /** What shows a kill landed mid-work: plaintext or a partial file of the mode's own kind. */
  const CAUGHT: Record<Mode, RegExp> = {
    precutover: /^cutover-gate-package-[^/]*\/state\//,
    snapshot: /^\.snapshot-.*\.tmp-/,
    'restore-test': /^cutover-gate-restore-test-[^/]*\/state\//,
    restore: /^target\/\.cutover-gate-restore-[^/]*\/state\//
  }
  /** Kept honest: most kills land mid-run, and every mode was caught mid-work at least once. */
  const seen = { killed: 0, leftovers: new Set<Mode>() }

  const doors = fc.constantFrom<Door>('action', 'cli')
  const moments = fc.integer({ min: 0, max: 1100 }).map((n) => n / 1000)

  it('over modes, doors and moments', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...MODES), doors, moments, killOnce), {
      numRuns: 48,
      unbiased: true
    })
    // a loaded machine shifts the moments: draw more for a mode never yet caught mid-work
    for (const mode of MODES) {
      for (let i = 0; i < 24 && !seen.leftovers.has(mode); i++)
        await killOnce(mode, fc.sample(doors, 1)[0]!, fc.sample(moments, 1)[0]!)
    }
    expect(seen.killed).toBeGreaterThan(20)
    expect([...seen.leftovers].sort()).toEqual([...MODES].sort())
  }, 1_200_000)

  async function killOnce(mode: Mode, door: Door, fraction: number): Promise<void> {
    const p = placesFor()
    fs.cpSync(template.snaps, p.snaps, { recursive: true })
    const run = start(door, repo, mode, p)
    await new Promise((resolve) => setTimeout(resolve, fraction * runTime[mode]!))
    run.child.kill('SIGKILL')
    await run.done
    if (run.child.signalCode === 'SIGKILL') seen.killed++
    const before = [...below(p.temp), ...below(p.snaps), ...below(path.dirname(p.target))]
    if (before.some((n) => CAUGHT[mode].test(n))) seen.leftovers.add(mode)
    if (door === 'cli') stopOrphans(p.work)
    run.after()

    const everywhere = [
      ...below(p.temp),
      ...below(p.snaps),
      ...below(path.dirname(p.target)),
      ...below(path.dirname(p.report)),
      ...below(repo).filter((n) => !n.startsWith('.git/'))
    ]
    expect(everywhere.filter((n) => OURS.test(path.basename(n)) || OURS.test(n))).toEqual([])
    expect(plaintextUnder(p.temp)).toEqual([])
    expect(plaintextUnder(p.snaps)).toEqual([])
    expect(plaintextUnder(path.dirname(p.target), [p.target])).toEqual([])
    // the target: nothing, or the whole tree
    const restored = below(p.target)
    if (restored.length > 0)
      expect(restored).toEqual(below(repo).filter((n) => n.startsWith('state')))
    // the earlier snapshot, whole and unchanged; every manifest names a whole file
    expect(sha(path.join(p.snaps, earlier.file))).toBe(earlier.sha)
    for (const name of fs.readdirSync(p.snaps)) {
      if (!/^snapshot-.*\.json$/.test(name)) continue
      const m = JSON.parse(fs.readFileSync(path.join(p.snaps, name), 'utf8'))
      expect(sha(path.join(p.snaps, m.snapshot.path))).toBe(m.snapshot.sha256)
    }
    const latest = JSON.parse(fs.readFileSync(path.join(p.snaps, 'latest-manifest.json'), 'utf8'))
    expect(sha(path.join(p.snaps, latest.snapshot.path))).toBe(latest.snapshot.sha256)
  }
})
