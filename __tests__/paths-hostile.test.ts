import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { nodeCommand } from '../__fixtures__/migration-helpers.js'
import { cli, gitRepoWithScript, linkChain, treeState } from '../__fixtures__/path-attacks.js'
import { tempDir } from '../__fixtures__/trees.js'
import { parseInputs } from '../src/config/inputs.js'

// Where a link may lead: each is a place the report, snapshots or a restore must never land.
const DESTINATIONS = [
  { name: '.git', target: (repo: string) => path.join(repo, '.git'), error: /\.git folder/ },
  {
    name: 'an include',
    target: (repo: string) => path.join(repo, 'state'),
    error: /inside include "state"/
  },
  { name: 'outside', target: () => fs.realpathSync(tempDir('cg-out-')), error: /outside repo/ },
  {
    name: "repo's parent",
    target: (repo: string) => path.dirname(repo),
    error: /outside repo/
  }
] as const

// Where the link sits: the first level, the middle of the path, deep down; chains of 1 to 3 links.
const PLACEMENTS = ['L', 'reports/L', 'a/b/c/L']
const CHAINS = [1, 2, 3]

let n = 0 // every case its own link names, so cases sharing a repository never collide
function cases() {
  const out = []
  for (const dest of DESTINATIONS)
    for (const place of PLACEMENTS)
      for (const length of CHAINS) out.push({ dest, place: `${place}${n++}`, length })
  return out
}

function expectRefused(run: { code: number; stderr: string }, input: string, error: RegExp) {
  expect(run.code).toBe(2)
  const lines = run.stderr.trimEnd().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(new RegExp(`^cutover-gate: input ${input}: `))
  expect(lines[0]).toMatch(error)
}

