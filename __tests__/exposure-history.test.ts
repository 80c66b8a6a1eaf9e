// The exposure audit's git part, on real repositories made by git: which commits of which refs
// hold the includes, which copies of the private bytes git holds, in both object formats.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { auditExposure } from '../src/exposure/audit.js'
import {
  commitAll,
  importHistory,
  initRepo,
  lfsPointer,
  privateContent,
  sh,
  write,
  type HistoryModel
} from '../__fixtures__/exposure-repos.js'
import { removeTempFolders, tempFolder } from '../__fixtures__/migration-helpers.js'

afterEach(removeTempFolders)

const NO_GITHUB = { reason: 'not checked: no github-token' }
const audit = (repo: string, includes = ['state']) =>
  auditExposure({ repo, includes, github: NO_GITHUB })

describe.each(['sha1', 'sha256'] as const)('history, object format %s', (format) => {
  it('includes committed then deleted: the commits that held them, HEAD holding none', async () => {
    const repo = initRepo(await tempFolder('cg-exp-'), format)
    write(repo, { 'README.md': 'hello\n' })
    commitAll(repo, 'start')
    write(repo, { 'state/a.json': privateContent('a') })
    const added = commitAll(repo, 'add state')
    // a commit that does not touch state still holds it
    write(repo, { 'README.md': 'hello again\n' })
    const untouched = commitAll(repo, 'readme')
    sh(repo, 'rm', '-rq', 'state')
    commitAll(repo, 'remove state')
    const result = await audit(repo)
    expect(result.git).toEqual({ checked: true, objectFormat: format, shallow: false })
    expect(result.history).toMatchObject({
      scanned: 4,
      commits: 2,
      perInclude: [{ include: 'state', commits: 2 }],
      first: { id: added },
      last: { id: untouched },
      headHolds: false,
      refs: { branch: 1 },
      lfsPointers: 0
    })
    expect(result.findings.map((f) => f.kind)).toEqual(['history'])
  })

  it('a private file copied under another name in an old commit: found by its bytes', async () => {
    const repo = initRepo(await tempFolder('cg-exp-'), format)
    write(repo, { '.gitignore': 'state/\n', 'state/a.json': privateContent('copy') })
    write(repo, { 'old/renamed.bin': privateContent('copy') })
    commitAll(repo, 'a copy slips in')
    sh(repo, 'rm', '-q', 'old/renamed.bin')
    commitAll(repo, 'and out')
    // small files are everyone's content: not looked up
    write(repo, { 'state/small.json': '{}\n' })
    const result = await audit(repo)
    expect(result.history?.commits).toBe(0)
    expect(result.content).toEqual({
      files: 2,
      lookedUp: 1,
      inObjects: 1,
      reachable: 1,
      elsewhere: 1,
      unreadable: 0
    })
    expect(result.findings.map((f) => f.kind)).toEqual(['content'])
  })

  it('an LFS pointer under an include is counted apart', async () => {
    const repo = initRepo(await tempFolder('cg-exp-'), format)
    write(repo, { 'state/big.bin': lfsPointer('big'), 'state/b.json': privateContent('b') })
    commitAll(repo, 'lfs')
    const result = await audit(repo)
    expect(result.history).toMatchObject({ commits: 1, headHolds: true, lfsPointers: 1 })
    expect(result.findings.map((f) => f.kind)).toEqual(['history', 'lfs', 'content'])
  })
})

describe('refs beyond the branch', () => {
  it('a tag on an old commit keeps it published after the branch forgot it', async () => {
    const repo = initRepo(await tempFolder('cg-exp-'))
    write(repo, { 'README.md': 'x\n' })
    commitAll(repo, 'start')
    sh(repo, 'checkout', '-qb', 'side')
    write(repo, { 'state/a.json': privateContent('t') })
    const tagged = commitAll(repo, 'state on a side branch')
    sh(repo, 'tag', '-a', '-m', 'v1', 'v1')
    sh(repo, 'checkout', '-q', 'main')
    sh(repo, 'branch', '-D', 'side')
    const result = await audit(repo)
    expect(result.history).toMatchObject({ commits: 1, first: { id: tagged }, refs: { tag: 1 } })
    expect(result.history?.refNames).toEqual(['refs/tags/v1'])
    expect(result.history?.headHolds).toBe(false)
  })

  it('stashes, older ones too, and remote-tracking refs and notes are refs', async () => {
    const repo = initRepo(await tempFolder('cg-exp-'))
    write(repo, { 'README.md': 'x\n' })
    commitAll(repo, 'start')
    write(repo, { 'state/a.json': privateContent('s1') })
    sh(repo, 'stash', 'push', '-q', '-u')
    write(repo, { 'other.txt': 'y\n' })
    sh(repo, 'stash', 'push', '-q', '-u')
    sh(repo, 'notes', 'add', '-m', 'a note')
    sh(repo, 'update-ref', 'refs/remotes/origin/main', 'HEAD')
    const result = await audit(repo)
    // the older stash entry is only in refs/stash's reflog; its untracked-files commit holds state
    expect(result.history?.commits).toBe(1)
    expect(result.history?.refs).toEqual({ stash: 1 })
    expect(result.history?.refNames).toEqual(['stash@{1}'])
  })

  it('a repo inside a work tree: the includes are looked up under its prefix', async () => {
    const top = initRepo(await tempFolder('cg-exp-'))
    write(top, {
      'app/state/a.json': privateContent('p'),
      'app/README.md': 'app\n',
      'state/other.json': privateContent('o')
    })
    commitAll(top, 'both')
    sh(top, 'rm', '-rq', 'app/state')
    commitAll(top, 'gone')
    const result = await audit(path.join(top, 'app'))
    expect(result.history?.commits).toBe(1)
    expect(result.content?.files).toBe(0)
  })
})

