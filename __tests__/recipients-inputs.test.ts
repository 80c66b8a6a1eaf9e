// The recipients, identity and identity-env inputs: refused at input time when they are known to
// fail (a bad recipient line, passphrase beside recipients, precutover with no identity that
// opens its own snapshot), never echoing a secret; a public repository uploads recipient
// snapshots; migration commands never get the identity variable.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  generateHybridIdentity,
  generateIdentity,
  identityToRecipient as typageRecipient
} from 'age-encryption'
import fc from 'fast-check'
import { badVariants } from '../__fixtures__/age-keys.js'
import { MODE_NAMES, type Mode } from '../src/config/config.js'
import { MODES } from '../src/config/modes.js'
import { InputError } from '../src/config/input-error.js'
import { parseInputs } from '../src/config/inputs.js'
import { refusePublicArtifact } from '../src/config/public-repository.js'
import { resolveKeys } from '../src/config/resolve-keys.js'
import { childEnv } from '../src/migration/child-env.js'

const cwd = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cg-rcpt-inputs-')))
execFileSync('git', ['init', '-q', cwd])
const parse = (raw: Record<string, string>) =>
  parseInputs(
    { 'restore-target': path.join(os.tmpdir(), 'cg-rcpt-out'), ...raw },
    { cwd, tempDir: '/tmp/rt' }
  )

function inputError(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

type Pair = { recipient: string; identity: string }
const KINDS: [string, () => Promise<Pair>, string[]][] = [
  [
    'X25519',
    async () => {
      const identity = await generateIdentity()
      return { identity, recipient: await typageRecipient(identity) }
    },
    ['agf', 'age2', 'age1pq', 'age-secret-key-']
  ],
  [
    'hybrid',
    async () => {
      const identity = await generateHybridIdentity()
      return { identity, recipient: await typageRecipient(identity) }
    },
    ['age', 'age1pqx', 'age1tagpq', 'age-secret-key-pq-']
  ]
]

describe('recipients input: parsed at input time', () => {
  test.each(KINDS)(
    '%s: every bad line is an input error naming its line number',
    async (_, pair, prefixes) => {
      const good = [await pair(), await pair(), await pair()]
      const variants = badVariants(good[0]!.recipient, prefixes)
      expect(variants.length).toBeGreaterThan(15)
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...variants),
          fc.array(fc.constantFrom('good', 'comment', 'blank'), { maxLength: 6 }),
          fc.nat(6),
          async (variant, filler, at) => {
            const lines = filler.map((f, i) =>
              f === 'good' ? good[i % 3]!.recipient : f === 'comment' ? '# team' : ''
            )
            const position = Math.min(at, lines.length)
            lines.splice(position, 0, variant.text)
            const message = inputError(() =>
              parse({ mode: 'snapshot', recipients: lines.join('\n') })
            )
            expect(message).toMatch(new RegExp(`^input recipients: line ${position + 1} `))
            expect(message).not.toContain('(got')
            expect(message.split('\n')).toHaveLength(1)
          }
        ),
        { numRuns: 40 }
      )
    }
  )

  test('X25519 beside hybrid recipients is refused; blank or comments only means none', async () => {
    const x = (await KINDS[0]![1]()).recipient
    const pq = (await KINDS[1]![1]()).recipient
    for (const text of [`${x}\n${pq}`, `# a\n${pq}\n\n${x}\n`]) {
      expect(inputError(() => parse({ mode: 'snapshot', recipients: text }))).toMatch(
        /^input recipients: .*mix X25519/
      )
    }
    for (const text of ['', '  \n', '# nobody yet\n', '\r\n# x\r\n'])
      expect(parse({ mode: 'snapshot', recipients: text }).recipients).toEqual([])
    const config = parse({ mode: 'snapshot', recipients: `# a\r\n ${x} \r\n${x}\n` })
    expect(config.recipients.map((r) => r.type)).toEqual(['x25519', 'x25519'])
  })

  test('identity-env accepts a variable name only', () => {
    for (const bad of ['1X', 'A-B', 'A B', '$X'])
      expect(inputError(() => parse({ 'identity-env': bad }))).toMatch(/^input identity-env: /)
    expect(parse({ 'identity-env': 'MY_KEY' }).identityEnv).toBe('MY_KEY')
    expect(parse({}).identityEnv).toBe('CUTOVER_GATE_AGE_IDENTITY')
  })
})

