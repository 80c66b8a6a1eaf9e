import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { runMigrationDryRun } from '../src/migration/migration-dry-run.js'
import {
  git,
  gitRepo,
  leftovers,
  options,
  removeTempFolders,
  tempFolder
} from '../__fixtures__/migration-helpers.js'

afterEach(removeTempFolders)

const edit = (file: string) => `sh -c 'printf x >> "$0"' ${file}`

describe('drift (runbook decision point C)', () => {
  it('fails the import that edits a tracked file, naming it, with decision point C', async () => {
    const repo = await gitRepo({ 'state/graph.json': '{}\n', 'state/other.json': '{}\n' })
    const temp = await tempFolder()
    const results = await runMigrationDryRun(
      options(repo, temp, { importCommand: edit('state/graph.json') })
    )
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed', 'failed'])
    expect(results[2]?.decisionPoint).toBe('C')
    expect(results[2]?.detail).toMatch(
      /changed 1 tracked file\(s\): state\/graph\.json .*decision point C/
    )
    expect(await leftovers(temp)).toEqual([])
  })

  it('sees a change to a file that was already dirty before the dry-run', async () => {
    const repo = await gitRepo({ 'a.json': '1' })
    await writeFile(path.join(repo, 'a.json'), '2')
    const results = await runMigrationDryRun(
      options(repo, await tempFolder(), { checkCommand: edit('a.json') })
    )
    // The check itself passed; drift is put on the last step that ran.
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed', 'failed'])
    expect(results[2]?.detail).toMatch(/a\.json/)
  })

  it('sees a deleted tracked file, a staged change and a commit', async () => {
    const repo = await gitRepo({ 'gone.json': '1', 'staged.json': '1', 'kept.json': '1' })
    const deleted = await runMigrationDryRun(
      options(repo, await tempFolder(), {
        importCommand: `rm gone.json`
      })
    )
    expect(deleted[2]?.detail).toMatch(/gone\.json/)
    git(repo, 'checkout', '--', 'gone.json')

    const stage = `sh -c 'echo 2 > staged.json && git add staged.json'`
    const staged = await runMigrationDryRun(
      options(repo, await tempFolder(), { importCommand: stage })
    )
    expect(staged[2]?.detail).toMatch(/staged\.json/)
    git(repo, 'reset', '-q', '--hard')

    const commit = `sh -c 'echo 3 > kept.json && git add kept.json && git -c user.name=t -c user.email=t@e commit -qm import'`
    const committed = await runMigrationDryRun(
      options(repo, await tempFolder(), { importCommand: commit })
    )
    expect(committed[2]?.decisionPoint).toBe('C')
    expect(committed[2]?.detail).toMatch(/kept\.json; HEAD moved from [0-9a-f]{12} to [0-9a-f]{12}/)
  })

  it('keeps the earlier failure and adds the drift when the failing step also wrote', async () => {
    const repo = await gitRepo({ 'a.json': '1' })
    const both = `sh -c 'echo 2 > a.json; exit 4'`
    const results = await runMigrationDryRun(
      options(repo, await tempFolder(), { exportCommand: both })
    )
    expect(results.map((r) => r.status)).toEqual(['failed', 'skipped', 'skipped'])
    expect(results[0]?.detail).toMatch(
      /exited with code 4; and the dry-run changed 1 tracked file\(s\): a\.json/
    )
    expect(results[0]?.decisionPoint).toBe('C')
  })

  it('only checks tracked files under repo, and only warns about new untracked files', async () => {
    const top = await gitRepo({ 'outside.json': '1', 'sub/state/a.json': '1' })
    const repo = path.join(top, 'sub')
    const writeOutsideAndNew = `sh -c 'echo 2 > ../outside.json; echo n > new.txt; printf 1 > state/a.json'`
    const results = await runMigrationDryRun(
      options(repo, await tempFolder(), { importCommand: writeOutsideAndNew })
    )
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed', 'passed'])
    expect(results[2]?.warnings).toEqual([
      'the dry-run created untracked files in the repository: new.txt'
    ])
  })

  it('works in a repository without commits yet', async () => {
    const repo = await tempFolder('cg-empty-')
    git(repo, 'init', '-q')
    const quiet = await runMigrationDryRun(options(repo, await tempFolder(), {}))
    expect(quiet.map((r) => [r.status, r.warnings])).toEqual([
      ['passed', []],
      ['passed', []],
      ['passed', []]
    ])
    const staging = await runMigrationDryRun(
      options(repo, await tempFolder(), {
        importCommand: `sh -c 'echo 1 > new.json && git add new.json'`
      })
    )
    expect(staging[2]?.detail).toMatch(/changed 1 tracked file\(s\): new\.json/)
  })

  it('names repo-relative paths and only the first few of many', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 8; i++) files[`sub/f${i}.json`] = '1'
    const top = await gitRepo(files)
    await mkdir(path.join(top, 'sub', 'x'), { recursive: true })
    const touchAll = `sh -c 'for i in 0 1 2 3 4 5 6 7; do echo 2 > f$i.json; done'`
    const results = await runMigrationDryRun(
      options(path.join(top, 'sub'), await tempFolder(), { importCommand: touchAll })
    )
    expect(results[2]?.detail).toMatch(
      /changed 8 tracked file\(s\): f0\.json, f1\.json, f2\.json, f3\.json, f4\.json and 3 more/
    )
  })
})

