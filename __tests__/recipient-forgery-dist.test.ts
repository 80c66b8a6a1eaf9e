import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { commitAll } from '../__fixtures__/example-repo.js'
import { cliSync } from '../__fixtures__/run-cli.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'

/**
 * The documented limit of recipient snapshots (README "Security model", docs/guarantees.md):
 * an age recipient is a public key, so whoever holds it can make a snapshot that the gate's
 * identity opens. Planted in snapshot-dir with its manifests, it restore-tests GO. What protects
 * against it: precutover verifies the very file it wrote (its report records that file's
 * SHA-256), and snapshot-dir and the store are writable only by the gate.
 */

function keygen(dir: string): { keyFile: string; recipient: string } {
  const keyFile = path.join(dir, 'key.txt')
  execFileSync('age-keygen', ['-o', keyFile], { stdio: 'ignore' })
  return {
    keyFile,
    recipient: execFileSync('age-keygen', ['-y', keyFile], { encoding: 'utf8' }).trim()
  }
}

const sha256 = (file: string): string =>
  createHash('sha256').update(fs.readFileSync(file)).digest('hex')

function common(repo: string, snapshotDir: string, report: string): string[] {
  return [
    '--repo',
    repo,
    '--include',
    'state',
    '--snapshot-dir',
    snapshotDir,
    '--manifest',
    path.join(snapshotDir, 'latest-manifest.json'),
    '--report-path',
    report
  ]
}

const evidence = (report: string) =>
  JSON.parse(fs.readFileSync(report.replace(/\.md$/, '.json'), 'utf8')).evidence as {
    snapshotPath: string
    sha256: string
  }

/** The id of a new snapshot is its second: the next one must not share it. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1100))

describe('recipient snapshots can be forged by anyone holding the public recipient (a documented limit)', () => {
  const work = tempDir('cg-forgery-')
  const keys = keygen(work)
  const snapshotDir = path.join(work, 'snapshots')

  it('precutover verifies the file it wrote; a snapshot planted later restore-tests GO, and only the recorded SHA-256 tells them apart', async () => {
    const repo = makeRepo()
    commitAll(repo)
    const report = path.join(work, 'precutover', 'report.md')
    const gate = cliSync(
      [
        'precutover',
        ...common(repo, snapshotDir, report),
        '--recipient',
        keys.recipient,
        '--identity-file',
        keys.keyFile,
        '--migration-export',
        'true',
        '--migration-check',
        'true',
        '--migration-import',
        'true'
      ],
      {}
    )
    expect([gate.code, gate.stdout]).toEqual([0, expect.stringMatching(/^GO/)])
    // the GO is about the very file precutover wrote: its bytes hash to the recorded SHA-256
    const own = evidence(report)
    expect(sha256(own.snapshotPath)).toBe(own.sha256)

    // someone holding only the public recipient (no identity, no passphrase) plants a snapshot
    // of other content, with its manifests, in the same snapshot-dir
    await nextSecond()
    const forged = tempDir('cg-forged-repo-')
    fs.mkdirSync(path.join(forged, 'state'))
    fs.writeFileSync(path.join(forged, 'state', 'not-yours.json'), '{"forged":true}\n')
    const planted = cliSync(
      [
        'snapshot',
        ...common(forged, snapshotDir, path.join(work, 'attacker', 'report.md')),
        '--recipient',
        keys.recipient
      ],
      {}
    )
    expect(planted.code).toBe(0)

    // the gate's identity opens it, and every check of restore-test passes: GO
    const check = path.join(work, 'check', 'report.md')
    const test = cliSync(
      ['restore-test', ...common(repo, snapshotDir, check), '--identity-file', keys.keyFile],
      {}
    )
    expect([test.code, test.stdout]).toEqual([0, expect.stringMatching(/^GO/)])
    // what tells them apart is precutover's own record of the file it verified
    const tested = evidence(check)
    expect(tested.snapshotPath).not.toBe(own.snapshotPath)
    expect(tested.sha256).not.toBe(own.sha256)
    // and the catalogue lists it beside the gate's own, as any other snapshot
    const list = cliSync(['list', '--snapshot-dir', snapshotDir, '--repo', repo], {})
    expect(list.stdout).toContain(path.basename(tested.snapshotPath).slice(9, 25))
  }, 120_000)
})
