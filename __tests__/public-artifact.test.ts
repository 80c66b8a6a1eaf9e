import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { ROOT, runAction } from '../__fixtures__/run-action.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { commitAll } from '../__fixtures__/example-repo.js'
import { MODE_NAMES } from '../src/config/config.js'
import { needsKey } from '../src/config/modes.js'
import { InputError } from '../src/config/input-error.js'
import { parseInputs } from '../src/config/inputs.js'
import { refusePublicArtifact, repositoryVisibility } from '../src/config/public-repository.js'
import { runGate } from '../src/gate.js'
import { MemoryLogger } from '../__fixtures__/memory-logger.js'
import { passphraseKeys } from '../__fixtures__/passphrase-keys.js'

const PASSPHRASE = 'public artifact passphrase ✓'

function eventFile(payload: unknown): string {
  const file = path.join(tempDir('cg-event-'), 'event.json')
  fs.writeFileSync(file, typeof payload === 'string' ? payload : JSON.stringify(payload))
  return file
}

const PUBLIC = [
  { repository: { private: false } },
  { repository: { visibility: 'public' } },
  { repository: { private: false, visibility: 'public', full_name: 'o/r' }, action: 'opened' }
]
const PRIVATE = [
  { repository: { private: true } },
  { repository: { private: true, visibility: 'internal' } },
  { repository: { visibility: 'private' } }
]
// a payload that cannot be read or does not say: unknown, never taken as private
const UNKNOWN: unknown[] = [
  'not json {',
  '',
  { action: 'push' },
  { repository: 'o/r' },
  { repository: { private: 'no' } },
  []
]

describe('repository visibility from the event payload', () => {
  it.each(PUBLIC)('public: %j', (payload) =>
    expect(repositoryVisibility({ GITHUB_EVENT_PATH: eventFile(payload) })).toBe('public')
  )
  it.each(PRIVATE)('private: %j', (payload) =>
    expect(repositoryVisibility({ GITHUB_EVENT_PATH: eventFile(payload) })).toBe('private')
  )
  it.each(UNKNOWN)('unknown: %j', (payload) =>
    expect(repositoryVisibility({ GITHUB_EVENT_PATH: eventFile(payload) })).toBe('unknown')
  )
  it('unknown without a payload, or with one that is not there', () => {
    expect(repositoryVisibility({})).toBe('unknown')
    expect(repositoryVisibility({ GITHUB_EVENT_PATH: '/nonexistent/event.json' })).toBe('unknown')
  })
})

describe('the refusal, before the lane starts', () => {
  const configFor = (repo: string, raw: Record<string, string>) =>
    parseInputs(
      {
        'scrypt-work-factor': '10',
        'upload-artifact': 'true',
        'restore-target': path.join(tempDir('cg-rt-'), 'out'),
        ...raw
      },
      { cwd: repo, tempDir: tempDir('cg-rt-') }
    )

  it.each(MODE_NAMES.filter(needsKey))(
    'mode %s in a public repository: refused, naming both inputs, nothing written',
    async (mode) => {
      for (const payload of PUBLIC) {
        const repo = commitAll(makeRepo())
        const env = { GITHUB_EVENT_PATH: eventFile(payload) }
        const run = runGate(
          configFor(repo, { mode }),
          passphraseKeys(PASSPHRASE),
          new MemoryLogger(),
          env
        )
        await expect(run).rejects.toThrow(InputError)
        await expect(run).rejects.toThrow(
          /^input upload-artifact: this repository is public .*recipients .*approved storage, or set allow-public-artifact: true/
        )
        expect(fs.existsSync(path.join(repo, 'backup'))).toBe(false)
        expect(fs.existsSync(path.join(repo, 'reports/publicization'))).toBe(false)
      }
    }
  )

  it('is not refused with allow-public-artifact, without upload, in migration-dry-run, or in a private repository', () => {
    const repo = commitAll(makeRepo())
    const pub = { GITHUB_EVENT_PATH: eventFile(PUBLIC[0]) }
    const cases: [Record<string, string>, NodeJS.ProcessEnv][] = [
      [{ mode: 'snapshot', 'allow-public-artifact': 'true' }, pub],
      [{ mode: 'snapshot', 'upload-artifact': 'false' }, pub],
      [{ mode: 'migration-dry-run' }, pub],
      ...PRIVATE.map((p): [Record<string, string>, NodeJS.ProcessEnv] => [
        { mode: 'precutover' },
        { GITHUB_EVENT_PATH: eventFile(p) }
      ])
    ]
    for (const [raw, env] of cases) {
      expect(refusePublicArtifact(configFor(repo, raw), env, 'action')).toBeUndefined()
    }
  })

  it.each(UNKNOWN)('an unknown visibility (%j) warns and goes on', (payload) => {
    const repo = commitAll(makeRepo())
    const warning = refusePublicArtifact(
      configFor(repo, { mode: 'snapshot' }),
      { GITHUB_EVENT_PATH: eventFile(payload) },
      'action'
    )
    expect(warning).toMatch(/^repository visibility unknown .*set allow-public-artifact: true/)
  })
})

describe('through the doors', () => {
  it('the action: one error line, exit 1, no snapshot; the unknown case warns in the report', async () => {
    const repo = commitAll(makeRepo())
    const inputs = {
      mode: 'snapshot',
      'scrypt-work-factor': '10',
      passphrase: PASSPHRASE,
      'upload-artifact': 'true'
    }
    const refused = await runAction(repo, inputs, { GITHUB_EVENT_PATH: eventFile(PUBLIC[1]) })
    expect(refused.code).toBe(1)
    const errors = refused.stdout.split('\n').filter((l) => l.startsWith('::error'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/upload-artifact.*public.*allow-public-artifact: true/)
    expect(fs.existsSync(path.join(repo, 'backup'))).toBe(false)

    const unknown = await runAction(repo, inputs, { GITHUB_EVENT_PATH: '/nonexistent/event.json' })
    expect(unknown.stdout).toMatch(/::warning::repository visibility unknown/)
    expect(unknown.summary).toMatch(/repository visibility unknown/)
    expect(
      fs.readdirSync(path.join(repo, 'backup/snapshots')).some((f) => f.endsWith('.age'))
    ).toBe(true)
  })

  it('the CLI: exit 2, naming its flags', () => {
    const repo = commitAll(makeRepo())
    const run = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'dist/cli.js'),
        'snapshot',
        '--repo',
        repo,
        '--scrypt-work-factor',
        '10',
        '--upload-artifact'
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: '/tmp',
          GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE,
          GITHUB_EVENT_PATH: eventFile(PUBLIC[0])
        },
        encoding: 'utf8'
      }
    )
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(
      /^cutover-gate: --upload-artifact: this repository is public.*--allow-public-artifact to upload anyway\n$/
    )
    expect(fs.existsSync(path.join(repo, 'backup'))).toBe(false)
  })
})
