import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { runMigrationDryRun } from '../src/migration/migration-dry-run.js'
import { git, options, removeTempFolders, tempFolder } from '../__fixtures__/migration-helpers.js'

afterEach(removeTempFolders)

/** A repository whose tracked files have these raw byte names (relative to repo). */
async function byteRepo(names: Buffer[]): Promise<string> {
  const repo = await tempFolder('cg-drift-bytes-')
  for (const name of names) {
    const file = Buffer.concat([Buffer.from(`${repo}/`), name])
    fs.mkdirSync(dirOf(file), { recursive: true })
    fs.writeFileSync(file, `content of ${name.toString('hex')}\n`)
  }
  git(repo, 'init', '-q', '-b', 'main')
  git(repo, 'add', '-A')
  git(repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'init')
  return repo
}

const dirOf = (file: Buffer): Buffer => file.subarray(0, file.lastIndexOf(0x2f))

/** A migration that appends to the file with these raw bytes, through a node child (no shell quoting). */
function appendTo(name: Buffer): string {
  const code = `require('fs').appendFileSync(Buffer.from('${name.toString('hex')}','hex'),'x')`
  return `'${process.execPath}' -e "${code}"`
}

describe('drift of tracked files whose names are not UTF-8', () => {
  // invalid UTF-8 bytes alone, beside the replacement char's own bytes, and in folders at depth
  const invalid = [[0xff], [0xfe, 0x41], [0xc3], [0x80, 0x80], [0xed, 0xa0, 0x80]]
  const cases = invalid.flatMap((bytes) =>
    ['', 'state/', 'a/b/c/'].map((folder) => ({ bytes, folder }))
  )

  it.each(cases)('sees a write to dup$bytes under "$folder"', async ({ bytes, folder }) => {
    const bad = Buffer.concat([Buffer.from(`${folder}dup`), Buffer.from(bytes)])
    // the name a UTF-8 decode of `bad` gives: an existing twin must not stand in for it
    const twin = Buffer.from(bad.toString('utf8'))
    const repo = await byteRepo([bad, twin, Buffer.from(`${folder}keep.json`)])
    const results = await runMigrationDryRun(
      options(repo, await tempFolder(), { importCommand: appendTo(bad) })
    )
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed', 'failed'])
    expect(results[2]?.decisionPoint).toBe('C')
    expect(results[2]?.detail).toMatch(/changed 1 tracked file\(s\): .*dup/)
  })

  it('stays GO when nothing is written to such names', async () => {
    const repo = await byteRepo([Buffer.from([0x64, 0xff]), Buffer.from('d\uFFFD')])
    const results = await runMigrationDryRun(options(repo, await tempFolder(), {}))
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed', 'passed'])
  })
})

describe('a tracked folder swapped for a symlink to a copy of itself', () => {
  const layouts = [
    { tracked: ['logs/a.txt', 'logs/b.txt'], swap: 'logs' },
    { tracked: ['state/graph/v1/e.jsonl', 'state/other.json'], swap: 'state/graph' },
    { tracked: ['state/graph/v1/e.jsonl', 'state/other.json'], swap: 'state/graph/v1' },
    { tracked: ['x/y/z/w/deep.txt'], swap: 'x' }
  ]

  it.each(layouts)('is drift when $swap becomes a link', async ({ tracked, swap }) => {
    const repo = await byteRepo(tracked.map((name) => Buffer.from(name)))
    const copy = path.join(await tempFolder('cg-drift-copy-'), 'copy')
    // content stays byte-identical, only the folder is a link now: git sees the files deleted
    const move = `sh -c 'cp -a "$0" "$1" && rm -rf "$0" && ln -s "$1" "$0"' ${swap} ${copy}`
    const results = await runMigrationDryRun(
      options(repo, await tempFolder(), { exportCommand: move })
    )
    const status = execFileSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' })
    expect(status).toMatch(/^ D /m) // git itself calls the tracked files deleted
    // drift is judged once, after the last step that ran
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed', 'failed'])
    expect(results[2]?.decisionPoint).toBe('C')
    expect(results[2]?.detail).toContain(
      tracked.find((name) => name.startsWith(`${swap}/`))!.split('/')[0]
    )
  })

  it('is quiet for a tracked symlink to a folder that stays as it was', async () => {
    const repo = await byteRepo([Buffer.from('real/f.txt')])
    fs.symlinkSync('real', path.join(repo, 'alias'))
    git(repo, 'add', '-A')
    git(repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'link')
    const results = await runMigrationDryRun(options(repo, await tempFolder(), {}))
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed', 'passed'])
  })
})

describe('a repo inside a work tree where git tracks none of its files', () => {
  // how the repo's files escape git: never added, ignored by the top's .gitignore, by
  // .git/info/exclude, or by a .gitignore of the repo itself; at depth 1 and 3
  const hides = ['untracked', 'gitignore', 'exclude', 'own-ignore'] as const
  const cases = hides.flatMap((hide) => ['inner', 'a/b/inner'].map((sub) => ({ hide, sub })))

  it.each(cases)('is NO-GO (C) before any command runs: $hide at $sub', async ({ hide, sub }) => {
    const top = await byteRepo([Buffer.from('top.txt')])
    const repo = path.join(top, sub)
    fs.mkdirSync(path.join(repo, 'state'), { recursive: true })
    fs.writeFileSync(path.join(repo, 'state/graph.json'), '{}\n')
    if (hide === 'gitignore') fs.appendFileSync(path.join(top, '.gitignore'), `${sub}/\n`)
    if (hide === 'exclude') fs.appendFileSync(path.join(top, '.git/info/exclude'), `/${sub}\n`)
    if (hide === 'own-ignore') fs.writeFileSync(path.join(repo, '.gitignore'), '*\n')
    const marker = path.join(await tempFolder('cg-drift-ran-'), 'ran')
    const write = `sh -c 'touch "$0"; echo changed > state/graph.json' ${marker}`
    const results = await runMigrationDryRun(
      options(repo, await tempFolder(), { exportCommand: write })
    )
    expect(results.map((r) => r.status)).toEqual(['failed', 'skipped', 'skipped'])
    expect(results[0]?.decisionPoint).toBe('C')
    expect(results[0]?.detail).toMatch(/^git tracks no file under .*decision point C/)
    expect(fs.existsSync(marker)).toBe(false)
    expect(fs.readFileSync(path.join(repo, 'state/graph.json'), 'utf8')).toBe('{}\n')
  })

  it('runs as before once one file under it is tracked', async () => {
    const top = await byteRepo([Buffer.from('inner/state/graph.json')])
    const results = await runMigrationDryRun(
      options(path.join(top, 'inner'), await tempFolder(), {})
    )
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed', 'passed'])
  })
})
