// Progress a person can trust: the key derivation said before its silence, rates counted from
// the first byte, done/total and percent when the totals are known, and on Ctrl-C what was removed.
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { commitAll } from '../__fixtures__/example-repo.js'
import { MemoryLogger } from '../__fixtures__/memory-logger.js'
import { runInTerminal } from '../__fixtures__/run-in-terminal.js'
import { makeRepo } from '../__fixtures__/trees.js'
import { keyDerivationLine, ProgressReporter } from '../src/util/progress.js'
import { fingerprintIncludes, fingerprintTotals } from '../src/util/tree-fingerprint.js'

const PASSPHRASE = 'violet canyon ledger 7 orbit quietly'
const screen = (output: string) => output.replace(/\r/g, '')

describe('ProgressReporter', () => {
  it('counts the rate from the first piece of work, with done/total and a percent that never passes 100', () => {
    fc.assert(
      fc.property(
        fc.nat(60_000), // a wait before the data flows (scrypt, a slow disk)
        fc.array(fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.nat(2_000_000)), {
          minLength: 1,
          maxLength: 40
        }),
        fc.option(fc.integer({ min: 1, max: 2 ** 30 })),
        (wait, steps, total) => {
          let clock = 1_000_000
          const logger = new MemoryLogger()
          const totals = total === null ? undefined : { count: 1000, bytes: total }
          const reporter = new ProgressReporter(
            logger,
            'restore',
            'files',
            totals,
            5000,
            () => clock
          )
          clock += wait
          let bytes = 0
          let count = 0
          reporter.update(0, 0)
          for (const [ms, more] of steps) {
            clock += ms
            bytes += more
            count++
            reporter.update(count, bytes)
          }
          for (const line of logger.lines) {
            if (totals) {
              const percent = Number(/\((\d+)%\)/.exec(line)![1])
              expect(percent).toBeLessThanOrEqual(100)
              expect(line).toMatch(
                /^restore: [\d,]+\/1,000 files \(\d+%\), [\d.]+\/[\d.]+ MiB, [\d.]+ MiB\/s$/
              )
            } else expect(line).toMatch(/^restore: [\d,]+ files, [\d.]+ MiB, [\d.]+ MiB\/s$/)
          }
        }
      )
    )
  })

  it('a minute of key derivation before the data does not count in the rate', () => {
    let clock = 0
    const logger = new MemoryLogger()
    const reporter = new ProgressReporter(
      logger,
      'restore',
      'entries',
      { bytes: 20 * 1024 * 1024 },
      5000,
      () => clock
    )
    clock += 60_000 // scrypt, before the first byte
    reporter.update(0, 0)
    clock += 5_000
    reporter.update(7, 10 * 1024 * 1024)
    expect(logger.lines).toEqual(['restore: 7 entries, 10.0/20.0 MiB (50%), 2.0 MiB/s'])
  })

  it('takes its snapshot totals from the walk made before the migration: every regular file, every byte', () => {
    const repo = makeRepo()
    const totals = fingerprintTotals(fingerprintIncludes(repo, ['state', 'exports', 'logs']))
    let count = 0
    let bytes = 0
    // links are not followed: a linked folder's files are not the includes' files
    const walk = (dir: string): void => {
      for (const name of fs.readdirSync(dir)) {
        const stat = fs.lstatSync(path.join(dir, name))
        if (stat.isDirectory()) walk(path.join(dir, name))
        else if (stat.isFile()) {
          count++
          bytes += stat.size
        }
      }
    }
    for (const include of ['state', 'exports', 'logs']) walk(path.join(repo, include))
    expect(totals).toEqual({ count, bytes })
  })
})

describe('in a terminal', () => {
  it('precutover says it derives the key before each scrypt, at the work factor in use', async () => {
    const repo = commitAll(makeRepo())
    const run = await runInTerminal(
      [
        'precutover',
        '--repo',
        repo,
        '--include',
        'state',
        ...['--migration-export', 'true', '--migration-check', 'true', '--migration-import', 'true']
      ],
      [],
      { GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE }
    )
    const text = screen(run.output)
    expect(run.code).toBe(0)
    const lines = text.split('\n')
    const derive = lines.flatMap((l, i) => (l === keyDerivationLine(18) ? [i] : []))
    expect(derive).toHaveLength(2) // snapshot-create, then restore-test
    expect(derive[0]).toBeLessThan(lines.findIndex((l) => l.startsWith('snapshot-create: passed')))
    expect(derive[1]).toBeLessThan(lines.findIndex((l) => l.startsWith('restore-test: passed')))
  })

  it('Ctrl-C says what it stopped and removed, and it is gone', async () => {
    const repo = commitAll(makeRepo())
    const run = await runInTerminal(
      ['precutover', '--repo', repo, '--migration-export', 'sleep 30'],
      [['── migration-export', '\x03']],
      { GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE }
    )
    const text = screen(run.output)
    expect([run.code, text]).toEqual([130, expect.any(String)])
    // the terminal echoes ^C just before it
    const line = text.split('\n').find((l) => l.includes('cutover-gate: interrupted (SIGINT): '))
    expect([line, text]).toEqual([
      expect.stringMatching(
        /stopped \d+ process group\(s\) it started; removed \d+ temp item\(s\) it made: \S*cutover-gate-package-[^,]+(, \S+)*$/
      ),
      expect.any(String)
    ])
    const removed = /it made: (.+)$/.exec(line!)![1]!.split(', ')
    expect(removed.filter((p) => fs.existsSync(p))).toEqual([])
  })
})
