import fs from 'node:fs'
import path from 'node:path'
import { gate } from '../__fixtures__/catalogue-helpers.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'

const SNAPSHOTS = 'backup/snapshots'
const MADE = ['logs', 'reports/private', 'state']

/** Rewrites includes in every manifest of the catalogue, as a forger would (all else kept). */
function forgeIncludes(repo: string, includes: string[]): void {
  const dir = path.join(repo, SNAPSHOTS)
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'))
    manifest.includes = includes
    fs.writeFileSync(path.join(dir, name), JSON.stringify(manifest))
  }
}

// claims beyond the archive (more, other, one listed twice) and short of it (fewer, a sub-folder)
const forgeries: [string, string[], RegExp][] = [
  ['one more include', [...MADE, 'exports'], /include\(s\) exports that the archive does not hold/],
  [
    'an include renamed',
    ['logs', 'reports/private', 'state2'],
    /holds "state", which lies under none/
  ],
  ['a parent instead', ['logs', 'reports', 'state'], /include\(s\) reports that the archive/],
  [
    'one fewer',
    ['logs', 'state'],
    /holds "?reports\/private.*under none of the manifest's includes/
  ],
  [
    'a sub-folder only',
    ['logs', 'reports/private', 'state/graph'],
    /under none of the manifest's includes/
  ]
]

describe("restore-test holds the manifest's includes to the archive", () => {
  it.each(forgeries)('%s is NO-GO for restore-test and restore', async (_, includes, why) => {
    const repo = makeRepo()
    const made = await gate(repo, { mode: 'snapshot', include: MADE.join('\n') })
    expect(made.report.decision).toBe('GO')
    forgeIncludes(repo, includes)
    for (const mode of ['restore-test', 'restore'] as const) {
      const extra =
        mode === 'restore' ? { 'restore-target': path.join(tempDir(), `restored-${mode}`) } : {}
      const result = await gate(repo, { mode, ...extra })
      expect(result.report.decision).toBe('NO-GO')
      expect(result.report.steps.at(-1)?.detail).toMatch(why)
    }
  })

  it('the includes as written, in any order in the manifest, stay GO', async () => {
    const repo = makeRepo()
    await gate(repo, { mode: 'snapshot', include: MADE.join('\n') })
    forgeIncludes(repo, [...MADE].reverse())
    expect((await gate(repo, { mode: 'restore-test' })).report.decision).toBe('GO')
    const single = makeRepo()
    await gate(single, { mode: 'snapshot', include: 'logs/app.log' })
    expect((await gate(single, { mode: 'restore-test' })).report.decision).toBe('GO')
  })
})
