import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { cloneSnapshot, gate, idAt, PASSPHRASE } from '../__fixtures__/catalogue-helpers.js'
import { ROOT, runAction } from '../__fixtures__/run-action.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { readCatalogue, usable } from '../src/catalogue/read-catalogue.js'

const CLI = path.join(ROOT, 'dist/cli.js')
const SNAPSHOTS = 'backup/snapshots'

function cliEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    TMPDIR: tempDir('cg-list-tmp-'),
    GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE
  }
}

function cli(args: string[], env = cliEnv()) {
  const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** A repo whose snapshot-dir holds `count` real snapshots (one made, cloned under older ids). */
async function repoWith(count: number): Promise<{ repo: string; dir: string; ids: string[] }> {
  const repo = makeRepo()
  const made = await gate(repo, { mode: 'snapshot' })
  const dir = path.join(repo, SNAPSHOTS)
  const newest = made.outputs['snapshot-id']
  const ids = Array.from({ length: count - 1 }, (_, i) => idAt(i))
  for (const id of ids) cloneSnapshot(dir, newest, id)
  return { repo, dir, ids: [...ids, newest] }
}

describe('list mode through the bundled CLI and action', () => {
  it('the CLI prints the catalogue, needs no passphrase, and writes no report', async () => {
    const { repo, ids } = await repoWith(3)
    fs.writeFileSync(path.join(repo, SNAPSHOTS, 'snapshot-20250101T000000Z.tar.age'), 'orphan')
    const env = cliEnv()
    delete (env as Record<string, string | undefined>).GRAPHITI_SNAPSHOT_PASSPHRASE
    const reportBefore = fs.readFileSync(
      path.join(repo, 'reports/publicization/backup-readiness.json'),
      'utf8'
    )
    const r = cli(['list', '--repo', repo], env)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const lines = r.stdout.split('\n')
    for (const id of ids) expect(lines.some((l) => l.trimStart().startsWith(id))).toBe(true)
    expect(lines.find((l) => l.includes(ids.at(-1)!))).toMatch(/latest/)
    expect(lines.find((l) => l.includes('20250101T000000Z'))).toMatch(/orphan/)
    expect(
      fs.readFileSync(path.join(repo, 'reports/publicization/backup-readiness.json'), 'utf8')
    ).toBe(reportBefore)

    // --snapshot picks one by id: GO (0) for a listed one, NO-GO (1) for an unknown one, 2 for a bad id
    const picked = cli([
      'restore-test',
      '--repo',
      repo,
      '--include',
      'state',
      '--snapshot',
      ids[0]!
    ])
    expect(picked.code).toBe(0)
    expect(picked.stdout).toContain(`snapshot ${ids[0]}`)
    const unknown = cli(['restore-test', '--repo', repo, '--snapshot', '20991231T235959Z'])
    expect(unknown.code).toBe(1)
    expect(unknown.stdout.replace(/\s+/g, ' ')).toMatch(/20991231T235959Z is not in the catalogue/)
    for (const bad of ['20991231', 'yesterday', '20991231T235959Z/../x']) {
      const usage = cli(['restore-test', '--repo', repo, '--snapshot', bad])
      expect(usage.code).toBe(2)
      expect(usage.stderr).toMatch(/^cutover-gate: input snapshot: accepts latest or a snapshot id/)
    }
  }, 60_000)

  it('the action writes the catalogue to the job summary and the snapshots output', async () => {
    const { repo, ids } = await repoWith(2)
    const run = await runAction(repo, { mode: 'list', repo })
    expect(run.code).toBe(0)
    expect(run.outputs.decision).toBe('GO')
    const listed = JSON.parse(run.outputs.snapshots!)
    expect(listed.map((e: { id: string }) => e.id)).toEqual([...ids].reverse())
    expect(run.summary).toContain('## Snapshot catalogue')
    for (const id of ids) expect(run.summary).toContain(id)
    // and the log shows it, one line per snapshot
    for (const id of ids)
      expect(run.stdout.split('\n').some((l) => l.trimStart().startsWith(id))).toBe(true)
    const kept = fs.readFileSync(
      path.join(repo, 'reports/publicization/backup-readiness.json'),
      'utf8'
    )
    expect(JSON.parse(kept).mode).toBe('snapshot')
  }, 60_000)

  it('the action restore-tests a snapshot by id and prunes with keep-last after the GO', async () => {
    const { repo, dir, ids } = await repoWith(4)
    const run = await runAction(repo, {
      mode: 'restore-test',
      repo,
      include: 'state',
      snapshot: ids[0]!,
      'keep-last': '2',
      passphrase: PASSPHRASE
    })
    expect(run.code).toBe(0)
    expect(run.outputs['snapshot-id']).toBe(ids[0])
    // kept: the two newest and the one just verified
    expect(readCatalogue(dir).entries.map((e) => e.id)).toEqual([ids[3], ids[2], ids[0]])
    expect(JSON.parse(run.outputs.snapshots!).map((e: { id: string }) => e.id)).toEqual([
      ids[3],
      ids[2],
      ids[0]
    ])
    expect(run.summary).toContain('## Pruned (keep-last)')
    expect(run.summary).toContain(ids[1])
  }, 60_000)
})

describe('a prune killed with SIGKILL', () => {
  const COUNT = 120

  /** Runs restore-test --keep-last 1 over a fresh catalogue, SIGKILLed after delayMs (or not). */
  async function killedRun(delayMs: number | undefined) {
    const { repo, dir, ids } = await repoWith(COUNT)
    const started = performance.now()
    const child = spawn(
      process.execPath,
      [CLI, 'restore-test', '--repo', repo, '--include', 'state', '--keep-last', '1'],
      { env: cliEnv(), stdio: 'ignore', detached: true }
    )
    const timer =
      delayMs === undefined
        ? undefined
        : setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), delayMs)
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    clearTimeout(timer)
    return { repo, dir, ids, code, tookMs: performance.now() - started }
  }

  /** Every snapshot file this tool wrote still has its manifest: the crash made no orphan. */
  function expectNoOrphanMade(dir: string, ids: string[]): number {
    let gone = 0
    for (const id of ids) {
      const file = fs.existsSync(path.join(dir, `snapshot-${id}.tar.zst.age`))
      const manifest = fs.existsSync(path.join(dir, `snapshot-${id}.json`))
      if (file) expect([id, manifest]).toEqual([id, true])
      if (!file) gone++
    }
    return gone
  }

  it('leaves a consistent catalogue at whatever moment it dies, and the next run finishes it', async () => {
    const full = await killedRun(undefined)
    expect(full.code).toBe(0)
    expect(expectNoOrphanMade(full.dir, full.ids)).toBe(COUNT - 1)
    // search the run's timeline for kills that land inside the prune: too early prunes nothing,
    // too late prunes all; each kill, wherever it lands, must leave no orphan
    let low = 0
    let high = full.tookMs
    let midPrune = 0
    for (let attempt = 0; attempt < 14 && midPrune < 3; attempt++) {
      const delay = (low + high) / 2
      const run = await killedRun(delay)
      const gone = expectNoOrphanMade(run.dir, run.ids)
      const catalogue = readCatalogue(run.dir, path.join(run.dir, 'latest-manifest.json'))
      expect(catalogue.entries.some((e) => e.orphan)).toBe(false)
      if (run.code === 0 || gone === COUNT - 1) high = delay
      else if (gone === 0) low = delay
      else {
        midPrune++
        // list shows the catalogue, the next run (a GO) finishes the prune
        const list = cli(['list', '--repo', run.repo])
        expect(list.code).toBe(0)
        const again = cli([
          'restore-test',
          '--repo',
          run.repo,
          '--include',
          'state',
          '--keep-last',
          '1'
        ])
        expect(again.code).toBe(0)
        const after = readCatalogue(run.dir, path.join(run.dir, 'latest-manifest.json'))
        expect(after.entries.map((e) => [e.id, usable(e)])).toEqual([[run.ids.at(-1), true]])
        low = delay - (high - low) / 4
      }
    }
    expect(midPrune).toBeGreaterThan(0)
  }, 300_000)
})
