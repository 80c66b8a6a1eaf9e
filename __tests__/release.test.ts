// The release path: a vX.Y.Z tag publishes its CHANGELOG section, after dist/ is checked, and
// moves the major tag; the action has one name everywhere a user copies it from.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { parse } from 'yaml'
import { ROOT } from '../__fixtures__/run-action.js'
import { tempDir } from '../__fixtures__/trees.js'
// @ts-expect-error: a plain .mjs script, run as is by the release workflow
import { releaseNotes } from '../scripts/release-notes.mjs'

const notes = releaseNotes as (changelog: string, tag: string) => string | Error
const SCRIPT = path.join(ROOT, 'scripts/release-notes.mjs')

const version = fc.tuple(fc.nat(30), fc.nat(30), fc.nat(30)).map(([a, b, c]) => `${a}.${b}.${c}`)
const body = fc
  .array(
    fc.constantFrom(
      '### Added',
      '- a fix',
      '- [link](https://example.com)',
      '',
      'text ## not a heading'
    ),
    {
      minLength: 1,
      maxLength: 6
    }
  )
  .map((lines) => lines.join('\n').trim())
  .filter((text) => text !== '')

describe('release notes from CHANGELOG.md', () => {
  it('give each version exactly its own section, whatever surrounds it', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(version, body), {
          selector: ([v]) => v,
          minLength: 1,
          maxLength: 5
        }),
        (sections) => {
          const changelog = [
            '# Changelog',
            '',
            '## [Unreleased]',
            '- pending',
            ...sections.flatMap(([v, b]) => [`## [${v}] - 2026-12-01`, '', b, '']),
            ...sections.map(
              ([v]) => `[${v}]: https://github.com/cutover-gate/cutover-gate/releases/tag/v${v}`
            )
          ].join('\n')
          for (const [v, b] of sections) expect(notes(changelog, `v${v}`)).toBe(b)
        }
      )
    )
  })

  it.each([
    ['a tag that is not vX.Y.Z', '## [1.0.0]\n- x', 'v1.0', /is not vX\.Y\.Z/],
    ['a prerelease-looking tag', '## [1.0.0]\n- x', 'v1.0.0-rc1', /is not vX\.Y\.Z/],
    ['no section for the version', '## [1.0.0]\n- x', 'v1.0.1', /no "## \[1\.0\.1\]" section/],
    ['a version that only prefixes another', '## [1.0.10]\n- x', 'v1.0.1', /no "## \[1\.0\.1\]"/],
    ['an empty section', '## [1.0.0]\n\n## [0.9.0]\n- x', 'v1.0.0', /is empty/]
  ])('refuse %s, saying what to fix', (_name, changelog, tag, error) => {
    const result = notes(changelog, tag)
    expect(result).toBeInstanceOf(Error)
    expect((result as Error).message).toMatch(error)
  })

  it('exist for every released version of the real CHANGELOG.md', () => {
    const changelog = fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8')
    const versions = [...changelog.matchAll(/^## \[(\d+\.\d+\.\d+)\]/gm)].map((m) => m[1]!)
    expect(versions.length).toBeGreaterThan(0)
    for (const v of versions) expect(notes(changelog, `v${v}`)).toEqual(expect.any(String))
  })

  it('as the workflow runs the script: notes on stdout, or exit 1 and one line when package.json disagrees', () => {
    const dir = tempDir('cg-release-')
    fs.writeFileSync(path.join(dir, 'CHANGELOG.md'), '## [1.2.3] - 2026-12-07\n\n- fixed\n')
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ version: '1.2.3' }))
    const good = spawnSync(process.execPath, [SCRIPT, 'v1.2.3', dir], { encoding: 'utf8' })
    expect([good.status, good.stdout, good.stderr]).toEqual([0, '- fixed\n', ''])
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ version: '1.2.2' }))
    const bad = spawnSync(process.execPath, [SCRIPT, 'v1.2.3', dir], { encoding: 'utf8' })
    expect(bad.status).toBe(1)
    expect(bad.stderr.trim().split('\n')).toEqual([
      'release-notes: package.json says 1.2.2, the tag is v1.2.3; set "version" to 1.2.3'
    ])
  })
})

describe('the release workflow', () => {
  const text = fs.readFileSync(path.join(ROOT, '.github/workflows/release.yml'), 'utf8')
  const workflow = parse(text)
  const steps: { name?: string; run?: string; uses?: string }[] = workflow.jobs.release.steps

  it('runs on vX.Y.Z tags only, with contents: write on its one job and read elsewhere', () => {
    expect(workflow.on).toEqual({ push: { tags: ['v*.*.*'] } })
    expect(workflow.permissions).toEqual({ contents: 'read' })
    expect(workflow.jobs.release.permissions).toEqual({ contents: 'write' })
  })

  it('checks dist/, then takes the notes, then creates the release, then moves the major tag', () => {
    const at = (pattern: RegExp) => steps.findIndex((s) => pattern.test(s.run ?? ''))
    const order = [
      at(/npm run bundle[\s\S]*git status --porcelain -- dist/),
      at(/release-notes\.mjs "\$GITHUB_REF_NAME"/),
      at(/gh release create "\$GITHUB_REF_NAME"[\s\S]*--notes-file/),
      at(/git\/refs\/tags\/\$major/)
    ]
    expect(order.every((i) => i >= 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    for (const step of steps) expect(step.run ?? '').not.toContain('${{')
  })
})

describe('one name for the action', () => {
  const files = [
    'README.md',
    ...fs
      .readdirSync(path.join(ROOT, '.github/workflows'))
      .map((name) => `.github/workflows/${name}`),
    'action.yml',
    'docs/readiness-report.md'
  ]
  it.each(files)('%s spells it cutover-gate/cutover-gate@<tag or SHA>', (file) => {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8')
    for (const [ref] of text.matchAll(/[\w<>.-]+\/cutover-gate@\S*/g))
      expect(ref).toMatch(/^cutover-gate\/cutover-gate@(v\d+(\.\d+\.\d+)?|[0-9a-f]{40})`?$/)
  })

  it('README says how to pin by tag and by full commit SHA', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    const section = readme.slice(readme.indexOf('## Versioning'))
    expect(section).toMatch(/cutover-gate\/cutover-gate@v1\.2\.3/)
    expect(section).toMatch(/cutover-gate\/cutover-gate@[0-9a-f]{40}/)
    expect(section).toMatch(/full[\s\S]*commit SHA/)
  })
})
