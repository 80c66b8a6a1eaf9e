import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { tempDir } from '../__fixtures__/trees.js'
import { readCatalogue } from '../src/catalogue/read-catalogue.js'
import { replaceProblem } from '../src/format/earlier-report.js'
import { readManifest } from '../src/format/manifest.js'
import { deadLeftovers } from '../src/runtime/leftover-marker.js'
import { isGitWorkTree } from '../src/util/git-work-tree.js'

// Every file cutover-gate reads by a name someone else could have planted: a fifo under that
// name must be judged at once, never waited on in open(2) (the run would hang until its timeout).
const fifo = (p: string): string => {
  fs.mkdirSync(path.dirname(p), { recursive: true })
  execFileSync('mkfifo', [p])
  return p
}

describe('a fifo where a file is read is refused, not waited on', () => {
  it('the manifest', () => {
    const file = fifo(path.join(tempDir('cg-fifo-'), 'latest-manifest.json'))
    expect(() => readManifest(file)).toThrow(/cannot read manifest .*not a regular file/)
  })

  it('a per-snapshot manifest in the catalogue', () => {
    const dir = tempDir('cg-fifo-')
    fifo(path.join(dir, 'snapshot-20261203T055001Z.json'))
    const catalogue = readCatalogue(dir)
    expect(JSON.stringify(catalogue)).toMatch(/not a regular file/)
  })

  it.each(['markdown', 'json'] as const)('the %s report at report-path', (kind) => {
    const file = fifo(path.join(tempDir('cg-fifo-'), `report.${kind === 'json' ? 'json' : 'md'}`))
    expect(replaceProblem(file, kind)).toMatch(/not a regular file/)
  })

  it('a .git gitfile', () => {
    const repo = tempDir('cg-fifo-')
    fifo(path.join(repo, '.git'))
    expect(isGitWorkTree(repo)).toBe(false)
  })

  it('a leftover marker', () => {
    const dir = tempDir('cg-fifo-')
    fs.mkdirSync(path.join(dir, 'cutover-gate-package-abc'))
    fifo(path.join(dir, 'cutover-gate-package-abc.cleanup'))
    expect(deadLeftovers(dir, 'cutover-gate-package-')).toEqual([])
  })
})
