// The re-execution with huge pages: when it happens, what the re-executed process sees, and what
// the commands it starts see. The decision is a pure function; the dist tests below run the
// bundled entry points and look at the live process through /proc.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { runAction } from '../__fixtures__/run-action.js'
import { commitAll } from '../__fixtures__/example-repo.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { CLI } from '../__fixtures__/run-cli.js'
import { PRIOR_TUNABLES, hugePagesEnv, restoreTunables } from '../src/runtime/huge-pages.js'

const MADVISE = 'always [madvise] never\n'
const GLIBC = '2.36'

describe('hugePagesEnv', () => {
  it('adds the tunable, remembering there was none', () => {
    expect(hugePagesEnv({ PATH: '/bin', X: undefined }, 'linux', MADVISE, GLIBC)).toEqual({
      PATH: '/bin',
      GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1',
      [PRIOR_TUNABLES]: ''
    })
  })

  it("appends to the user's tunables and remembers them", () => {
    const env = hugePagesEnv(
      { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' },
      'linux',
      MADVISE,
      GLIBC
    )
    expect(env).toEqual({
      GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1',
      [PRIOR_TUNABLES]: 'glibc.malloc.arena_max=2'
    })
  })

  it.each([
    ['another platform', {}, 'darwin', MADVISE, undefined],
    ['not glibc (musl, as in Alpine)', {}, 'linux', MADVISE, undefined],
    ['a glibc older than the tunable', {}, 'linux', MADVISE, '2.31'],
    ['THP always on (nothing to ask for)', {}, 'linux', '[always] madvise never\n', GLIBC],
    ['THP off', {}, 'linux', 'always madvise [never]\n', GLIBC],
    ['no THP in this kernel', {}, 'linux', undefined, GLIBC],
    ['the user opted out', { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }, 'linux', MADVISE, GLIBC],
    ['already re-executed', { [PRIOR_TUNABLES]: '' }, 'linux', MADVISE, GLIBC]
  ] as const)('leaves the process alone: %s', (_, env, platform, thp, glibc) => {
    expect(hugePagesEnv(env, platform, thp, glibc)).toBeUndefined()
  })

  it.each(['2.35', '2.39', '3.0'])('asks with glibc %s', (glibc) => {
    expect(hugePagesEnv({}, 'linux', MADVISE, glibc)?.GLIBC_TUNABLES).toBe('glibc.malloc.hugetlb=1')
  })

  it('restoreTunables puts the environment back as it was', () => {
    const none: NodeJS.ProcessEnv = {
      GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1',
      [PRIOR_TUNABLES]: ''
    }
    restoreTunables(none)
    expect(none).toEqual({})
    const some: NodeJS.ProcessEnv = {
      GLIBC_TUNABLES: 'a=1:glibc.malloc.hugetlb=1',
      [PRIOR_TUNABLES]: 'a=1'
    }
    restoreTunables(some)
    expect(some).toEqual({ GLIBC_TUNABLES: 'a=1' })
  })
})

const thpMode = fs.readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8')
const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header
  ?.glibcVersionRuntime
const relaunches = hugePagesEnv({}, process.platform, thpMode, glibc) !== undefined

/**
 * A migration-export command that records, while it runs: its parent's pid and command line, how
 * many of the parent's memory regions are advised for huge pages (VmFlags "hg" in smaps: glibc
 * marks its heaps so only when asked to), and its own GLIBC_TUNABLES and marker variable. It then
 * fails, which ends the lane there (NO-GO).
 */
function spyCommand(dump: string): string {
  const script = path.join(path.dirname(dump), 'spy.cjs')
  fs.writeFileSync(
    script,
    `const fs = require('fs')
const read = (f) => fs.readFileSync('/proc/' + process.ppid + '/' + f, 'utf8').split('\\0')
fs.writeFileSync(process.argv[2], JSON.stringify({
  ppid: process.ppid,
  parentCmdline: read('cmdline'),
  hugeAdvised: (read('smaps').join('').match(/^VmFlags:.*\\bhg\\b/gm) ?? []).length,
  own: process.env.GLIBC_TUNABLES ?? null,
  marker: process.env.${PRIOR_TUNABLES} ?? null
}))
process.exit(3)
`
  )
  return `${process.execPath} ${script} ${dump}`
}

interface Spy {
  ppid: number
  parentCmdline: string[]
  hugeAdvised: number
  own: string | null
  marker: string | null
}

function runCli(
  args: string[],
  env: Record<string, string>
): Promise<{ pid: number; code: number | null }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: '/tmp', TMPDIR: tempDir('cg-hp-tmp-'), ...env },
    stdio: 'ignore'
  })
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ pid: child.pid!, code }))
  })
}

