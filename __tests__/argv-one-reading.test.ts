import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { cliSync } from '../__fixtures__/run-cli.js'
import { commitAll } from '../__fixtures__/example-repo.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { parseArgs, secretPlan } from '../src/cli/parse-args.js'
import { readActionInputs } from '../src/action/read-inputs.js'
import { MODE_NAMES as MODES } from '../src/config/config.js'
import { parseInputs } from '../src/config/inputs.js'
import { actionSecretPlan } from '../src/runtime/prepare-process.js'
import { secretNames } from '../src/runtime/secret-names.js'

// Issue 22 item 1: the secret hand-off once read argv on its own (first --passphrase-env wins,
// the mode is argv[2]) while the lane read it with parseArgs (last wins, the mode anywhere), so
// the secret the lane used stayed in /proc/<pid>/environ of the process running repository code.
// Now parseArgs is the only reader (secretPlan) and a repeated single-value flag is refused.

/** Names that are themselves secrets' names, and plain ones. */
const SECRET_VARS = [
  'GRAPHITI_SNAPSHOT_PASSPHRASE',
  'CUTOVER_GATE_AGE_IDENTITY',
  'ACTIONS_RUNTIME_TOKEN',
  'INPUT_PASSPHRASE'
]
const varName = fc.oneof(
  fc.constantFrom(...SECRET_VARS, 'MY_PW', 'DEPLOY_KEY'),
  fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/)
)

/** One flag with its value, in the `=` form or the space form. */
const flag = (name: string, value: fc.Arbitrary<string>) =>
  fc.tuple(value, fc.boolean()).map(([v, eq]) => ({
    flags: [name],
    tokens: eq ? [`--${name}=${v}`] : [`--${name}`, v]
  }))

interface Segment {
  flags: string[]
  tokens: string[]
  ambiguous?: boolean
}

const segment: fc.Arbitrary<Segment> = fc.oneof(
  fc.constantFrom(...MODES).map((mode) => ({ flags: [], tokens: [mode] })),
  flag('passphrase-env', varName),
  flag('identity-env', varName),
  flag('scrypt-work-factor', fc.constantFrom('10', '11')),
  fc.constantFrom<Segment>(
    { flags: ['force'], tokens: ['--no-force'] },
    { flags: ['force'], tokens: ['--force', 'false'] },
    { flags: ['force'], tokens: ['--force=true'] },
    { flags: ['repo'], tokens: ['--repo', '.'] },
    // a flag's value that looks like a flag
    { flags: ['passphrase-env'], tokens: ['--passphrase-env', '--identity-env'], ambiguous: true },
    { flags: ['passphrase-env'], tokens: ['--passphrase-env=--identity-env'] }
  )
)
/** What follows `--`: never a flag, whatever it looks like. */
const tail = fc.option(
  fc.constantFrom(['--passphrase-env', 'EVIL_NAME'], ['--passphrase-env=EVIL_NAME'], ['list']),
  { nil: undefined }
)
const argvArb = fc.record({ segments: fc.array(segment, { maxLength: 6 }), tail })

describe('one reading of the command line: the hand-off reads argv as the lane does', () => {
  const cwd = commitAll(makeRepo())

  it('the mode and the secret variables the hand-off acts on are the ones the lane uses', () => {
    fc.assert(
      fc.property(argvArb, ({ segments, tail }) => {
        const argv = [...segments.flatMap((s) => s.tokens), ...(tail ? ['--', ...tail] : [])]
        const plan = secretPlan(argv)
        let args
        try {
          args = parseArgs(argv)
        } catch (error) {
          // inputs that do not read: the hand-off guesses nothing (it hands off every named secret)
          expect(plan).toBeUndefined()
          const counts = new Map<string, number>()
          for (const s of segments) for (const f of s.flags) counts.set(f, (counts.get(f) ?? 0) + 1)
          if ([...counts.values()].some((n) => n > 1) && !segments.some((s) => s.ambiguous))
            expect((error as Error).message).toMatch(/given more than once; give each flag once/)
          return
        }
        expect(plan).toBeDefined()
        // no single-value flag before `--` was given twice, or parseArgs would have refused
        const counts = new Map<string, number>()
        for (const s of segments) for (const f of s.flags) counts.set(f, (counts.get(f) ?? 0) + 1)
        expect([...counts.values()].every((n) => n === 1)).toBe(true)
        expect(plan!.named).not.toContain('EVIL_NAME')
        let config
        try {
          config = parseInputs(args.inputs, { cwd, tempDir: tempDir('cg-argv-') })
        } catch {
          return // an input error: exit 2 before any step runs
        }
        expect(plan!.mode).toBe(config.mode)
        const names = secretNames({}, plan!.named)
        expect(names.has(config.passphraseEnv)).toBe(true)
        expect(names.has(config.identityEnv)).toBe(true)
      }),
      { numRuns: 400 }
    )
  })

  it.each([
    [['--passphrase-env', 'A', '--passphrase-env', 'B'], '--passphrase-env is'],
    [['--passphrase-env=A', '--passphrase-env=B'], '--passphrase-env is'],
    [['--identity-env', 'A', 'precutover', '--identity-env=B'], '--identity-env is'],
    [['--force', '--no-force'], '--force and --no-force are']
  ])('refuses the repeated single-value flag in %j in one line', (argv, what) => {
    expect(() => parseArgs(argv)).toThrow(
      `${what} given more than once; give each flag once (only --include, --recipient and --recipients-file repeat)`
    )
  })

  it("the action door's plan names what readActionInputs and parseInputs will use", () => {
    const spaced = fc
      .tuple(fc.constantFrom('', ' ', '\t', '\n '), varName, fc.constantFrom('', ' ', '\n'))
      .map(([a, v, b]) => `${a}${v}${b}`)
    const saved = { ...process.env }
    try {
      fc.assert(
        fc.property(
          fc.option(spaced, { nil: undefined }),
          fc.option(spaced, { nil: undefined }),
          fc.option(fc.constantFrom(...MODES, '', ' precutover '), { nil: undefined }),
          (passphraseEnv, identityEnv, mode) => {
            const env: NodeJS.ProcessEnv = {}
            if (passphraseEnv !== undefined) env['INPUT_PASSPHRASE-ENV'] = passphraseEnv
            if (identityEnv !== undefined) env['INPUT_IDENTITY-ENV'] = identityEnv
            if (mode !== undefined) env.INPUT_MODE = mode
            for (const name of ['INPUT_PASSPHRASE-ENV', 'INPUT_IDENTITY-ENV', 'INPUT_MODE'])
              delete process.env[name]
            Object.assign(process.env, env)
            const plan = actionSecretPlan(env)
            let config
            try {
              config = parseInputs(readActionInputs(env).raw, { cwd, tempDir: cwd })
            } catch {
              return
            }
            expect(plan.mode).toBe(config.mode)
            const names = secretNames(env, plan.named)
            expect(names.has(config.passphraseEnv)).toBe(true)
            expect(names.has(config.identityEnv)).toBe(true)
          }
        ),
        { numRuns: 200 }
      )
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
      Object.assign(process.env, saved)
    }
  })
})

