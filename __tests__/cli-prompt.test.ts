import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { ROOT } from '../__fixtures__/run-action.js'
import { runInTerminal } from '../__fixtures__/run-in-terminal.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { commitAll } from '../__fixtures__/example-repo.js'

const ASK = 'Snapshot passphrase (not echoed): '
const AGAIN = 'Same passphrase again, to confirm: '
const STRONG = 'prompt typed passphrase ✓ 91'
const FAST = ['--scrypt-work-factor', '10']

function cli(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: '/tmp', TMPDIR: tempDir('cg-cli-tmp-'), ...env },
    encoding: 'utf8'
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

const snapshotsIn = (repo: string) => {
  const dir = path.join(repo, 'backup/snapshots')
  return fs.existsSync(dir) ? fs.readdirSync(dir) : []
}

describe('the CLI prompt for a new snapshot asks twice', () => {
  it('a matching pair makes the snapshot, under the whitespace rule, never echoed', async () => {
    const repo = commitAll(makeRepo())
    const run = await runInTerminal(
      ['snapshot', '--repo', repo, ...FAST],
      [
        [ASK, ` \t${STRONG}  \r`],
        [AGAIN, `${STRONG}\r`]
      ]
    )
    expect(run.answered).toBe(2)
    expect(run.output).not.toContain('prompt typed')
    expect(run.code).toBe(0)
    // the typed secret, trimmed, is the one the other doors use
    const test = cli(['restore-test', '--repo', repo], { GRAPHITI_SNAPSHOT_PASSPHRASE: STRONG })
    expect(test.code).toBe(0)
  })

  it.each([1, 2])('%i mismatch(es), then a match: says so and asks again', async (misses) => {
    const repo = commitAll(makeRepo())
    const steps: [string, string][] = []
    for (let i = 0; i < misses; i++) steps.push([ASK, `${STRONG}\r`], [AGAIN, `${STRONG}x\r`])
    steps.push([ASK, `${STRONG}\r`], [AGAIN, `${STRONG}\r`])
    const run = await runInTerminal(['snapshot', '--repo', repo, ...FAST], steps)
    expect(run.output.match(/the two passphrases do not match; type it again/g)).toHaveLength(
      misses
    )
    expect(run.code).toBe(0)
  })

  it('three mismatches: exit 2 and nothing written', async () => {
    const repo = commitAll(makeRepo())
    const steps: [string, string][] = []
    for (let i = 0; i < 3; i++) steps.push([ASK, `${STRONG} ${i}\r`], [AGAIN, `other ${i}\r`])
    const run = await runInTerminal(['precutover', '--repo', repo, ...FAST], steps)
    expect(run.answered).toBe(6)
    expect(run.output).toMatch(
      /no passphrase after 3 tries; use --passphrase-file FILE or the GRAPHITI_SNAPSHOT_PASSPHRASE variable/
    )
    expect(run.code).toBe(2)
    expect(snapshotsIn(repo)).toEqual([])
  })

  it('a weak typed passphrase is refused (exit 2) before anything runs', async () => {
    const repo = commitAll(makeRepo())
    const run = await runInTerminal(
      ['snapshot', '--repo', repo, ...FAST],
      [
        [ASK, 'password1\r'],
        [AGAIN, 'password1\r']
      ]
    )
    expect(run.output).toMatch(/passphrase is weak: .*pass --allow-weak-passphrase/)
    expect(run.code).toBe(2)
    expect(snapshotsIn(repo)).toEqual([])
  })

  it('restore-test asks once', async () => {
    const repo = commitAll(makeRepo())
    expect(
      cli(['snapshot', '--repo', repo, ...FAST], { GRAPHITI_SNAPSHOT_PASSPHRASE: STRONG }).code
    ).toBe(0)
    const run = await runInTerminal(['restore-test', '--repo', repo], [[ASK, `${STRONG}\r`]])
    expect(run.output).not.toContain(AGAIN)
    expect(run.code).toBe(0)
  })
})

describe('Ctrl-C and Ctrl-D at the prompt', () => {
  // [key, exit code, message]; at every point of the dialogue, in both kinds of mode
  const keys: [string, number, RegExp][] = [
    ['\x03', 130, /passphrase prompt cancelled \(Ctrl-C\)/],
    ['\x04', 2, /passphrase prompt ended \(Ctrl-D\)/]
  ]
  const points: [string, string[], [string, string][]][] = [
    ['at the first prompt', ['snapshot'], [[ASK, '']]],
    ['after some typing', ['snapshot'], [[ASK, 'half a pass']]],
    [
      'at the confirmation',
      ['precutover'],
      [
        [ASK, `${STRONG}\r`],
        [AGAIN, '']
      ]
    ],
    [
      'after a mismatch',
      ['snapshot'],
      [
        [ASK, `${STRONG}\r`],
        [AGAIN, 'no\r'],
        [ASK, '']
      ]
    ],
    ['restore-test, once asked', ['restore-test'], [[ASK, 'some']]]
  ]
  const cases = keys.flatMap(([key, code, message]) =>
    points.map(
      ([where, mode, steps]) =>
        [JSON.stringify(key), where, mode, steps, key, code, message] as const
    )
  )
  it.each(cases)('%s %s: exit code, one clear line, nothing written', async (...c) => {
    const [, , mode, steps, key, code, message] = c
    const repo = commitAll(makeRepo())
    const typed = steps.map(([wait, type], i): [string, string] =>
      i === steps.length - 1 ? [wait, type + key] : [wait, type]
    )
    const run = await runInTerminal([...mode, '--repo', repo, ...FAST], typed)
    expect(run.answered).toBe(steps.length)
    expect(run.output).toMatch(message)
    expect(run.output).not.toMatch(/unsettled top-level await|Error:|\n\s+at /)
    expect(run.code).toBe(code)
    expect(snapshotsIn(repo)).toEqual([])
  })
})

describe('the CLI speaks to a terminal user', () => {
  it('a missing passphrase names the flag and the variable, not action inputs or forks', () => {
    for (const mode of ['snapshot', 'restore-test', 'precutover']) {
      const run = cli([mode, '--repo', commitAll(makeRepo()), '--passphrase-env', 'MY_SECRET'])
      expect(run.code).toBe(2)
      expect(run.stderr).toMatch(/use --passphrase-file FILE or the MY_SECRET variable/)
      expect(run.stderr).not.toMatch(/input|fork/i)
      expect(run.stderr.trim().split('\n')).toHaveLength(1)
    }
  })

  it.each([0o600, 0o400, 0o640, 0o604, 0o644, 0o660, 0o666])(
    '--passphrase-file with mode %o: a chmod warning when group or others can read it',
    (mode) => {
      const file = path.join(tempDir('cg-pwfile-'), 'pass')
      fs.writeFileSync(file, `${STRONG}\n`)
      fs.chmodSync(file, mode)
      const run = cli(['restore-test', '--repo', commitAll(makeRepo()), '--passphrase-file', file])
      const warned = run.stderr.includes(`chmod 600 ${file}`)
      expect(warned).toBe((mode & 0o077) !== 0)
      expect(run.code).toBe(1) // no snapshot there: NO-GO, but the file was read
    }
  )
})
