import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { ROOT, runAction } from '../__fixtures__/run-action.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { commitAll } from '../__fixtures__/example-repo.js'
import { refuseWeakPassphrase } from '../src/config/passphrase.js'
import {
  describeSeconds,
  estimateGuesses,
  WEAK_BELOW_GUESSES,
  weakPassphraseProblem
} from '../src/config/passphrase-strength.js'
import { MODE_NAMES } from '../src/config/config.js'

const WEAK = [
  'password1',
  'pw',
  'qwertyuiop',
  '12345678',
  'hunter2hunter2',
  'iloveyou',
  'P@ssw0rd',
  'aaaaaaaaaaaa',
  'abcdef123456'
]
const WORDS = [
  'cobalt',
  'lantern',
  'otter',
  'meadow',
  'quartz',
  'harbor',
  'violet',
  'tundra',
  'ember',
  'falcon'
]

describe('the strength estimate', () => {
  it.each(WEAK)('refuses %j with the guesses and their cost at the work factor', (weak) => {
    const guesses = estimateGuesses(weak)
    expect(guesses).toBeLessThan(WEAK_BELOW_GUESSES)
    for (const wf of [10, 14, 18, 20]) {
      const problem = weakPassphraseProblem(weak, wf, 'action')!
      expect(problem).toMatch(
        new RegExp(
          `^passphrase is weak: about 10\\^${Math.round(Math.log10(guesses))} guesses, (about \\d+ \\w+|under a second) of one core at scrypt work factor ${wf}; choose a longer passphrase \\(4\\+ random words\\), or set allow-weak-passphrase: true$`
        )
      )
      expect(problem).toContain(describeSeconds(guesses * 2 ** (wf - 18)))
    }
    expect(weakPassphraseProblem(weak, 18, 'cli')).toMatch(/, or pass --allow-weak-passphrase$/)
  })

  it('accepts 4 random words and 16 random bytes, whatever they are', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...WORDS), { minLength: 4, maxLength: 6 }),
        fc.constantFrom(' ', '-', '.'),
        (words, sep) => {
          fc.pre(new Set(words).size === words.length)
          expect(weakPassphraseProblem(words.join(sep), 18, 'cli')).toBeUndefined()
        }
      ),
      { numRuns: 30 }
    )
    for (let i = 0; i < 10; i++) {
      expect(
        weakPassphraseProblem(randomBytes(16).toString('base64url'), 18, 'cli')
      ).toBeUndefined()
    }
  })

  it('refuses any short digit PIN or dictionary word with digits', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('password', 'dragon', 'monkey', 'letmein', 'welcome'),
        fc.nat(9999),
        (word, n) => {
          expect(weakPassphraseProblem(`${word}${n}`, 18, 'action')).toBeDefined()
          expect(weakPassphraseProblem(String(n), 18, 'action')).toBeDefined()
        }
      ),
      { numRuns: 40 }
    )
  })

  it('says durations a person can read', () => {
    expect(describeSeconds(0.004)).toBe('under a second')
    expect(describeSeconds(1)).toBe('about 1 second')
    expect(describeSeconds(10_000)).toBe('about 3 hours')
    expect(describeSeconds(86_400 * 3)).toBe('about 3 days')
    expect(describeSeconds(3.2e7 * 5)).toBe('about 5 years')
  })

  it('judges only the modes that make a new snapshot, and never with the override', async () => {
    for (const mode of MODE_NAMES) {
      const judged = mode === 'precutover' || mode === 'snapshot'
      const check = refuseWeakPassphrase(
        { mode, workFactor: 18, allowWeakPassphrase: false },
        'pw',
        'action'
      )
      if (judged) await expect(check).rejects.toThrow(/^input passphrase: passphrase is weak/)
      else await expect(check).resolves.toBeUndefined()
      await expect(
        refuseWeakPassphrase({ mode, workFactor: 18, allowWeakPassphrase: true }, 'pw', 'cli')
      ).resolves.toBeUndefined()
    }
  })
})

function cli(args: string[], env: Record<string, string>) {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: '/tmp', TMPDIR: tempDir('cg-cli-tmp-'), ...env },
    encoding: 'utf8'
  })
  return { code: run.status, stderr: run.stderr }
}

// a refusal leaves no snapshot folder and no readiness report behind
const written = (repo: string) =>
  ['backup', 'reports/publicization'].filter((dir) => fs.existsSync(path.join(repo, dir)))

describe('through the doors', () => {
  it.each(['snapshot', 'precutover'])(
    'the CLI refuses a weak passphrase for %s: exit 2, one line, nothing written',
    (mode) => {
      const repo = commitAll(makeRepo())
      const run = cli([mode, '--repo', repo, '--scrypt-work-factor', '10'], {
        GRAPHITI_SNAPSHOT_PASSPHRASE: 'password1'
      })
      expect(run.code).toBe(2)
      expect(run.stderr).toMatch(
        /^cutover-gate: passphrase is weak: about 10\^2 guesses, .* at scrypt work factor 10; .*pass --allow-weak-passphrase\n$/
      )
      expect(written(repo)).toEqual([])
    }
  )

  it('the CLI: --allow-weak-passphrase makes it, and restore-test never judges', () => {
    const repo = commitAll(makeRepo())
    const env = { GRAPHITI_SNAPSHOT_PASSPHRASE: 'password1' }
    expect(
      cli(
        ['snapshot', '--repo', repo, '--scrypt-work-factor', '10', '--allow-weak-passphrase'],
        env
      ).code
    ).toBe(0)
    expect(cli(['restore-test', '--repo', repo], env).code).toBe(0)
  })

  it('the action refuses it with one error line and writes nothing; allow-weak-passphrase: true makes it', async () => {
    const repo = commitAll(makeRepo())
    const inputs = { mode: 'snapshot', 'scrypt-work-factor': '10', passphrase: 'hunter2hunter2' }
    const refused = await runAction(repo, inputs)
    expect(refused.code).toBe(1)
    const errors = refused.stdout.split('\n').filter((l) => l.startsWith('::error'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(
      /input passphrase: passphrase is weak: .*set allow-weak-passphrase: true/
    )
    expect(written(repo)).toEqual([])
    const allowed = await runAction(repo, { ...inputs, 'allow-weak-passphrase': 'true' })
    expect(allowed.code).toBe(0)
    const test = await runAction(repo, { mode: 'restore-test', passphrase: 'hunter2hunter2' })
    expect(test.code).toBe(0)
  })
})

describe('the bundle', () => {
  /** Files an entry point loads before it runs: its static imports, followed. */
  function staticClosure(entry: string): Set<string> {
    const seen = new Set<string>()
    const visit = (file: string) => {
      if (seen.has(file)) return
      seen.add(file)
      const code = fs.readFileSync(path.join(ROOT, 'dist', file), 'utf8')
      for (const [, name] of code.matchAll(/^import\s[^;]*?from\s*'\.\/([^']+)'/gm)) visit(name!)
      for (const [, name] of code.matchAll(/^import\s*'\.\/([^']+)'/gm)) visit(name!)
    }
    visit(entry)
    return seen
  }

  it('loads the estimator only when asked: a chunk of its own, imported dynamically', () => {
    for (const entry of ['cli.js', 'index.js'])
      expect(staticClosure(entry)).not.toContain('passphrase-strength.js')
    const all = fs
      .readdirSync(path.join(ROOT, 'dist'))
      .map((f) => fs.readFileSync(path.join(ROOT, 'dist', f), 'utf8'))
    expect(all.some((code) => code.includes("import('./passphrase-strength.js')"))).toBe(true)
  })
})
