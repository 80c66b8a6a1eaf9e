import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { ROOT, runAction } from '../__fixtures__/run-action.js'
import { runInTerminal } from '../__fixtures__/run-in-terminal.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { readActionInputs } from '../src/action/read-inputs.js'
import {
  normalizeSecret,
  passphraseFromFileContent,
  resolvePassphrase
} from '../src/config/passphrase.js'

const SECRET = 'two words'
const FAST = { 'scrypt-work-factor': '10' }
// what the runner's getInput trims (String.prototype.trim): the rule every door follows
const SPACE = [' ', '\t', '\r', '\n', '\v', '\f', '\u00a0', '\ufeff', '\u2028', '\u3000']
const affix = fc.array(fc.constantFrom(...SPACE), { maxLength: 4 }).map((a) => a.join(''))

function cli(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: '/tmp', TMPDIR: tempDir('cg-cli-tmp-'), ...env },
    encoding: 'utf8'
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

function secretFile(content: string): string {
  const file = path.join(tempDir('cg-secret-'), 'passphrase')
  fs.writeFileSync(file, content, { mode: 0o600 })
  return file
}

/** Runs fn with process.stdout's writes collected instead of shown. */
function captureStdout<T>(fn: () => T): { result: T; stdout: string } {
  const write = process.stdout.write
  let stdout = ''
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += chunk.toString()
    return true
  }) as typeof process.stdout.write
  try {
    return { result: fn(), stdout }
  } finally {
    process.stdout.write = write
  }
}

/** How @actions/core escapes a workflow command's value. */
const commandValue = (text: string) =>
  text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')

describe('one whitespace rule in every door', () => {
  it('every door gives the same secret for any surrounding whitespace, and keeps inner whitespace', () => {
    const inner = fc
      .tuple(
        fc.stringMatching(/^[a-z✓]{1,6}$/),
        fc.constantFrom(' ', '  ', '\t', ' \n '),
        fc.stringMatching(/^[a-z0-9]{1,6}$/)
      )
      .map(([a, gap, b]) => `${a}${gap}${b}`)
    fc.assert(
      fc.property(inner, affix, affix, (secret, before, after) => {
        const given = `${before}${secret}${after}`
        const doors = new Map<string, string>()
        // the action's input, read as the runner passes it
        process.env.INPUT_PASSPHRASE = given
        // what @actions/core writes for the runner (::add-mask::) is caught, not printed into
        // the test log, and must mask the secret in use
        const { result, stdout } = captureStdout(() => readActionInputs(process.env))
        doors.set('action input', result.passphrase)
        expect(stdout).toContain(`::add-mask::${commandValue(secret)}\n`)
        delete process.env.INPUT_PASSPHRASE
        doors.set('action env fallback', resolvePassphrase('', { MY_PASS: given }, 'MY_PASS'))
        doors.set(
          'CLI env variable',
          resolvePassphrase(
            '',
            { GRAPHITI_SNAPSHOT_PASSPHRASE: given },
            'GRAPHITI_SNAPSHOT_PASSPHRASE'
          )
        )
        doors.set('--passphrase-file', passphraseFromFileContent(`${given}\n`))
        doors.set('the prompt', normalizeSecret(given))
        for (const [door, value] of doors) {
          expect([door, Buffer.from(value)]).toEqual([door, Buffer.from(secret)])
        }
      }),
      { numRuns: 200 }
    )
  })

  it('empty after the rule is "not given": the fallback is used', () => {
    for (const blank of ['', ' ', '\t\r\n', '\u00a0 ']) {
      expect(resolvePassphrase(blank, { P: ` ${SECRET}\n` }, 'P')).toBe(SECRET)
      expect(resolvePassphrase(blank, { P: blank }, 'P')).toBe('')
    }
  })
})

