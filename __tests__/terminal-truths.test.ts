// What a person sees in a terminal (the bundled CLI on a real pseudo-terminal): a key that does
// not open the snapshot is said once, with advice about the key, not the snapshot; `list` lists
// (no GO) in 80 columns, whatever the catalogue holds.
import fs from 'node:fs'
import path from 'node:path'
import { cloneSnapshot, idAt } from '../__fixtures__/catalogue-helpers.js'
import { cliSync } from '../__fixtures__/run-cli.js'
import { runInTerminal } from '../__fixtures__/run-in-terminal.js'
import { ageKeygen } from '../__fixtures__/stock-tools.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'

const FAST = ['--scrypt-work-factor', '10']
const PASSPHRASE = 'violet canyon ledger 7 orbit quietly'
const OTHER = 'amber harbor quilt 9 meadow loudly'
const keys = tempDir('cg-truth-keys-')
const alice = await ageKeygen(keys, 'alice.txt')
const eve = await ageKeygen(keys, 'eve.txt')

/** The screen's text: no colour codes, no carriage returns. */
const screen = (output: string) =>
  output.replace(new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g'), '').replace(/\r/g, '')
/** How often `part` shows, across the terminal's line wrapping. */
const count = (text: string, part: string) => text.replace(/\s+/g, ' ').split(part).length - 1

function snapshotRepo(kind: 'passphrase' | 'recipient'): string {
  const repo = makeRepo()
  const made =
    kind === 'passphrase'
      ? cliSync(['snapshot', '--repo', repo, ...FAST], { GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE })
      : cliSync(['snapshot', '--repo', repo, '--recipient', alice.recipient], {})
  expect([made.code, made.stderr]).toEqual([0, expect.any(String)])
  return repo
}

describe('a key that does not open the snapshot', () => {
  const byPassphrase = snapshotRepo('passphrase')
  const byRecipient = snapshotRepo('recipient')
  it.each([
    [
      'a wrong passphrase',
      () => byPassphrase,
      [],
      { GRAPHITI_SNAPSHOT_PASSPHRASE: OTHER },
      'wrong passphrase'
    ],
    [
      'an identity of other recipients',
      () => byRecipient,
      ['--identity-file', eve.keyFile],
      {},
      'no identity matches this snapshot'
    ],
    [
      'an identity for a passphrase snapshot',
      () => byPassphrase,
      ['--identity-file', alice.keyFile],
      {},
      'is passphrase-encrypted (scrypt) and no passphrase was given'
    ],
    [
      'a passphrase for a recipient snapshot',
      () => byRecipient,
      [],
      { GRAPHITI_SNAPSHOT_PASSPHRASE: OTHER },
      'and no identity was given'
    ]
  ])('%s: said once, advice about the key', async (_name, repo, args, env, said) => {
    for (const mode of ['restore-test', 'restore']) {
      const target = path.join(tempDir('cg-truth-target-'), 'target')
      const run = await runInTerminal(
        [mode, '--repo', repo(), '--restore-target', target, ...args],
        [],
        env
      )
      const text = screen(run.output)
      expect(run.code).toBe(1)
      expect([said, count(text, said)]).toEqual([said, 1])
      expect(count(text, 'Check the passphrase or identity')).toBe(1)
      expect(count(text, 'Do not trust this snapshot')).toBe(0)
      const report = fs.readFileSync(
        path.join(repo(), 'reports/publicization/backup-readiness.md'),
        'utf8'
      )
      expect(report).toContain('Check the passphrase or identity')
      expect(report).not.toContain('Do not trust this snapshot')
    }
  })

  it('a snapshot that fails verification still is not to be trusted (the advice is by cause)', async () => {
    const repo = snapshotRepo('passphrase')
    const dir = path.join(repo, 'backup/snapshots')
    const file = fs.readdirSync(dir).find((n) => n.endsWith('.age'))!
    const bytes = fs.readFileSync(path.join(dir, file))
    bytes[bytes.length - 100]! ^= 1
    fs.writeFileSync(path.join(dir, file), bytes)
    const run = await runInTerminal(['restore-test', '--repo', repo], [], {
      GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE
    })
    const text = screen(run.output)
    expect(run.code).toBe(1)
    expect(text).toContain('Do not trust this snapshot')
    expect(text).not.toContain('Check the passphrase or identity')
  })
})

describe('list in a terminal', () => {
  it.each([
    ['one passphrase snapshot', 1, 'passphrase'],
    ['many snapshots and an orphan', 12, 'passphrase'],
    ['recipient snapshots', 3, 'recipient']
  ] as const)('%s: not labelled GO, every line within 80 columns', async (_name, n, kind) => {
    const repo = snapshotRepo(kind)
    const dir = path.join(repo, 'backup/snapshots')
    const newest = fs
      .readdirSync(dir)
      .find((f) => /^snapshot-\d{8}T\d{6}Z\.json$/.test(f))!
      .slice(9, 25)
    for (let i = 0; i < n - 1; i++) cloneSnapshot(dir, newest, idAt(i * 977))
    if (n > 1) fs.writeFileSync(path.join(dir, 'snapshot-20250101T000000Z.tar.zst.age'), 'orphan')
    const run = await runInTerminal(['list', '--repo', repo], [])
    const lines = screen(run.output).split('\n')
    expect(run.code).toBe(0)
    expect(lines[0]).toBe('cutover-gate catalogue · list')
    expect(lines.filter((l) => /\bGO\b/.test(l))).toEqual([])
    expect(lines.filter((l) => [...l].length > 80)).toEqual([])
    expect(lines.filter((l) => /^ {2}\d{8}T\d{6}Z /.test(l))).toHaveLength(n + (n > 1 ? 1 : 0))
    expect(lines.find((l) => l.includes(newest))).toMatch(/latest$/)
  })
})