/**
 * Drift hidden from git's own change detection: every way of hiding (index flags, a stat that
 * matches again, an fsmonitor that reports nothing) crossed with every kind of edit.
 */
describe('drift judged by content, whatever the index flags say', () => {
  const hiders: Record<string, { before: string; after: string }> = {
    'no hiding': { before: '', after: '' },
    'assume-unchanged': { before: 'git update-index --assume-unchanged "$F"', after: '' },
    'skip-worktree': { before: 'git update-index --skip-worktree "$F"', after: '' },
    'mtime touched back': {
      before: 'touch -h -r "$F" "$T/ref"',
      after: 'touch -h -r "$T/ref" "$F"'
    },
    'fsmonitor hook': {
      before: `printf '#!/bin/sh\\nexit 0\\n' > "$T/fsm.sh"; chmod +x "$T/fsm.sh"; git config core.fsmonitor "$T/fsm.sh"`,
      after: ''
    }
  }
  const edits: Record<string, { file: string; edit: string }> = {
    'same-size content': { file: 'data/f.txt', edit: `printf 'xyz\\n' > "$F"` },
    'executable bit': { file: 'data/f.txt', edit: 'chmod +x "$F"' },
    'other mode bit': { file: 'data/f.txt', edit: 'chmod g+w,o-r "$F"' },
    'symlink target': { file: 'data/link', edit: 'ln -sfn g.txt "$F"' },
    'file became a link': { file: 'data/f.txt', edit: 'rm "$F"; ln -s g.txt "$F"' },
    deleted: { file: 'data/f.txt', edit: 'rm "$F"' },
    'dropped from the index only': {
      file: 'data/f.txt',
      edit: 'git update-index --force-remove "$F"'
    }
  }

  async function repoWithLink(): Promise<string> {
    const repo = await gitRepo({ 'data/f.txt': 'abc\n', 'data/g.txt': 'ghi\n' })
    await symlink('f.txt', path.join(repo, 'data/link'))
    await chmod(path.join(repo, 'data/f.txt'), 0o644)
    git(repo, 'add', '-A')
    git(repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'link')
    return repo
  }

  const cases = Object.entries(hiders).flatMap(([hider, h]) =>
    Object.entries(edits).map(([kind, e]) => [hider, kind, h, e] as const)
  )

  it.each(cases)('%s + %s is NO-GO C naming the file', async (_hider, _kind, h, e) => {
    const repo = await repoWithLink()
    const temp = await tempFolder()
    const script = path.join(temp, 'migrate.sh')
    await writeFile(
      script,
      [`F='${e.file}'`, `T='${temp}'`, h.before, e.edit, h.after].filter(Boolean).join('\n')
    )
    const results = await runMigrationDryRun(
      options(repo, await tempFolder(), { importCommand: `sh ${script}` })
    )
    expect(results[2]?.status).toBe('failed')
    expect(results[2]?.decisionPoint).toBe('C')
    expect(results[2]?.detail).toContain(e.file)
  })

  it('is quiet when only the index flags change and no content does', async () => {
    const repo = await repoWithLink()
    const flags = `sh -c 'git update-index --assume-unchanged data/f.txt; touch -h data/g.txt'`
    const results = await runMigrationDryRun(
      options(repo, await tempFolder(), { importCommand: flags })
    )
    // the flag itself is not in ls-files --stage and touching changes no content
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed', 'passed'])
  })
})
