import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { runAction } from '../__fixtures__/run-action.js'
import { cliSync } from '../__fixtures__/run-cli.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { commitAll } from '../__fixtures__/example-repo.js'

/**
 * A migration command as hostile as repository code can be with our uid: it reads its parent's
 * start-up environment and command line, and every environment under /proc it can read.
 */
function probe(out: string): string {
  const script = path.join(tempDir('cg-probe-'), 'probe.sh')
  fs.writeFileSync(
    script,
    [
      '#!/bin/sh',
      `{ cat /proc/$PPID/environ; cat /proc/$PPID/cmdline`,
      '  for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do cat "$f" 2>/dev/null; done',
      `} >> '${out}'`,
      'exit 0'
    ].join('\n'),
    { mode: 0o700 }
  )
  return script
}

const fresh = (what: string) => `${what}-${randomBytes(12).toString('hex')}`

function expectUnseen(seenFile: string, secrets: Record<string, string>): void {
  const seen = fs.readFileSync(seenFile, 'latin1')
  // the probe really read our process: the run marker is in its parent's start-up environment
  expect(seen).toContain('CUTOVER_GATE_SECRETS_ON_FD0=')
  for (const [name, value] of Object.entries(secrets)) {
    expect([name, seen.includes(value)]).toEqual([name, false])
  }
}

describe('secret hand-off: migration commands cannot read our secrets from /proc', () => {
  const repo = commitAll(makeRepo())

  it.each(['precutover', 'migration-dry-run'])('action door, mode %s', async (mode) => {
    const seen = path.join(tempDir('cg-seen-'), 'seen')
    const script = probe(seen)
    const secrets = {
      INPUT_PASSPHRASE: fresh('pass'),
      ACTIONS_RUNTIME_TOKEN: fresh('jwt'),
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: fresh('oidc'),
      CUTOVER_GATE_AGE_IDENTITY: fresh('AGE-SECRET-KEY-1'),
      DEPLOY_KEY: fresh('key')
    }
    const run = await runAction(
      repo,
      {
        mode,
        'scrypt-work-factor': '10',
        'migration-export': script,
        'migration-check': script,
        'migration-import': script,
        'passphrase-env': 'DEPLOY_KEY'
      },
      { ...secrets, COPY_OF_TOKEN: secrets.ACTIONS_RUNTIME_TOKEN }
    )
    expect([run.outputs.decision, run.stderr]).toEqual(['GO', ''])
    expectUnseen(seen, secrets)
  })

  it.each([
    ['GRAPHITI_SNAPSHOT_PASSPHRASE', []],
    ['MY_PW', ['--passphrase-env', 'MY_PW']],
    ['OTHER_PW', ['--passphrase-env=OTHER_PW']]
  ] as const)('CLI door, passphrase in %s', (name, flags) => {
    const seen = path.join(tempDir('cg-seen-'), 'seen')
    const script = probe(seen)
    const out = tempDir('cg-out-')
    const secrets = { [name]: fresh('pass'), CUTOVER_GATE_AGE_IDENTITY: fresh('AGE-SECRET-KEY-1') }
    const result = cliSync(
      [
        'precutover',
        '--repo',
        repo,
        '--scrypt-work-factor',
        '10',
        '--snapshot-dir',
        path.join(out, 'snaps'),
        '--manifest',
        path.join(out, 'snaps', 'm.json'),
        '--report-path',
        path.join(out, 'r.md'),
        '--migration-export',
        script,
        '--migration-check',
        script,
        '--migration-import',
        script,
        ...flags
      ],
      { ...secrets, TMPDIR: out }
    )
    expect([result.code, result.stderr]).toEqual([0, expect.not.stringMatching(/NO-GO/)])
    expectUnseen(seen, secrets)
  })

  it('refuses to run the migration when the hand-off cannot be made, and says why', () => {
    // TMPDIR naming a file: the fifo's folder cannot be made, so the secret must not reach a child
    const file = path.join(tempDir('cg-nofifo-'), 'a-file')
    fs.writeFileSync(file, '')
    const seen = path.join(tempDir('cg-seen-'), 'seen')
    const result = cliSync(
      ['migration-dry-run', '--repo', repo, '--migration-export', probe(seen)],
      { GRAPHITI_SNAPSHOT_PASSPHRASE: fresh('pass'), TMPDIR: file }
    )
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^cutover-gate: secret hand-off failed .*refusing to run/)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(fs.existsSync(seen)).toBe(false)
  })
})
