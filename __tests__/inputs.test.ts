import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { INPUT_DEFAULTS, OUTPUT_NAMES } from '../src/config/input-names.js'
import { InputError } from '../src/config/input-error.js'
import { parseInputs } from '../src/config/inputs.js'

// a real git work tree: paths are judged where they really are, and the repo must exist
const cwd = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cg-inputs-')))
execFileSync('git', ['init', '-q', cwd])
const parseOk = (raw: Record<string, string>) => parseInputs(raw, { cwd, tempDir: '/tmp/rt' })
const parseErr = (raw: Record<string, string>) => {
  try {
    parseOk(raw)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

describe('inputs', () => {
  it('gives the action.yml defaults when nothing is set, and action.yml agrees with the CLI table', () => {
    const action = parse(
      fs.readFileSync(path.join(import.meta.dirname, '..', 'action.yml'), 'utf8')
    )
    for (const [name, value] of Object.entries(INPUT_DEFAULTS)) {
      expect(action.inputs[name]).toBeDefined()
      expect(action.inputs[name].description).toBeTruthy()
      expect(String(action.inputs[name].default)).toBe(value)
    }
    expect(Object.keys(action.inputs).sort()).toEqual(Object.keys(INPUT_DEFAULTS).sort())
    expect(Object.keys(action.outputs).sort()).toEqual([...OUTPUT_NAMES].sort())
    expect(action.runs).toMatchObject({ using: 'node24', main: 'dist/index.js' })

    const config = parseOk({})
    expect(config).toMatchObject({
      mode: 'precutover',
      repo: cwd,
      includes: ['exports', 'logs', 'reports/private', 'state'],
      snapshotDir: `${cwd}/backup/snapshots`,
      manifestPath: `${cwd}/backup/snapshots/latest-manifest.json`,
      force: true,
      compression: 'zstd',
      workFactor: 18,
      reportPath: `${cwd}/reports/publicization/backup-readiness.md`,
      reportJsonPath: `${cwd}/reports/publicization/backup-readiness.json`,
      uploadArtifact: false,
      retentionDays: 0,
      failOnNoGo: true,
      allowWeakPassphrase: false,
      allowPublicArtifact: false,
      passphraseEnv: 'GRAPHITI_SNAPSHOT_PASSPHRASE',
      tempDir: '/tmp/rt'
    })
    expect(config.migration.timeoutSeconds).toBe(900)
  })

  it.each([
    [
      { mode: 'deploy' },
      /^input mode: accepts precutover, migration-dry-run, snapshot, restore-test, restore, list, exposure-audit \(got "deploy"\)$/
    ],
    [{ compression: 'xz' }, /^input compression: accepts zstd, gzip, none/],
    [{ 'scrypt-work-factor': '9' }, /^input scrypt-work-factor: accepts 10 to 20/],
    [{ 'scrypt-work-factor': '21' }, /^input scrypt-work-factor: accepts 10 to 20/],
    [{ 'scrypt-work-factor': '1e1' }, /^input scrypt-work-factor: accepts a whole number/],
    [{ force: 'yes' }, /^input force: accepts true or false/],
    [{ 'allow-weak-passphrase': 'yes' }, /^input allow-weak-passphrase: accepts true or false/],
    [{ 'allow-public-artifact': '1' }, /^input allow-public-artifact: accepts true or false/],
    [{ 'migration-timeout': '0' }, /^input migration-timeout: accepts 1 to 86400/],
    [{ 'retention-days': '91' }, /^input retention-days: accepts 0 to 90/],
    [{ 'artifact-name': 'a/b' }, /^input artifact-name: "a\/b" contains a forward slash/],
    [
      { 'passphrase-env': 'NOT-A-NAME' },
      /^input passphrase-env: accepts an environment variable name/
    ],
    [{ include: '../outside' }, /^input include: "..\/outside" is not inside repo/],
    [{ include: '/etc' }, /^input include: "\/etc" is not inside repo/],
    [{ include: '.' }, /^input include: "." is not inside repo/],
    [{ include: 'state\nstate/sub' }, /^input include: "state\/sub" lies inside "state"/],
    [{ include: '.cutover-gate' }, /collides with the snapshot's own index/],
    [{ include: '#only a comment' }, /^input include: needs at least one/],
    [
      { 'snapshot-dir': 'state/snaps', manifest: 'state/snaps/m.json' },
      /^input snapshot-dir: state\/snaps lies inside include "state"/
    ],
    [{ 'report-path': 'logs/r.md' }, /^input report-path: logs\/r.md lies inside include "logs"/],
    [
      { manifest: 'elsewhere/m.json' },
      /^input manifest: elsewhere\/m.json must sit in snapshot-dir/
    ],
    [{ mode: 'restore' }, /^input restore-target: is required for mode restore/],
    ...['newest', '2026-12-03T05:50:01Z', '20261203T055001', '20261203t055001z', '../x'].map(
      (snapshot): [Record<string, string>, RegExp] => [
        { snapshot },
        /^input snapshot: accepts latest or a snapshot id/
      ]
    ),
    ...['-1', '1001', '2.5', 'all', '1e2'].map((keep): [Record<string, string>, RegExp] => [
      { 'keep-last': keep },
      /^input keep-last: accepts (0 to 1000|a whole number from 0 to 1000)/
    ])
  ])('rejects %j with one line naming the input', (raw, expected) => {
    const message = parseErr(raw as Record<string, string>)
    expect(message).toMatch(expected)
    expect(message).not.toContain('\n')
  })

  it.each([
    ['allow-weak-passphrase', 'allowWeakPassphrase'],
    ['allow-public-artifact', 'allowPublicArtifact']
  ] as const)('reads %s as a YAML boolean', (input, field) => {
    for (const value of ['true', 'True', 'TRUE'])
      expect(parseOk({ [input]: value })[field]).toBe(true)
    for (const value of ['false', 'False', 'FALSE', ''])
      expect(parseOk({ [input]: value })[field]).toBe(false)
  })

  it('never echoes the passphrase in an error', () => {
    expect(parseErr({ passphrase: 'x', mode: 'nope' })).not.toContain('"x"')
  })

  it('normalizes includes: trims, drops blanks and comments, dedupes, sorts by bytes', () => {
    const config = parseOk({ include: '  state/  \n\n# note\nlogs\nstate\nÉtat\nZeta\n' })
    expect(config.includes).toEqual(['Zeta', 'logs', 'state', 'État'])
  })

  it('accepts YAML booleans and a manifest anywhere for restore-test', () => {
    const config = parseOk({
      force: 'False',
      'fail-on-no-go': 'TRUE',
      mode: 'restore-test',
      manifest: '/dl/m.json'
    })
    expect(config.force).toBe(false)
    expect(config.failOnNoGo).toBe(true)
    expect(config.manifestPath).toBe('/dl/m.json')
  })

  it('judges the repo where it really is: a repo named through a chain of links is its target', () => {
    const links = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cg-links-')))
    fs.symlinkSync(cwd, path.join(links, 'one'))
    fs.symlinkSync('one', path.join(links, 'two'))
    for (const name of ['one', 'two']) {
      const config = parseInputs({ repo: name }, { cwd: links })
      expect(config.repo).toBe(cwd)
      expect(config.reportPath).toBe(`${cwd}/reports/publicization/backup-readiness.md`)
    }
  })

  it('tells an include given empty from one not given: absent is the default, empty an error', () => {
    expect(parseOk({}).includes).toHaveLength(4)
    for (const empty of ['', ' ', '\n', '# c']) {
      expect(parseErr({ include: empty })).toMatch(/^input include: needs at least one/)
    }
  })

  it('uses the OS temp folder when RUNNER_TEMP is absent', () => {
    expect(parseInputs({}, { cwd }).tempDir).toBe(os.tmpdir())
  })
})
