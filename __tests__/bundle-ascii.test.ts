// The bundle is ASCII (rollup.config.js, asciiOnly: Node loads it faster so), and it still says
// what the sources say: the symbols, dashes and dots of the reports come out as written.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { ROOT } from '../__fixtures__/run-action.js'
import { CLI } from '../__fixtures__/run-cli.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'

const DIST = path.join(ROOT, 'dist')
const NON_ASCII = /[\u0080-\uffff]/
const NON_ASCII_ALL = /[\u0080-\uffff]/g
const escape = (unit: string) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`
const chunks = fs.readdirSync(DIST).filter((name) => name.endsWith('.js'))

describe("the bundle's text", () => {
  it('has every chunk', () => {
    expect(chunks).toEqual(expect.arrayContaining(['index.js', 'cli.js', 'post.js']))
  })

  it.each(chunks)('%s is ASCII, or could not be', (name) => {
    const text = fs.readFileSync(path.join(DIST, name), 'utf8')
    if (!NON_ASCII.test(text)) return
    // the one reason to stay as written: escaped, it would not parse
    const escaped = text.replace(NON_ASCII_ALL, escape)
    const file = path.join(tempDir('cg-ascii-check-'), `${name}.mjs`)
    fs.writeFileSync(file, escaped)
    expect(spawnSync(process.execPath, ['--check', file]).status).not.toBe(0)
  })

  it('what a run loads before any upload is ASCII', () => {
    const loaded = new Set<string>()
    const visit = (name: string): void => {
      if (loaded.has(name)) return
      loaded.add(name)
      const text = fs.readFileSync(path.join(DIST, name), 'utf8')
      expect([name, NON_ASCII.test(text)]).toEqual([name, false])
      // static imports, and the entries' one dynamic import of the code they start
      const edges = [
        ...text.matchAll(/^(?:import|export)\b[^'\n]*'\.\/([\w-]+\.js)';$/gm),
        ...text.matchAll(/\bawait import\('\.\/([\w-]+\.js)'\)/g)
      ]
      for (const [, next] of edges) if (next !== 'upload-evidence.js') visit(next!)
    }
    for (const entry of ['cli.js', 'index.js', 'post.js']) visit(entry)
    // whichever chunk rollup put the lane's house in, the walk reached it
    const house = fs
      .readdirSync(DIST)
      .filter((name) => name.endsWith('.js'))
      .filter((name) => /\bfunction runGate\b/.test(fs.readFileSync(path.join(DIST, name), 'utf8')))
    expect(house).toHaveLength(1)
    expect([...loaded]).toEqual(expect.arrayContaining(['run-cli.js', 'main.js', ...house]))
  })

  it('writes the characters of the sources into the report and the terminal', () => {
    const report = path.join(tempDir('cg-ascii-'), 'readiness.md')
    const run = spawnSync(
      process.execPath,
      [
        CLI,
        'snapshot',
        '--repo',
        makeRepo(),
        '--scrypt-work-factor',
        '10',
        '--report-path',
        report
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: '/tmp',
          TMPDIR: tempDir('cg-ascii-tmp-'),
          GRAPHITI_SNAPSHOT_PASSPHRASE: 'ascii bundle passphrase'
        },
        encoding: 'utf8'
      }
    )
    expect(run.status).toBe(0)
    const markdown = fs.readFileSync(report, 'utf8').split('\n')
    expect(markdown[0]).toBe('# ✅ GO — cutover-gate readiness')
    expect(markdown[2]).toContain(' · ')
    expect(markdown.join('\n')).toContain('| `snapshot-create` | ✅ passed |')
    expect(run.stdout).toContain('GO  cutover-gate readiness · snapshot')
    expect(run.stdout).toMatch(/✔ snapshot-create/)
  })
})
