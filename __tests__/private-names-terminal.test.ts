import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { runInTerminal } from '../__fixtures__/run-in-terminal.js'
import { tempDir } from '../__fixtures__/trees.js'

/**
 * SPEC, Safety rules: the CLI on an interactive terminal prints the names under the includes
 * there, never into the report files. Runs dist/cli.js on a real pseudo-terminal.
 */

const PASSPHRASE = 'private names stay private 4711 ✓'
const part = fc.stringMatching(/^[g-z][a-z0-9]{5,9}$/)

describe('private names on a terminal', () => {
  it('a person at a terminal sees the name; the report files show root and fingerprint only', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(part, { minLength: 3, maxLength: 3 }), async ([a, b, t]) => {
        const work = tempDir('cg-private-tty-')
        const repo = path.join(work, 'repo')
        fs.mkdirSync(path.join(repo, 'state', a!), { recursive: true })
        fs.symlinkSync(`../../../${t}`, path.join(repo, 'state', a!, b!))
        const report = path.join(work, 'out', 'report.md')
        const run = await runInTerminal(
          [
            'snapshot',
            '--repo',
            repo,
            '--include',
            'state',
            '--snapshot-dir',
            path.join(work, 'snapshots'),
            '--manifest',
            path.join(work, 'snapshots', 'latest-manifest.json'),
            '--report-path',
            report,
            '--scrypt-work-factor',
            '10'
          ],
          [],
          { GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE }
        )
        expect(run.code).toBe(1)
        expect(run.output).toContain(`state/${a}/${b}`)
        expect(run.output).not.toMatch(/show-private-names is true/)
        const files =
          fs.readFileSync(report, 'utf8') +
          fs.readFileSync(report.replace(/\.md$/, '.json'), 'utf8')
        expect(files).toMatch(/symlink state\/…#[0-9a-f]{10} points outside the repository/)
        for (const name of [a!, b!, t!]) expect(files).not.toContain(name)
        fs.rmSync(work, { recursive: true, force: true })
      }),
      { numRuns: 2 }
    )
  }, 60_000)
})
