// Not Linux is one input error before anything runs, in both doors (SPEC, Safety rules): the
// bundles as the runner and a terminal run them, with process.platform set by a preload, since
// this machine is Linux. Nothing may be written: no snapshot dir, no report, no state, no summary.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { commitAll } from '../__fixtures__/example-repo.js'
import { ROOT, runAction } from '../__fixtures__/run-action.js'
import { CLI } from '../__fixtures__/run-cli.js'
import { makeRepo } from '../__fixtures__/trees.js'
import { platformError } from '../src/config/platform.js'

const OTHERS = ['darwin', 'win32', 'freebsd', 'openbsd', 'sunos', 'aix', 'android', 'cygwin']
const MODES = ['precutover', 'migration-dry-run', 'snapshot', 'restore-test', 'restore', 'list']

const PRELOAD = `--import=${path.join(ROOT, '__fixtures__/fake-platform.mjs')}`

/** Every path below repo, so a test can say nothing was added. */
const listing = (repo: string) =>
  fs
    .readdirSync(repo, { recursive: true })
    .map(String)
    .filter((p) => !p.startsWith('.git'))
    .sort()

describe('not Linux', () => {
  it('is refused by the rule on every platform but linux', () => {
    expect(platformError('linux')).toBeUndefined()
    for (const p of OTHERS)
      expect(platformError(p)).toMatch(
        new RegExp(`Linux only \\(this is ${p}\\).*runs-on: ubuntu-latest`)
      )
  })

  it('CLI: exit 2 and one line before anything runs, in every mode; --help still answers', () => {
    const repo = commitAll(makeRepo())
    const before = listing(repo)
    fc.assert(
      fc.property(fc.constantFrom(...OTHERS), fc.constantFrom(...MODES), (platform, mode) => {
        const result = spawnSync(process.execPath, [PRELOAD, CLI, mode, '--repo', repo], {
          encoding: 'utf8',
          env: {
            PATH: process.env.PATH ?? '',
            HOME: '/tmp',
            GRAPHITI_SNAPSHOT_PASSPHRASE: 'x',
            CUTOVER_GATE_TEST_PLATFORM: platform
          }
        })
        expect([result.status, result.stdout, result.stderr.trim().split('\n')]).toEqual([
          2,
          '',
          [`cutover-gate: ${platformError(platform)}`]
        ])
        expect(listing(repo)).toEqual(before)
      }),
      { numRuns: 12 }
    )
    const help = spawnSync(process.execPath, [PRELOAD, CLI, '--help'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', CUTOVER_GATE_TEST_PLATFORM: 'darwin' }
    })
    expect([help.status, help.stdout]).toEqual([0, expect.stringMatching(/^Usage: cutover-gate/)])
  })

  it.each(['darwin', 'win32'])(
    'action on %s: one ::error:: line, no outputs, no summary, no state',
    async (platform) => {
      const repo = commitAll(makeRepo())
      const before = listing(repo)
      const run = await runAction(
        repo,
        { passphrase: 'correct horse battery staple 42!' },
        { NODE_OPTIONS: PRELOAD, CUTOVER_GATE_TEST_PLATFORM: platform }
      )
      expect(run.code).toBe(1)
      expect(run.stdout.split('\n').filter((l) => l.startsWith('::error::'))).toEqual([
        `::error::${platformError(platform)}`
      ])
      expect([run.outputs, run.summary, run.state]).toEqual([{}, '', {}])
      expect(listing(repo)).toEqual(before)
    }
  )
})