describe('which keys a run uses, refused up front when known to fail', () => {
  let alice: Pair
  let bob: Pair
  let stranger: Pair
  beforeAll(async () => {
    alice = await KINDS[0]![1]()
    bob = await KINDS[0]![1]()
    stranger = await KINDS[0]![1]()
  })
  const doors = ['action', 'cli'] as const

  test.each(doors)(
    '%s: passphrase and recipients are exclusive in every mode that snapshots',
    (door) => {
      for (const mode of MODE_NAMES.filter((m) => MODES[m].createsSnapshot)) {
        const config = parse({ mode, recipients: alice.recipient })
        for (const identity of ['', alice.identity]) {
          const message = inputError(() =>
            resolveKeys(config, { passphrase: 'a long enough passphrase', identity }, door)
          )
          expect(message).toContain('passphrase and recipients are exclusive (age)')
          expect(message).not.toContain(alice.identity)
        }
      }
    }
  )

  test.each(doors)('%s: precutover with recipients needs an identity that opens them', (door) => {
    const config = parse({ mode: 'precutover', recipients: `${alice.recipient}\n${bob.recipient}` })
    const missing = inputError(() => resolveKeys(config, { passphrase: '', identity: '' }, door))
    expect(missing).toContain('CUTOVER_GATE_AGE_IDENTITY')
    expect(missing).toContain(door === 'cli' ? '--identity-file' : 'identity input')
    const other = inputError(() =>
      resolveKeys(config, { passphrase: '', identity: 'AGE-SECRET-KEY-1' + 'Q'.repeat(58) }, door)
    )
    expect(other).toMatch(/identity/)
    const eve = inputError(() =>
      resolveKeys(
        config,
        // the last character changed (to one it is not), so the checksum fails
        {
          passphrase: '',
          identity: `# eve\n${bob.identity.slice(0, -1)}${bob.identity.endsWith('Q') ? 'P' : 'Q'}`
        },
        door
      )
    )
    expect(eve).not.toContain(bob.identity.slice(20, 40))
    // a key that is not one of the recipients, well formed
    const aliceOnly = parse({ mode: 'precutover', recipients: alice.recipient })
    expect(
      inputError(() => resolveKeys(aliceOnly, { passphrase: '', identity: bob.identity }, door))
    ).toMatch(/no identity matches the recipients/)
    // bob's key among others opens it
    const keys = resolveKeys(
      config,
      {
        passphrase: '',
        identity: `# mine\n${stranger.identity}\n${bob.identity}`
      },
      door
    )
    expect(keys.identities).toHaveLength(2)
    expect(keys.recipients).toHaveLength(2)
  })

  test.each(doors)('%s: snapshot with recipients needs no secret at all', (door) => {
    const keys = resolveKeys(
      parse({ mode: 'snapshot', recipients: alice.recipient }),
      { passphrase: '', identity: '' },
      door
    )
    expect(keys).toMatchObject({ passphrase: '', identities: [] })
  })

  test.each(doors)('%s: restore-test and restore need a passphrase or an identity', (door) => {
    for (const mode of ['restore-test', 'restore'] as Mode[]) {
      const config = parse({ mode })
      const message = inputError(() => resolveKeys(config, { passphrase: '', identity: '' }, door))
      expect(message).toMatch(/passphrase/)
      expect(message).toMatch(/identity/)
      expect(
        resolveKeys(config, { passphrase: '', identity: alice.identity }, door).identities
      ).toHaveLength(1)
      expect(resolveKeys(config, { passphrase: 'pw', identity: '' }, door).passphrase).toBe('pw')
    }
  })
})

describe('public repositories and child processes', () => {
  const event = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cg-event-')), 'event.json')
  fs.writeFileSync(event, JSON.stringify({ repository: { private: false } }))
  const env = { GITHUB_EVENT_PATH: event }
  const none = { passphrase: '', recipients: [] as unknown[], identities: [] as unknown[] }

  test('a recipient snapshot uploads from a public repository; a passphrase one does not', () => {
    for (const mode of ['precutover', 'snapshot'] as Mode[]) {
      const config = { mode, uploadArtifact: true, allowPublicArtifact: false }
      expect(
        refusePublicArtifact(config, env, 'action', { ...none, recipients: [{}] })
      ).toBeUndefined()
      expect(() =>
        refusePublicArtifact(config, env, 'action', { ...none, passphrase: 'pw' })
      ).toThrow(/public/)
    }
    for (const mode of ['restore-test', 'restore'] as Mode[]) {
      const config = { mode, uploadArtifact: true, allowPublicArtifact: false }
      // only an identity: the snapshot can only be one made to recipients
      expect(
        refusePublicArtifact(config, env, 'cli', { ...none, identities: [{}] })
      ).toBeUndefined()
      expect(() => refusePublicArtifact(config, env, 'cli', { ...none, passphrase: 'pw' })).toThrow(
        /--allow-public-artifact/
      )
    }
  })

  test('migration commands get neither the identity variable nor a copy of its value', () => {
    const secret = 'AGE-SECRET-KEY-1' + 'X'.repeat(58)
    for (const name of ['CUTOVER_GATE_AGE_IDENTITY', 'MY_KEY', 'k_2']) {
      const out = childEnv(
        { PATH: '/bin', [name]: secret, COPY_OF_IT: secret, KEEP: 'yes' },
        'GRAPHITI_SNAPSHOT_PASSPHRASE',
        name
      )
      expect(out).toMatchObject({ KEEP: 'yes', PATH: '/bin' })
      expect(Object.keys(out)).not.toContain(name)
      expect(Object.keys(out)).not.toContain('COPY_OF_IT')
      expect(Object.values(out)).not.toContain(secret)
    }
  })
})