/**
 * A migration command that reads the start-up environment and command line of every process
 * above it (cutover-gate, the shell between, up to pid 1): what repository code can read.
 */
function probe(out: string): string {
  const script = path.join(tempDir('cg-probe-'), 'probe.sh')
  fs.writeFileSync(
    script,
    [
      '#!/bin/sh',
      'pid=$$',
      'while [ "$pid" -gt 1 ]; do',
      `  cat /proc/$pid/environ /proc/$pid/cmdline 2>/dev/null >> '${out}'`,
      "  pid=$(sed -n 's/^PPid:[[:space:]]*//p' /proc/$pid/status)",
      'done',
      'exit 0'
    ].join('\n'),
    { mode: 0o700 }
  )
  return script
}

const fresh = (what: string) => `${what}-${randomBytes(12).toString('hex')}`

describe('one reading of the command line: dist/cli.js as a real process', () => {
  const repo = commitAll(makeRepo())

  /** A command line the CLI accepts, the mode anywhere or absent, each secret flag in either form. */
  const accepted = fc.record({
    mode: fc.constantFrom('precutover', 'migration-dry-run', undefined),
    modeAt: fc.nat(6),
    passphrase: fc.option(fc.tuple(fc.constantFrom(...SECRET_VARS, 'MY_PW'), fc.boolean()), {
      nil: undefined
    }),
    identity: fc.option(fc.tuple(fc.constantFrom(...SECRET_VARS, 'MY_KEY'), fc.boolean()), {
      nil: undefined
    }),
    repeat: fc.constantFrom(undefined, 'passphrase-env', 'identity-env')
  })

  it('no secret reaches /proc of any process above the migration, wherever the flags stand', async () => {
    await fc.assert(
      fc.asyncProperty(accepted, async ({ mode, modeAt, passphrase, identity, repeat }) => {
        const seen = path.join(tempDir('cg-seen-'), 'seen')
        const out = tempDir('cg-out-')
        const secretFlags: string[][] = []
        const secrets: Record<string, string> = {
          GRAPHITI_SNAPSHOT_PASSPHRASE: fresh('pass'),
          CUTOVER_GATE_AGE_IDENTITY: fresh('AGE-SECRET-KEY-1')
        }
        for (const [name, given] of [
          ['passphrase-env', passphrase],
          ['identity-env', identity]
        ] as const) {
          if (!given) continue
          const [variable, eq] = given
          secrets[variable] ??= fresh(variable.toLowerCase())
          secretFlags.push(eq ? [`--${name}=${variable}`] : [`--${name}`, variable])
        }
        if (repeat) {
          secrets.SECOND_VAR = fresh('second')
          secretFlags.push([`--${repeat}`, 'SECOND_VAR'])
        }
        const segments = [
          ['--repo', repo],
          ['--scrypt-work-factor=10'],
          ['--allow-weak-passphrase'],
          ['--snapshot-dir', path.join(out, 'snaps')],
          ['--manifest', path.join(out, 'snaps', 'm.json')],
          ['--report-path', path.join(out, 'r.md')],
          ['--migration-export', probe(seen)],
          ['--migration-check', 'true'],
          ['--migration-import', 'true'],
          ...secretFlags
        ]
        if (mode) segments.splice(Math.min(modeAt, segments.length), 0, [mode])
        const result = cliSync(segments.flat(), { ...secrets, TMPDIR: out })
        const repeated =
          repeat !== undefined && (repeat === 'passphrase-env' ? passphrase : identity)
        if (repeated) {
          expect([result.code, result.stderr]).toEqual([
            2,
            expect.stringMatching(/^cutover-gate: --[a-z-]+ is given more than once[^\n]*\n$/)
          ])
          expect(fs.existsSync(seen)).toBe(false)
          return
        }
        expect([[0, 1].includes(result.code ?? -1), result.stderr]).toEqual([
          true,
          expect.not.stringMatching(/hand-off|given more than once/)
        ])
        const text = fs.readFileSync(seen, 'latin1')
        // the probe really read our process: the hand-off marker is in its start-up environment
        expect(text).toContain('CUTOVER_GATE_SECRETS_ON_FD0=')
        for (const [name, value] of Object.entries(secrets))
          expect([name, text.includes(value)]).toEqual([name, false])
      }),
      { numRuns: 10 }
    )
  })
})
