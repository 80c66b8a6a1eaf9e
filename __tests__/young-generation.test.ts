// The young generation is kept at its starting size in the modes that move snapshot data, unless
// the user sized it: the pure decisions, then the bundled CLI watched through V8's own GC trace.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { CLI } from '../__fixtures__/run-cli.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { handlesSnapshots } from '../src/config/config.js'
import { userSizesYoungGeneration } from '../src/runtime/young-generation.js'

describe('which runs keep the young generation small', () => {
  it('the modes that snapshot or restore', () => {
    expect(['precutover', 'snapshot', 'restore-test', 'restore'].map(handlesSnapshots)).toEqual([
      true,
      true,
      true,
      true
    ])
    const others = ['migration-dry-run', '--help', '--version', 'bogus', undefined]
    expect(others.map(handlesSnapshots)).toEqual(others.map(() => false))
  })

  it.each([
    ['a maximum on node’s command line', ['--max-semi-space-size=16'], undefined],
    ['with underscores, as V8 also reads it', ['--max_semi_space_size=4'], undefined],
    ['as its own argument', ['--max-semi-space-size', '16'], undefined],
    ['a minimum', ['--min-semi-space-size=16'], undefined],
    ['a growth factor', ['--semi-space-growth-factor=4'], undefined],
    ['in NODE_OPTIONS', [], '--enable-source-maps  --max-semi-space-size=8'],
    ['in NODE_OPTIONS, first', [], '--semi_space_growth_factor=3 --trace-warnings']
  ])('leaves it to the user who sized it: %s', (_, execArgv, nodeOptions) => {
    expect(userSizesYoungGeneration(execArgv, nodeOptions)).toBe(true)
  })

  it.each([
    ['nothing given', [], undefined],
    ['other flags', ['--enable-source-maps'], '--max-old-space-size=512'],
    ['flags with similar names', ['--max-semi-space-sizes=2'], '--semi-space-growth']
  ])('sizes it otherwise: %s', (_, execArgv, nodeOptions) => {
    expect(userSizesYoungGeneration(execArgv, nodeOptions)).toBe(false)
  })
})

describe('the bundled CLI, seen through V8’s GC trace', () => {
  // incompressible data, so the run makes garbage for long enough to grow a young generation
  const repo = makeRepo()
  fs.writeFileSync(path.join(repo, 'state/noise.bin'), randomBytes(24 << 20))
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: '/tmp',
    TMPDIR: tempDir('cg-yg-tmp-'),
    GRAPHITI_SNAPSHOT_PASSPHRASE: 'young generation passphrase'
  }
  const ARGS = {
    snapshot: ['snapshot', '--repo', repo, '--scrypt-work-factor', '10', '--force', 'true'],
    'restore-test': ['restore-test', '--repo', repo]
  }

  /** The largest young generation ("New space", KB committed) of a run, and its exit code. */
  function largestNewSpace(mode: keyof typeof ARGS, nodeFlags: string[]): [number, number | null] {
    const run = spawnSync(
      process.execPath,
      [...nodeFlags, '--trace-gc-verbose', CLI, ...ARGS[mode]],
      {
        env,
        encoding: 'utf8',
        maxBuffer: 64 << 20
      }
    )
    const committed = [...run.stdout.matchAll(/New space,.*committed:\s*(\d+) KB/g)].map((m) =>
      Number(m[1])
    )
    expect(committed.length).toBeGreaterThan(3)
    return [Math.max(...committed), run.status]
  }

  it.each(['snapshot', 'restore-test'] as const)('%s: stays at 1 MiB semi-spaces', (mode) => {
    const [ours, code] = largestNewSpace(mode, [])
    expect(code).toBe(0)
    expect(ours).toBe(2048)
  })

  it.each(['snapshot', 'restore-test'] as const)(
    '%s: grows as V8 likes when the user gave a growth factor',
    (mode) => {
      const [theirs, code] = largestNewSpace(mode, ['--semi-space-growth-factor=2'])
      expect(code).toBe(0)
      expect(theirs).toBeGreaterThan(2048)
    }
  )
})