describe('report-path: never replaces what is not an earlier report (issue item 1)', () => {
  const repo = gitRepoWithScript()
  fs.writeFileSync(path.join(repo, 'docs.json'), '{"not":"a report"}\n')

  it.each([
    ['backup/snapshots/latest-manifest.json', /is the manifest/],
    ['backup/snapshots/new-report.md', /inside snapshot-dir/],
    ['.git/config', /\.git folder/],
    ['.git/hooks/pre-commit', /\.git folder/],
    ['.git/deeper/x.md', /\.git folder/],
    ['scripts/state_migration_check.py', /not an earlier cutover-gate readiness report/],
    ['README.md', /not an earlier cutover-gate readiness report/],
    ['docs.md', /docs\.json exists and is not an earlier/],
    ['state/graph/r.md', /inside include "state"/],
    ['logs/r.md', /inside include "logs"/]
  ])('%s → input error, exit 2, nothing written', async (reportPath, error) => {
    for (const mode of ['precutover', 'snapshot', 'restore-test']) {
      const before = treeState(repo)
      const run = await cli([mode, '--repo', repo, '--report-path', reportPath], repo)
      expectRefused(run, 'report-path', error)
      expect(treeState(repo)).toEqual(before)
    }
  })

  it.each(['gone', 'a/gone', 'a/b/c/gone*'])(
    'refuses a tracked file deleted from the work tree (%s.md or its twin %s.json)',
    async (stem) => {
      for (const ext of ['md', 'json']) {
        const tracked = path.join(repo, `${stem}-${ext}.${ext}`)
        fs.mkdirSync(path.dirname(tracked), { recursive: true })
        fs.writeFileSync(tracked, 'tracked\n')
        execFileSync('git', ['-C', repo, 'add', '--', tracked])
        execFileSync('git', [
          '-C',
          repo,
          '-c',
          'user.name=t',
          '-c',
          'user.email=t@t',
          'commit',
          '-qm',
          't'
        ])
        fs.rmSync(tracked)
        const run = await cli(
          ['snapshot', '--repo', repo, '--report-path', `${stem}-${ext}.md`],
          repo
        )
        expectRefused(run, 'report-path', /is a file git tracks \(deleted in the work tree\)/)
        expect(fs.existsSync(tracked)).toBe(false)
      }
    }
  )

  it('refuses the manifest of restore-test even outside snapshot-dir', async () => {
    fs.writeFileSync(path.join(repo, 'm.md'), '# a manifest named .md\n')
    const run = await cli(
      ['restore-test', '--repo', repo, '--manifest', 'm.md', '--report-path', 'm.md'],
      repo
    )
    expectRefused(run, 'report-path', /is the manifest/)
  })

  it('refuses a report path that is itself a symlink, even to an earlier report', async () => {
    const earlier = path.join(repo, 'earlier')
    fs.mkdirSync(earlier)
    const first = await cli(
      [
        'migration-dry-run',
        '--repo',
        repo,
        '--report-path',
        'earlier/r.md',
        '--migration-export',
        'true',
        '--migration-check',
        'true',
        '--migration-import',
        'true'
      ],
      repo
    )
    expect(first.code).toBe(0)
    for (const [i, length] of CHAINS.entries()) {
      linkChain(repo, `pointer${i}.md`, path.join(earlier, 'r.md'), length, i % 2 === 1)
      const before = treeState(repo)
      const run = await cli(['snapshot', '--repo', repo, '--report-path', `pointer${i}.md`], repo)
      expectRefused(run, 'report-path', /is a symlink .*never written through a link/)
      expect(treeState(repo)).toEqual(before)
    }
  })

  it.each(cases())(
    'a report reached through $length link(s) at $place into $dest.name is refused',
    async ({ dest, place, length }) => {
      const target = dest.target(repo)
      linkChain(repo, place, target, length, length === 2)
      const rest = dest.name === "repo's parent" ? `${path.basename(repo)}-x/r.md` : 'sub/r.md'
      const outsideBefore = treeState(path.dirname(repo))
      const run = await cli(['snapshot', '--repo', repo, '--report-path', `${place}/${rest}`], repo)
      expectRefused(run, 'report-path', dest.error)
      expect(treeState(path.dirname(repo))).toEqual(outsideBefore)
    }
  )

  it.each(['r.md', 'r.json'])(
    'a %s that appears during the run, not a report, is left untouched: NO-GO',
    async (name) => {
      const out = path.join(repo, `late-${name.replace('.', '-')}`)
      const victim = path.join(out, name)
      const plant = nodeCommand(
        `require('fs').mkdirSync(${JSON.stringify(out)},{recursive:true});require('fs').writeFileSync(${JSON.stringify(victim)},'mine')`
      )
      const run = await cli(
        [
          'migration-dry-run',
          '--repo',
          repo,
          '--report-path',
          path.join(out, 'r.md'),
          '--migration-export',
          plant,
          '--migration-check',
          'true',
          '--migration-import',
          'true'
        ],
        repo
      )
      expect(run.code).toBe(1)
      // the terminal report wraps long lines: judge the words, not the layout
      expect(run.stdout.replace(/\s+/g, ' ')).toMatch(
        /not an earlier cutover-gate readiness report, so it is left untouched/
      )
      expect(fs.readFileSync(victim, 'utf8')).toBe('mine')
      expect(fs.readdirSync(out)).toEqual([name])
    }
  )

  it('replaces an earlier report of its own: a second run is GO', async () => {
    const args = ['migration-dry-run', '--repo', repo, '--report-path', 'out/again.md']
    const commands = [
      '--migration-export',
      'true',
      '--migration-check',
      'true',
      '--migration-import',
      'true'
    ]
    expect((await cli([...args, ...commands], repo)).code).toBe(0)
    const second = await cli([...args, ...commands], repo)
    expect(second.code).toBe(0)
    expect(fs.readFileSync(path.join(repo, 'out/again.md'), 'utf8')).toMatch(/^# ✅ GO/)
  })
})

describe('includes, snapshot-dir and restore-target: judged after symlinks (issue item 2)', () => {
  const repo = gitRepoWithScript()

  it.each(cases())(
    'an include through $length link(s) at $place into $dest.name is refused or normalised',
    async ({ dest, place, length }) => {
      const target = dest.target(repo)
      linkChain(repo, place, target, length, length === 2)
      const rest = dest.name === "repo's parent" ? `${path.basename(repo)}-x/f` : 'hostname'
      const run = await cli(['snapshot', '--repo', repo, '--include', `${place}/${rest}`], repo)
      if (dest.name === 'an include' || dest.name === '.git') {
        // a link that stays inside the repo names a real folder there: judged as that folder
        const config = parseInputs({ mode: 'snapshot', include: `${place}/${rest}` }, { cwd: repo })
        expect(config.includes).toEqual([`${path.relative(repo, target)}/${rest}`])
        return
      }
      expectRefused(run, 'include', /resolves through a symlinked folder to .* outside repo/)
    }
  )

  it('the /etc case of the issue: etclink/hostname', async () => {
    fs.symlinkSync('/etc', path.join(repo, 'etclink'))
    const run = await cli(['snapshot', '--repo', repo, '--include', 'etclink/hostname'], repo)
    expectRefused(
      run,
      'include',
      /"etclink\/hostname" resolves .* to \/etc\/hostname, outside repo/
    )
  })

  it.each(CHAINS)(
    'an include that is itself a chain of %i link(s) is refused, naming its target',
    async (length) => {
      linkChain(repo, `deep/inc-link${length}`, path.join(repo, 'state'), length, length === 2)
      const run = await cli(
        ['snapshot', '--repo', repo, '--include', `deep/inc-link${length}`],
        repo
      )
      expectRefused(run, 'include', /is a symlink to .*list the folder it points to instead/)
    }
  )

  it.each(cases())(
    'snapshot-dir and restore-target through $length link(s) at $place into $dest.name are refused',
    async ({ dest, place, length }) => {
      if (dest.name === "repo's parent") return // outside: the same rule as "outside"
      linkChain(repo, place, dest.target(repo), length, length === 2)
      const before = treeState(repo)
      const snap = await cli(
        [
          'snapshot',
          '--repo',
          repo,
          '--snapshot-dir',
          `${place}/snaps`,
          '--manifest',
          `${place}/snaps/m.json`
        ],
        repo
      )
      expectRefused(snap, 'snapshot-dir', dest.error)
      const restore = await cli(
        ['restore', '--repo', repo, '--restore-target', `${place}/restored`],
        repo
      )
      expectRefused(restore, 'restore-target', dest.error)
      expect(treeState(repo)).toEqual(before)
    }
  )
})

describe('bad inputs refused before anything is written (issue item 8)', () => {
  const MODES = ['precutover', 'migration-dry-run', 'snapshot', 'restore-test']

  it.each(MODES)('%s --repo <absent folder>: exit 2, the folder is not created', async (mode) => {
    const base = tempDir('cg-absent-')
    for (const rel of ['nonexistent', 'a/b/nonexistent']) {
      const run = await cli([mode, '--repo', path.join(base, rel)], base)
      expectRefused(run, 'repo', /does not exist/)
    }
    expect(fs.readdirSync(base)).toEqual([])
  })

  it('a repo that is a file is refused', async () => {
    const base = tempDir('cg-file-')
    fs.writeFileSync(path.join(base, 'f'), '')
    expectRefused(await cli(['snapshot', '--repo', 'f'], base), 'repo', /is not a folder/)
  })

  it.each(['', '   ', '#only a comment'])(
    '--include %j is an error, not the defaults',
    async (value) => {
      const repo = gitRepoWithScript()
      const before = treeState(repo)
      for (const mode of MODES) {
        for (const flag of [['--include', value], [`--include=${value}`]]) {
          expectRefused(
            await cli([mode, '--repo', repo, ...flag], repo),
            'include',
            /needs at least one/
          )
        }
      }
      expect(treeState(repo)).toEqual(before)
    }
  )

  it.each(['precutover', 'migration-dry-run'])(
    '%s in a folder that is not a git work tree: exit 2, decision point C',
    async (mode) => {
      const plain = fs.realpathSync(tempDir('cg-plain-'))
      fs.mkdirSync(path.join(plain, 'state'))
      for (const repo of [plain, path.join(fs.realpathSync(gitRepoWithScript()), '.git')]) {
        const run = await cli([mode, '--repo', repo], plain)
        expectRefused(run, 'repo', /is not a git work tree.*decision point C.*use mode snapshot/)
      }
      expect(fs.readdirSync(plain)).toEqual(['state'])
    }
  )

  it('a subfolder of a work tree and a gitfile (worktree) both count as git work trees', async () => {
    const repo = gitRepoWithScript()
    const commands = [
      '--migration-export',
      'true',
      '--migration-check',
      'true',
      '--migration-import',
      'true'
    ]
    const sub = path.join(repo, 'state')
    expect((await cli(['migration-dry-run', '--repo', sub, ...commands], sub)).code).toBe(0)
    const linked = fs.realpathSync(tempDir('cg-gitfile-'))
    fs.writeFileSync(path.join(linked, '.git'), `gitdir: ${path.join(repo, '.git')}\n`)
    const run = await cli(
      ['migration-dry-run', '--repo', linked, '--include', 'x', ...commands],
      linked
    )
    expect(run.stderr).not.toMatch(/not a git work tree/)
  })
})

describe('restore-target never overlaps the encrypted snapshots', () => {
  it.each([
    ['inside snapshot-dir', 'backup/snapshots/restored'],
    ['snapshot-dir itself', 'backup/snapshots'],
    ['a parent of snapshot-dir', 'backup'],
    ['inside it through a link', 'snaplink/restored']
  ])('%s is refused at input, nothing written', (_what, target) => {
    const repo = tempDir('cg-rt-overlap-')
    fs.mkdirSync(path.join(repo, 'backup/snapshots'), { recursive: true })
    fs.symlinkSync('backup/snapshots', path.join(repo, 'snaplink'))
    expect(() => parseInputs({ mode: 'restore', 'restore-target': target }, { cwd: repo })).toThrow(
      /^input restore-target: .* overlaps snapshot-dir .*isolated folder/
    )
  })
})
