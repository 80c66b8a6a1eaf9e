import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { goReport, noGoReport } from '../__fixtures__/report-fixtures.js'
import { linkChain, treeState } from '../__fixtures__/path-attacks.js'
import { tempDir } from '../__fixtures__/trees.js'
import { renderJson } from '../src/report/render-json.js'
import { renderMarkdown } from '../src/report/render-markdown.js'
import { writeReportFiles } from '../src/report/write-report.js'

function paths(dir: string) {
  return { md: path.join(dir, 'r.md'), json: path.join(dir, 'r.json') }
}

const MANIFEST = JSON.stringify({
  version: 1,
  tool: { name: 'cutover-gate', version: '0.1.0' },
  snapshot: { path: 's.tar.zst.age', size: 1, sha256: 'ab' },
  includes: ['state']
})

const JSON_REPORT = renderJson(goReport())

describe('the report writer replaces only an earlier readiness report', () => {
  it('replaces earlier reports of either decision, its own kind at each path', async () => {
    const dir = fs.realpathSync(tempDir('cg-rw-'))
    const { md, json } = paths(dir)
    for (const report of [noGoReport('B'), goReport(), noGoReport('C'), goReport()]) {
      await writeReportFiles(report, md, json)
      expect(fs.readFileSync(md, 'utf8')).toBe(renderMarkdown(report))
      expect(fs.readFileSync(json, 'utf8')).toBe(renderJson(report))
    }
  })

  it('never replaces any other content at either path, and then writes neither', async () => {
    const others = fc.oneof(
      fc.string(),
      fc.constant(MANIFEST),
      fc.constant('#!/usr/bin/env python3\nprint("check")\n'),
      fc.constant(JSON_REPORT),
      fc.constant(renderMarkdown(goReport()).replace(/<sub>.*<\/sub>/, '')), // headline alone
      fc.constant(`# ✅ GO — cutover-gate readiness\n`),
      fc.json(),
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1'))
    )
    await fc.assert(
      fc.asyncProperty(others, fc.boolean(), async (content, atJson) => {
        const dir = fs.realpathSync(tempDir('cg-rw-'))
        const { md, json } = paths(dir)
        const victim = atJson ? json : md
        if (atJson) fs.writeFileSync(md, renderMarkdown(noGoReport()))
        // each kind's report is foreign content at the other kind's path
        const foreign = atJson && content === JSON_REPORT ? renderMarkdown(goReport()) : content
        fs.writeFileSync(victim, foreign)
        if (!atJson) fs.writeFileSync(json, renderJson(noGoReport()))
        const before = treeState(dir)
        await expect(writeReportFiles(goReport(), md, json)).rejects.toThrow(
          /exists and is not an earlier cutover-gate readiness report, so it is left untouched/
        )
        expect(treeState(dir)).toEqual(before)
      }),
      { numRuns: 60 }
    )
  })

  it.each([1, 2, 3])(
    'never writes through a report path that is a chain of %i link(s), even to a report',
    async (length) => {
      const dir = fs.realpathSync(tempDir('cg-rw-'))
      const elsewhere = fs.realpathSync(tempDir('cg-rw-target-'))
      await writeReportFiles(
        noGoReport(),
        path.join(elsewhere, 'r.md'),
        path.join(elsewhere, 'r.json')
      )
      const { md, json } = paths(dir)
      linkChain(dir, 'r.md', path.join(elsewhere, 'r.md'), length, length === 2)
      const before = [treeState(dir), treeState(elsewhere)]
      await expect(writeReportFiles(goReport(), md, json)).rejects.toThrow(
        /r\.md is a symlink .*never written through a link/
      )
      expect([treeState(dir), treeState(elsewhere)]).toEqual(before)
    }
  )

  it.each(['', 'a/', 'a/b/'])(
    'refuses a folder (at depth %j) that became a link after the paths were judged',
    async (depth) => {
      const dir = fs.realpathSync(tempDir('cg-rw-'))
      const outside = fs.realpathSync(tempDir('cg-rw-outside-'))
      linkChain(dir, `${depth}reports`, outside, 1)
      const md = path.join(dir, depth, 'reports', 'x', 'r.md')
      await expect(writeReportFiles(goReport(), md, md.replace(/md$/, 'json'))).rejects.toThrow(
        /now leads through a symlink to .*choose another report-path/
      )
      expect(fs.readdirSync(outside)).toEqual([])
    }
  )

  it('refuses a folder standing where the report goes', async () => {
    const dir = fs.realpathSync(tempDir('cg-rw-'))
    fs.mkdirSync(path.join(dir, 'r.md'))
    const { md, json } = paths(dir)
    await expect(writeReportFiles(goReport(), md, json)).rejects.toThrow(/is not a regular file/)
    expect(fs.existsSync(json)).toBe(false)
  })
})
