import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

interface Markdown {
  writeMarkdown(file: string, report: Record<string, unknown>): void
}
const modulePath = path.resolve('scripts/bench/markdown.mjs')
const { writeMarkdown } = (await import(modulePath)) as Markdown

const report = (title: string): Record<string, unknown> => ({
  args: { runs: 5, compression: 'zstd' },
  argv: ['--only', 'precutover', '--markdown'],
  figures: [{ title, rows: [['ratio', '0.7']] }],
  budgets: { rows: [{ verdict: 'PASS', name: 'a budget', detail: '1' }] },
  rssMethod: 'GNU time',
  hashTool: 'openssl',
  load: { start: '1.0', end: '2.0' },
  dataFs: 'ext4'
})

describe('docs/performance.md as the bench rewrites it', () => {
  it('keeps every marked section as it is, the exposure audit history and the ledger, and replaces the rest', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-md-'))
    const file = path.join(dir, 'performance.md')
    const history =
      '<!-- BEGIN exposure-history -->\n## Exposure audit\n\n| run | s |\n|---|---|\n| 1 | 2.5 |\n<!-- END exposure-history -->'
    const ledger = '<!-- BEGIN ledger -->\nhand-kept | rows\n<!-- END ledger -->'
    writeMarkdown(file, report('first figures'))
    fs.appendFileSync(file, `\n${ledger}\nstray text\n\n${history}\n`)
    writeMarkdown(file, report('second figures'))
    const text = fs.readFileSync(file, 'utf8')
    expect(text).toContain('## second figures')
    expect(text).not.toContain('first figures')
    expect(text).not.toContain('stray text')
    expect(text).toContain(history)
    expect(text).toContain(ledger)
    expect(text.indexOf(ledger)).toBeLessThan(text.indexOf(history))
    // a third rewrite keeps them once, not twice
    writeMarkdown(file, report('third figures'))
    expect(fs.readFileSync(file, 'utf8').split(history)).toHaveLength(2)
    fs.rmSync(dir, { recursive: true, force: true })
  })
})
