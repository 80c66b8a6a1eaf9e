import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { CLI, cliAsync, cliSync, type CliResult } from '../__fixtures__/run-cli.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'

const PASSPHRASE = 'claims passphrase, long enough 42'
const ENV = { GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE }

/**
 * Readers hold a claim (issue 22 item 2), with real processes: a restore or restore-test whose
 * every read of the snapshot file is slowed by strace, while a second process makes a snapshot and,
 * on its GO, prunes with keep-last 1. The reader starts first, the GO after a generated delay.
 */
describe('a concurrent keep-last never deletes the snapshot a reader is reading', () => {
  const repo = makeRepo()
  fs.writeFileSync(path.join(repo, 'state/bulk.bin'), randomBytes(3 << 20))
  const snapshots = path.join(tempDir('cg-claims-'), 'snaps')
  const common = [
    '--repo',
    repo,
    '--include',
    'state',
    '--snapshot-dir',
    snapshots,
    '--manifest',
    path.join(snapshots, 'latest-manifest.json'),
    '--scrypt-work-factor',
    '10'
  ]
  const snapshot = (keepLast: number): CliResult =>
    cliSync(
      [
        'snapshot',
        ...common,
        '--keep-last',
        String(keepLast),
        '--report-path',
        path.join(tempDir('cg-rep-'), 'r.md')
      ],
      ENV
    )
  const ids = (): string[] =>
    fs
      .readdirSync(snapshots)
      .map((n) => /^snapshot-(\d{8}T\d{6}Z)\.json$/.exec(n)?.[1])
      .filter((id): id is string => id !== undefined)
      .sort()

  /** The CLI under strace: every read of `slowFile` waits `delayUs` first. */
  function slowReader(args: string[], slowFile: string, delayUs: number) {
    const child = spawn(
      'strace',
      [
        '-f',
        '-qq',
        '-o',
        '/dev/null',
        '-P',
        slowFile,
        '-e',
        'trace=read,pread64',
        '-e',
        `inject=read,pread64:delay_enter=${delayUs}`,
        process.execPath,
        CLI,
        ...args
      ],
      {
        env: { PATH: process.env.PATH ?? '', HOME: '/tmp', ...ENV },
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const done = new Promise<CliResult>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
    )
    return { child, done }
  }

  const seen = { claimed: false }

  it('restore and restore-test, of an id or of latest, with the GO at a generated moment', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('restore', 'restore-test'),
        fc.constantFrom('id', 'latest'),
        fc.integer({ min: 0, max: 1500 }),
        async (mode, which, startAfterMs) => {
          fs.rmSync(snapshots, { recursive: true, force: true })
          expect(snapshot(0).code).toBe(0)
          const [old] = ids()
          const file = fs.readdirSync(snapshots).find((n) => n.startsWith(`snapshot-${old}.tar`))!
          const extra = mode === 'restore' ? ['--restore-target', path.join(tempDir(), 't')] : []
          const pick = which === 'id' ? ['--snapshot', old!] : []
          const report = path.join(tempDir(), 'r.md')
          const reading = slowReader(
            [mode, ...common, ...pick, ...extra, '--report-path', report],
            path.join(snapshots, file),
            400_000
          )
          await new Promise((resolve) => setTimeout(resolve, startAfterMs))
          const pruning = cliAsync(
            [
              'snapshot',
              ...common,
              '--keep-last',
              '1',
              '--report-path',
              path.join(tempDir('cg-rep-'), 'r.md')
            ],
            ENV
          )
          // watched all along: a snapshot file gone (not merely held aside by a prune deciding)
          // while a reader's claim on it exists is exactly what must never happen to a GO
          let claimedButGone = false
          let claimSeen = false
          const watch = setInterval(() => {
            const names = fs.readdirSync(snapshots)
            const claim = names.some((n) => n.startsWith(`.${file}.claim-`))
            const aside = names.some((n) => n.startsWith(`.${file}.pruning-`))
            claimSeen ||= claim
            if (claim && !aside && !names.includes(file)) claimedButGone = true
          }, 2)
          const [read, pruned] = await Promise.all([reading.done, pruning.done])
          clearInterval(watch)
          expect(pruned.code).toBe(0)
          if (read.code === 0) {
            expect(claimedButGone).toBe(false)
            // the snapshot it read was whole when read, and a prune then saw it claimed or not at all
            const readId = JSON.parse(fs.readFileSync(report.replace(/\.md$/, '.json'), 'utf8'))
              .snapshotId as string
            if (readId === old && ids().includes(old!) && ids().length > 1 && which === 'id')
              expect(pruned.stdout).toMatch(/claimed/)
          } else {
            // the prune came first: the reader says the snapshot is gone, it does not half-read it
            expect(ids()).not.toContain(old)
            expect(read.stdout + read.stderr).toMatch(/missing|not in the catalogue|pruned/)
          }
          seen.claimed ||= claimSeen
          // nothing of the claim protocol stays
          expect(fs.readdirSync(snapshots).filter((n) => /\.claim-|\.pruning-/.test(n))).toEqual([])
          // once the reader is done, the next GO prunes it as keep-last says
          expect(snapshot(1).code).toBe(0)
          expect(ids()).toHaveLength(1)
        }
      ),
      { numRuns: 8 }
    )
    // the watch saw claims: the property was not met vacuously
    expect(seen.claimed).toBe(true)
  }, 600_000)
})