describe('the bundled entry points', () => {
  it.each([
    ['no tunables of the user', undefined],
    ["the user's own tunables", 'glibc.malloc.arena_max=2']
  ])(
    'the CLI: same pid, huge pages asked for, commands see the user environment (%s)',
    async (_, userTunables) => {
      const dump = path.join(tempDir('cg-hp-'), 'spy.json')
      const env: Record<string, string> = {
        GRAPHITI_SNAPSHOT_PASSPHRASE: 'huge pages, strong passphrase'
      }
      if (userTunables) env.GLIBC_TUNABLES = userTunables
      const run = await runCli(
        ['precutover', '--repo', commitAll(makeRepo()), '--migration-export', spyCommand(dump)],
        env
      )
      expect(run.code).toBe(1)
      const spy = JSON.parse(fs.readFileSync(dump, 'utf8')) as Spy
      // execve keeps the pid: signals and kills aimed at the CLI reach the process doing the work
      expect(spy.ppid).toBe(run.pid)
      // the same command line: nothing added before the script
      expect(spy.parentCmdline.slice(1, 3)).toEqual([CLI, 'precutover'])
      if (relaunches) expect(spy.hugeAdvised).toBeGreaterThan(0)
      else expect(spy.hugeAdvised).toBe(0)
      expect(spy.own).toBe(userTunables ?? null)
      expect(spy.marker).toBeNull()
    }
  )

  it('the CLI: GLIBC_TUNABLES=glibc.malloc.hugetlb=0 opts out', async () => {
    const dump = path.join(tempDir('cg-hp-'), 'spy.json')
    const run = await runCli(
      ['precutover', '--repo', commitAll(makeRepo()), '--migration-export', spyCommand(dump)],
      {
        GRAPHITI_SNAPSHOT_PASSPHRASE: 'huge pages, strong passphrase',
        GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0'
      }
    )
    expect(run.code).toBe(1)
    const spy = JSON.parse(fs.readFileSync(dump, 'utf8')) as Spy
    expect(spy.hugeAdvised).toBe(0)
    expect(spy.own).toBe('glibc.malloc.hugetlb=0')
  })

  it('the action: the runner starts dist/index.js, which asks for huge pages; commands see none of it', async () => {
    const dump = path.join(tempDir('cg-hp-'), 'spy.json')
    const run = await runAction(commitAll(makeRepo()), {
      passphrase: 'huge pages, strong passphrase',
      'migration-export': spyCommand(dump)
    })
    expect(run.code).toBe(1)
    const spy = JSON.parse(fs.readFileSync(dump, 'utf8')) as Spy
    expect(spy.parentCmdline[1]).toMatch(/dist\/index\.js$/)
    if (relaunches) expect(spy.hugeAdvised).toBeGreaterThan(0)
    else expect(spy.hugeAdvised).toBe(0)
    expect(spy.own).toBeNull()
    expect(spy.marker).toBeNull()
  })
})

/**
 * Runs the CLI and watches its /proc entry until it exits: the command line of the re-executed
 * process (recognized by the marker in the environment it was started with), if there was one.
 */
async function watchRelaunch(
  args: string[],
  env: Record<string, string>
): Promise<{ code: number | null; relaunched: string[] | undefined }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: '/tmp', TMPDIR: tempDir('cg-hp-tmp-'), ...env },
    stdio: 'ignore'
  })
  let relaunched: string[] | undefined
  const look = (): void => {
    if (relaunched) return
    try {
      const environ = fs.readFileSync(`/proc/${child.pid}/environ`, 'utf8')
      if (environ.split('\0').some((entry) => entry.startsWith(`${PRIOR_TUNABLES}=`)))
        relaunched = fs.readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0')
    } catch {
      // not started yet, or gone
    }
  }
  const timer = setInterval(look, 1)
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
  clearInterval(timer)
  return { code, relaunched }
}

describe('which runs of the CLI re-execute', () => {
  // enough data that each run lasts a few hundred milliseconds, to be watched
  const repo = commitAll(makeRepo())
  fs.writeFileSync(path.join(repo, 'state/noise.bin'), Buffer.alloc(24 << 20, 7))
  const common = ['--repo', repo]
  const env = { GRAPHITI_SNAPSHOT_PASSPHRASE: 'huge pages, strong passphrase' }

  it('snapshot: once, with its own command line', async () => {
    const run = await watchRelaunch(['snapshot', ...common, '--scrypt-work-factor', '10'], env)
    expect(run.code).toBe(0)
    if (relaunches) expect(run.relaunched?.slice(1, 3)).toEqual([CLI, 'snapshot'])
    else expect(run.relaunched).toBeUndefined()
  })

  it('restore-test: once, with its own command line', async () => {
    const run = await watchRelaunch(['restore-test', ...common], env)
    expect(run.code).toBe(0)
    if (relaunches) expect(run.relaunched?.slice(1, 3)).toEqual([CLI, 'restore-test'])
    else expect(run.relaunched).toBeUndefined()
  })

  it('migration-dry-run: never (it only runs commands)', async () => {
    const run = await watchRelaunch(['migration-dry-run', ...common], env)
    expect(run.relaunched).toBeUndefined()
  })
})
