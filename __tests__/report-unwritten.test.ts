import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { Writable } from 'node:stream'
import { gate, PASSPHRASE } from '../__fixtures__/catalogue-helpers.js'
import { makeRepo } from '../__fixtures__/trees.js'
import { runCli } from '../src/cli/run-cli.js'

const REPORT = 'reports/publicization/backup-readiness'

/** Ways the report's place is taken after the inputs were judged, as repository code could. */
const takers: [string, (repo: string) => void][] = [
  ['a foreign .md', (r) => fs.writeFileSync(path.join(r, `${REPORT}.md`), 'not a report\n')],
  ['a foreign .json twin', (r) => fs.writeFileSync(path.join(r, `${REPORT}.json`), '{}\n')],
  [
    'a link at the .md',
    (r) => fs.symlinkSync('../../state/empty.txt', path.join(r, `${REPORT}.md`))
  ],
  ['a folder at the .md', (r) => fs.mkdirSync(path.join(r, `${REPORT}.md`))],
  [
    'the folder as a file',
    (r) => {
      fs.rmSync(path.join(r, 'reports/publicization'), { recursive: true, force: true })
      fs.writeFileSync(path.join(r, 'reports/publicization'), 'x')
    }
  ]
]

function prepared(): string {
  const repo = makeRepo()
  fs.mkdirSync(path.join(repo, 'reports/publicization'), { recursive: true })
  return repo
}

describe('a readiness report that could not be written is named nowhere', () => {
  it.each(takers)('%s: NO-GO and empty report outputs', async (_, take) => {
    const repo = prepared()
    const result = await gate(repo, { mode: 'snapshot' }, PASSPHRASE, () => take(repo))
    expect(result.report.decision).toBe('NO-GO')
    expect(result.report.reason).toMatch(/readiness report could not be written/)
    expect(result.outputs['report-path']).toBe('')
    expect(result.outputs['report-json-path']).toBe('')
  })

  it('a written report keeps both outputs', async () => {
    const repo = prepared()
    const result = await gate(repo, { mode: 'snapshot' })
    expect(result.report.decision).toBe('GO')
    expect(result.outputs['report-path']).toBe(path.join(repo, `${REPORT}.md`))
    expect(fs.existsSync(result.outputs['report-json-path']!)).toBe(true)
  })

  it.each(['md', 'json'])(
    'the CLI says "not written" when a migration took the .%s',
    async (ext) => {
      const repo = prepared()
      const g = (...args: string[]) => execFileSync('git', args, { cwd: repo })
      g('init', '-q')
      g('add', '-A')
      g('-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'x')
      let err = ''
      const sink = (onText: (t: string) => void) =>
        new Writable({ write: (chunk, _e, done) => (onText(String(chunk)), done()) })
      const code = await runCli({
        argv: [
          'migration-dry-run',
          '--repo',
          repo,
          '--migration-check',
          'true',
          '--migration-import',
          'true',
          '--migration-export',
          `sh -c 'echo planted > ${REPORT}.${ext}'`
        ],
        env: { PATH: process.env.PATH },
        cwd: repo,
        stdout: sink(() => {}),
        stderr: sink((t) => (err += t)),
        stdinIsTTY: false,
        stdoutIsTTY: false
      })
      expect(code).toBe(1)
      expect(err).toMatch(/^report: not written/m)
      expect(err).not.toMatch(/^report: \//m)
    }
  )
})