describe('a snapshot made through one door opens through the others', () => {
  // real runs of the bundled action and CLI; a few whitespace variants each way
  const variants = fc.sample(fc.tuple(affix, affix), { numRuns: 2, seed: 42 })

  it.each([['  ', ' \t'], ...variants])(
    'action %j + secret + %j → the CLI, by file and by variable',
    async (before, after) => {
      const repo = makeRepo()
      const made = await runAction(repo, {
        ...FAST,
        mode: 'snapshot',
        passphrase: `${before}${SECRET}${after}`
      })
      expect(made.code).toBe(0)
      expect(
        cli(['restore-test', '--repo', repo, '--passphrase-file', secretFile(`${SECRET}\n`)]).code
      ).toBe(0)
      expect(
        cli(['restore-test', '--repo', repo, '--passphrase-file', secretFile(`\t${SECRET} \r\n`)])
          .code
      ).toBe(0)
      expect(
        cli(['restore-test', '--repo', repo], { GRAPHITI_SNAPSHOT_PASSPHRASE: ` ${SECRET}\t` }).code
      ).toBe(0)
      // inner whitespace is the secret's own
      const inner = cli(['restore-test', '--repo', repo], {
        GRAPHITI_SNAPSHOT_PASSPHRASE: 'two  words'
      })
      expect(inner.code).toBe(1)
      expect(inner.stdout + inner.stderr).toMatch(/wrong passphrase/i)
    }
  )

  it.each([['  ', ' \t\n'], ...variants])(
    'CLI file %j + secret + %j → the action, by input and by its env fallback',
    async (before, after) => {
      const repo = makeRepo()
      const file = secretFile(`${before}${SECRET}${after}`)
      expect(
        cli(['snapshot', '--repo', repo, '--scrypt-work-factor', '10', '--passphrase-file', file])
          .code
      ).toBe(0)
      expect((await runAction(repo, { mode: 'restore-test', passphrase: SECRET })).code).toBe(0)
      const fallback = await runAction(
        repo,
        { mode: 'restore-test', passphrase: '' },
        { GRAPHITI_SNAPSHOT_PASSPHRASE: `\n${SECRET}  ` }
      )
      expect(fallback.code).toBe(0)
      const blankInput = await runAction(
        repo,
        { mode: 'restore-test', passphrase: ' \t ' },
        { GRAPHITI_SNAPSHOT_PASSPHRASE: SECRET }
      )
      expect(blankInput.code).toBe(0)
    }
  )

  it('the CLI variable → the prompt and the action', async () => {
    const repo = makeRepo()
    expect(
      cli(['snapshot', '--repo', repo, '--scrypt-work-factor', '10'], {
        GRAPHITI_SNAPSHOT_PASSPHRASE: `\t${SECRET}\n`
      }).code
    ).toBe(0)
    const typed = await runInTerminal(
      ['restore-test', '--repo', repo],
      [['Snapshot passphrase (not echoed): ', `  ${SECRET} \t\r`]]
    )
    expect(typed.code).toBe(0)
    expect((await runAction(repo, { mode: 'restore-test', passphrase: `${SECRET}   ` })).code).toBe(
      0
    )
  })

  it('the prompt → the action', async () => {
    const repo = makeRepo()
    const made = await runInTerminal(
      ['snapshot', '--repo', repo, '--scrypt-work-factor', '10'],
      [
        ['Snapshot passphrase (not echoed): ', ` ${SECRET}\t\r`],
        ['Same passphrase again, to confirm: ', `${SECRET}  \r`]
      ]
    )
    expect(made.code).toBe(0)
    expect((await runAction(repo, { mode: 'restore-test', passphrase: ` ${SECRET}` })).code).toBe(0)
  })

  it('a secret that is only whitespace is not given, in every door', async () => {
    const repo = makeRepo()
    const file = cli(['snapshot', '--repo', repo, '--passphrase-file', secretFile(' \t\n')])
    expect(file.code).toBe(2)
    expect(file.stderr).toMatch(/--passphrase-file .* is empty/)
    const env = cli(['snapshot', '--repo', repo], { GRAPHITI_SNAPSHOT_PASSPHRASE: ' \t ' })
    expect(env.code).toBe(2)
    expect(env.stderr).toMatch(/needs a passphrase/)
    const action = await runAction(
      repo,
      { mode: 'snapshot', passphrase: '' },
      { GRAPHITI_SNAPSHOT_PASSPHRASE: '\n \n' }
    )
    expect(action.code).toBe(1)
    expect(action.stdout).toMatch(/::error::input passphrase: mode snapshot needs a passphrase/)
  })
})