describe('no finding', () => {
  it('includes never committed (ignored) and unlike anything in git', async () => {
    const repo = initRepo(await tempFolder('cg-exp-'))
    write(repo, { '.gitignore': 'state/\n', 'README.md': privateContent('public readme') })
    commitAll(repo, 'start')
    write(repo, { 'state/a.json': privateContent('never') })
    const result = await audit(repo)
    expect(result.history).toMatchObject({ commits: 0, headHolds: false, refs: {} })
    expect(result.content).toMatchObject({ files: 1, lookedUp: 1, inObjects: 0, reachable: 0 })
    expect(result.findings).toEqual([])
  })

  it('bytes only in an object no ref reaches (a dropped commit): a note, not a finding', async () => {
    const repo = initRepo(await tempFolder('cg-exp-'))
    write(repo, { '.gitignore': 'state/\n', 'README.md': 'x\n' })
    commitAll(repo, 'start')
    write(repo, { 'tmp/copy.json': privateContent('dropped') })
    commitAll(repo, 'oops')
    sh(repo, 'reset', '-q', '--hard', 'HEAD~1')
    write(repo, { 'state/a.json': privateContent('dropped') })
    const result = await audit(repo)
    expect(result.content).toMatchObject({ lookedUp: 1, inObjects: 1, reachable: 0 })
    expect(result.findings).toEqual([])
    expect(result.notes.join('\n')).toMatch(/objects no ref reaches/)
  })

  it('a folder that is no git work tree: git not checked, nothing found', async () => {
    const folder = await tempFolder('cg-exp-')
    write(folder, { 'state/a.json': privateContent('n') })
    const result = await audit(folder)
    expect(result.git.checked).toBe(false)
    expect(result.findings).toEqual([])
  })
})

/** The oracle: git asked about each commit on its own, the slow obvious way. */
function naiveHolding(repo: string, include: string): Set<string> {
  const all = execFileSync('git', ['rev-list', '--all'], { cwd: repo, encoding: 'utf8' })
  const holding = new Set<string>()
  for (const id of all.split('\n').filter(Boolean)) {
    const listed = execFileSync('git', ['ls-tree', '-r', '--name-only', id, '--', include], {
      cwd: repo,
      encoding: 'utf8'
    })
    if (listed.trim() !== '') holding.add(id)
  }
  return holding
}

const FILES = ['state/a.json', 'state/deep/b.json', 'logs/c.log', 'README.md', 'stateful.txt']
const historyModel: fc.Arbitrary<HistoryModel> = fc.record({
  commits: fc.array(
    fc.record({
      branch: fc.integer({ min: 0, max: 2 }),
      changes: fc.array(
        fc.tuple(fc.constantFrom(...FILES), fc.option(fc.string({ minLength: 1, maxLength: 3 }))),
        { maxLength: 3 }
      ),
      merge: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined })
    }),
    { minLength: 1, maxLength: 14 }
  ),
  tags: fc.array(fc.integer({ min: 0, max: 13 }), { maxLength: 2 })
})

it('generated histories: the one-pass count equals asking git commit by commit', async () => {
  await fc.assert(
    fc.asyncProperty(historyModel, async (model) => {
      const repo = initRepo(await tempFolder('cg-exp-gen-'))
      importHistory(repo, model)
      const holding = naiveHolding(repo, 'state')
      const result = await audit(repo)
      expect(result.history?.commits).toBe(holding.size)
      const count = execFileSync('git', ['rev-list', '--all', '--count'], { cwd: repo })
      expect(result.history?.scanned).toBe(Number(String(count).trim()))
      if (holding.size > 0) {
        expect(holding.has(result.history!.first!.id)).toBe(true)
        expect(holding.has(result.history!.last!.id)).toBe(true)
      }
      fs.rmSync(repo, { recursive: true, force: true })
    }),
    { numRuns: 12 }
  )
})

describe('a shallow clone', () => {
  it('is said, as a warning under warn and a NO-GO under fail, even with no finding', async () => {
    const origin = initRepo(await tempFolder('cg-exp-'))
    for (let i = 0; i < 3; i++) {
      write(origin, { [`state/s${i}.json`]: privateContent(`shallow ${i}`) })
      commitAll(origin, `c${i}`)
    }
    sh(origin, 'rm', '-rq', 'state')
    commitAll(origin, 'gone')
    const clone = path.join(await tempFolder('cg-exp-'), 'clone')
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${origin}`, clone])
    const result = await audit(clone)
    expect(result.git).toMatchObject({ checked: true, shallow: true })
    expect(result.history?.commits).toBe(0)
    const { runExposureStep } = await import('../src/exposure/exposure-step.js')
    const { MemoryLogger } = await import('../__fixtures__/memory-logger.js')
    const config = { repo: clone, includes: ['state'], artifactName: 'x' }
    const warned = await runExposureStep(
      { ...config, exposure: 'warn' } as never,
      NO_GITHUB,
      new MemoryLogger()
    )
    expect(warned.result).toMatchObject({
      status: 'passed',
      warnings: [expect.stringMatching(/shallow/)]
    })
    const failed = await runExposureStep(
      { ...config, exposure: 'fail' } as never,
      NO_GITHUB,
      new MemoryLogger()
    )
    expect(failed.result).toMatchObject({
      status: 'failed',
      decisionPoint: 'A',
      detail: expect.stringMatching(/fetch-depth: 0/)
    })
  })
})
