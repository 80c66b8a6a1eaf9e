// Runbook hygiene: snapshots must never be committed. Real git repositories in temp folders.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { snapshotDirWarnings } from '../src/snapshot/snapshot-dir-hygiene.js'

let root: string
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'cg-hygiene-'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

function repo(name: string, files: Record<string, string> = {}, commit = false): string {
  const dir = path.join(root, name)
  mkdirSync(dir)
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' })
  git('init', '-q')
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    writeFileSync(path.join(dir, file), text)
  }
  if (commit) {
    git('add', '-A')
    git('-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'x')
  }
  return dir
}

test('a snapshot-dir git would pick up is named, with the .gitignore line that fixes it', async () => {
  const dir = repo('unignored')
  expect(
    await snapshotDirWarnings({ repo: dir, snapshotDir: path.join(dir, 'backup', 'snapshots') })
  ).toEqual([
    'snapshot-dir backup/snapshots is not in .gitignore; add backup/snapshots/ so snapshots are never committed'
  ])
})

test('an ignored snapshot-dir is fine', async () => {
  const dir = repo('ignored', { '.gitignore': 'backup/snapshots/\n' }, true)
  expect(
    await snapshotDirWarnings({ repo: dir, snapshotDir: path.join(dir, 'backup', 'snapshots') })
  ).toEqual([])
})

test('tracked files in the snapshot-dir are reported, even when it is ignored now', async () => {
  const dir = repo('tracked', { 'backup/snapshots/old.age': 'x' }, true)
  writeFileSync(path.join(dir, '.gitignore'), 'backup/snapshots/\n')
  const warnings = await snapshotDirWarnings({
    repo: dir,
    snapshotDir: path.join(dir, 'backup', 'snapshots')
  })
  expect(warnings).toHaveLength(1)
  expect(warnings[0]).toMatch(
    /^git tracks files in snapshot-dir backup\/snapshots; .*git rm --cached/
  )
})

test('tracked files are still reported when their list is longer than git output is read', async () => {
  const dir = repo('many-tracked')
  const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, input: 'x' })
    .toString()
    .trim()
  // 6,000 index entries of ~200 bytes: over 1 MiB of `git ls-files`, no files on disk needed
  const entries = Array.from(
    { length: 6000 },
    (_, i) =>
      `100644 ${blob}\tbackup/snapshots/${String(i).padStart(6, '0')}-${'x'.repeat(180)}.age`
  ).join('\n')
  execFileSync('git', ['update-index', '--index-info'], { cwd: dir, input: `${entries}\n` })
  const warnings = await snapshotDirWarnings({
    repo: dir,
    snapshotDir: path.join(dir, 'backup', 'snapshots')
  })
  expect(warnings).toHaveLength(1)
  expect(warnings[0]).toMatch(/^git tracks files in snapshot-dir backup\/snapshots/)
})

test('no warning outside git, or for a snapshot-dir outside the repository', async () => {
  const plain = path.join(root, 'plain')
  mkdirSync(plain)
  expect(
    await snapshotDirWarnings({ repo: plain, snapshotDir: path.join(plain, 'snaps') })
  ).toEqual([])
  const dir = repo('outside')
  expect(
    await snapshotDirWarnings({ repo: dir, snapshotDir: path.join(root, 'elsewhere') })
  ).toEqual([])
})
