// The job summary as GitHub shows it: the bundled action's GITHUB_STEP_SUMMARY rendered to HTML
// by a GFM renderer (marked), then read as a person reads the page: headings, tables whose rows
// have their header's cells, the key advice said once, no raw Markdown left in the text.
import { marked } from 'marked'
import { commitAll } from '../__fixtures__/example-repo.js'
import { runAction } from '../__fixtures__/run-action.js'
import { makeRepo } from '../__fixtures__/trees.js'

const PASSPHRASE = 'violet canyon ledger 7 orbit quietly'
const FAST = { 'scrypt-work-factor': '10' }

/** Visible text of an HTML fragment (tags dropped, entities decoded, spaces collapsed). */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()

/** Every table: its header cell count and each body row's. */
function tables(html: string): { header: number; rows: number[] }[] {
  return [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map(([, t]) => ({
    header: (/<thead>([\s\S]*?)<\/thead>/.exec(t!)![1]!.match(/<th\b/g) ?? []).length,
    rows: [...t!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
      .slice(1)
      .map(([, r]) => (r!.match(/<td\b/g) ?? []).length)
  }))
}

function expectWellFormed(html: string): void {
  for (const table of tables(html)) expect(table.rows.every((n) => n === table.header)).toBe(true)
  // Markdown that did not render shows as its marks
  expect(text(html)).not.toMatch(/\|\s*---|^#+ |\*\*/m)
}

describe('the job summary, rendered', () => {
  it('GO: a heading naming the decision, every table whole', async () => {
    const repo = commitAll(makeRepo())
    const run = await runAction(repo, { mode: 'snapshot', passphrase: PASSPHRASE, ...FAST })
    const html = await marked.parse(run.summary)
    expect(/<h[12][^>]*>([\s\S]*?)<\/h[12]>/.exec(html)![1]).toMatch(/\bGO\b/)
    expect(tables(html).length).toBeGreaterThan(0)
    expectWellFormed(html)
  })

  it('a wrong passphrase: NO-GO, advice about the key once, none about trusting the snapshot', async () => {
    const repo = commitAll(makeRepo())
    await runAction(repo, { mode: 'snapshot', passphrase: PASSPHRASE, ...FAST })
    const run = await runAction(repo, {
      mode: 'restore-test',
      passphrase: 'amber harbor quilt 9 meadow loudly'
    })
    const html = await marked.parse(run.summary)
    const page = text(html)
    expect(/<h[12][^>]*>([\s\S]*?)<\/h[12]>/.exec(html)![1]).toMatch(/NO-GO/)
    expect(page.split('Check the passphrase or identity').length - 1).toBe(1)
    expect(page).not.toContain('Do not trust this snapshot')
    expectWellFormed(html)
  })

  it('list: the catalogue is one table with a row per snapshot', async () => {
    const repo = commitAll(makeRepo())
    for (let i = 0; i < 2; i++) {
      await runAction(repo, { mode: 'snapshot', passphrase: PASSPHRASE, ...FAST })
      await new Promise((resolve) => setTimeout(resolve, 1100)) // ids are seconds
    }
    const run = await runAction(repo, { mode: 'list' })
    const html = await marked.parse(run.summary)
    expectWellFormed(html)
    expect(tables(html).some((t) => t.rows.length === 2)).toBe(true)
  })
})
