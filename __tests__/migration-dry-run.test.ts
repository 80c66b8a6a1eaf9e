import { existsSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { runMigrationDryRun } from '../src/migration/migration-dry-run.js'
import {
  gitRepo,
  leftovers,
  nodeCommand,
  options,
  removeTempFolders,
  tempFolder
} from '../__fixtures__/migration-helpers.js'

afterEach(removeTempFolders)

const writesIntoPackage = `sh -c 'echo {} > "$0/data.json"; echo exported 1 file' {package}`
const readsPackage = `sh -c 'test -f "$0/data.json" && echo package ok' {package}`

describe('runMigrationDryRun', () => {
  it('passes export, check and import that work in one fresh package folder, then removes it', async () => {
    const repo = await gitRepo({ 'state/a.json': '{"a":1}\n' })
    const temp = await tempFolder()
    const opts = options(repo, temp, {
      exportCommand: writesIntoPackage,
      checkCommand: readsPackage,
      importCommand: readsPackage
    })
    const results = await runMigrationDryRun(opts)
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['migration-export', 'passed'],
      ['migration-check', 'passed'],
      ['migration-import', 'passed']
    ])
    expect(results[0]?.detail).toMatch(/exited 0: exported 1 file$/)
    expect(results[0]?.output).toBe('exported 1 file')
    expect(results.every((r) => r.durationMs >= 0 && r.warnings.length === 0)).toBe(true)
    expect(opts.logger.lines).toContain('| package ok')
    expect(await leftovers(temp)).toEqual([])
  })

  it('gives each run a new empty package folder, named cutover-gate-package-*', async () => {
    const repo = await gitRepo({ 'a.txt': 'a' })
    const temp = await tempFolder()
    const record = path.join(await tempFolder(), 'seen.txt')
    const look = nodeCommand(
      "const fs=require('fs');fs.appendFileSync(process.argv[2],process.argv[1]+' '+fs.readdirSync(process.argv[1]).length+'\\n')",
      '{package}',
      `'${record}'`
    )
    await runMigrationDryRun(options(repo, temp, { exportCommand: look }))
    await runMigrationDryRun(options(repo, temp, { exportCommand: look }))
    const seen = readFileSync(record, 'utf8').trim().split('\n')
    expect(seen).toHaveLength(2)
    expect(seen[0]).not.toBe(seen[1])
    for (const line of seen)
      expect(line).toMatch(new RegExp(`^${temp}/cutover-gate-package-\\S+ 0$`))
    expect(await leftovers(temp)).toEqual([])
  })

  it('fails on a check that exits non-zero: import skipped, the output tail kept', async () => {
    const repo = await gitRepo({ 'a.txt': 'a' })
    const temp = await tempFolder()
    const failingCheck = `sh -c 'echo checking 3 files; echo sha256 mismatch: state/a.json >&2; exit 3'`
    const results = await runMigrationDryRun(
      options(repo, temp, { exportCommand: writesIntoPackage, checkCommand: failingCheck })
    )
    expect(results.map((r) => r.status)).toEqual(['passed', 'failed', 'skipped'])
    const check = results[1]!
    expect(check.detail).toMatch(/exited with code 3: sha256 mismatch: state\/a\.json$/)
    expect(check.output).toContain('checking 3 files')
    expect(check.output).toContain('sha256 mismatch: state/a.json')
    expect(check.decisionPoint).toBe('A')
    expect(results[2]?.detail).toMatch(/not run/)
    expect(await leftovers(temp)).toEqual([])
  })

  it('names a missing script and the input that can point elsewhere', async () => {
    const repo = await gitRepo({ 'README.md': 'no scripts here' })
    const temp = await tempFolder()
    const results = await runMigrationDryRun(
      options(repo, temp, {
        exportCommand: 'python3 scripts/state_migration_export.py --dry-run --out {package}'
      })
    )
    expect(results.map((r) => r.status)).toEqual(['failed', 'skipped', 'skipped'])
    expect(results[0]?.detail).toMatch(/script `scripts\/state_migration_export\.py` not found/)
    expect(results[0]?.detail).toMatch(/set the `migration-export` input/)
    expect(await leftovers(temp)).toEqual([])
  })

  it('recognises a missing script from python’s own message when it cannot be told beforehand', async () => {
    const repo = await gitRepo({ 'README.md': 'x' })
    const temp = await tempFolder()
    const results = await runMigrationDryRun(
      options(repo, temp, {
        checkCommand: 'python3 -W ignore scripts/check.py --package {package}'
      })
    )
    expect(results[1]?.status).toBe('failed')
    expect(results[1]?.detail).toMatch(
      /script `.*scripts\/check\.py` not found .*`migration-check` input/
    )
  })

  it('names a program that is not on PATH', async () => {
    const repo = await gitRepo({ 'a.txt': 'a' })
    const results = await runMigrationDryRun(
      options(repo, await tempFolder(), { importCommand: 'no-such-program-cg --in {package}' })
    )
    expect(results[2]?.status).toBe('failed')
    expect(results[2]?.detail).toMatch(
      /program `no-such-program-cg` not found on PATH.*`migration-import` input/
    )
  })

  it('refuses an empty or unsplittable command', async () => {
    const repo = await gitRepo({ 'a.txt': 'a' })
    const empty = await runMigrationDryRun(
      options(repo, await tempFolder(), { exportCommand: '   ' })
    )
    expect(empty[0]?.detail).toMatch(/`migration-export` input is empty/)
    const quote = await runMigrationDryRun(
      options(repo, await tempFolder(), { checkCommand: "echo 'open" })
    )
    expect(quote[1]?.detail).toMatch(/unmatched '/)
  })

  it('substitutes {package} in every word and keeps quoted words whole, without a shell', async () => {
    const repo = await gitRepo({ 'a.txt': 'a' })
    const temp = path.join(await tempFolder(), 'runner temp')
    await mkdir(temp)
    const out = path.join(await tempFolder(), 'argv.json')
    const dump = nodeCommand(
      "require('fs').writeFileSync(process.argv[1],JSON.stringify(process.argv.slice(2)))",
      `'${out}'`
    )
    await runMigrationDryRun(
      options(repo, temp, {
        exportCommand: `${dump} --out={package} 'a b' "c \\"d\\"" e\\ f '$HOME' '*.json' '|' {package}/x`
      })
    )
    const argv = JSON.parse(readFileSync(out, 'utf8')) as string[]
    const pkg = argv[argv.length - 1]!.slice(0, -2)
    expect(pkg.startsWith(path.join(temp, 'cutover-gate-package-'))).toBe(true)
    expect(argv).toEqual([
      `--out=${pkg}`,
      'a b',
      'c "d"',
      'e f',
      '$HOME',
      '*.json',
      '|',
      `${pkg}/x`
    ])
    expect(existsSync(pkg)).toBe(false)
  })

  it('runs the commands in repo', async () => {
    const repo = await gitRepo({ 'marker.txt': 'here' })
    const results = await runMigrationDryRun(
      options(repo, await tempFolder(), {
        exportCommand: 'cat marker.txt'
      })
    )
    expect(results[0]?.output).toBe('here')
  })

  it('warns, and still runs, when repo is not a git work tree', async () => {
    const repo = await tempFolder('cg-plain-')
    await writeFile(path.join(repo, 'a.txt'), 'a')
    const results = await runMigrationDryRun(options(repo, await tempFolder(), {}))
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed', 'passed'])
    expect(results[2]?.warnings.join('\n')).toMatch(/not a git work tree .*could not be checked/)
  })

  it('fails the export when the package folder cannot be created', async () => {
    const repo = await gitRepo({ 'a.txt': 'a' })
    const file = path.join(await tempFolder(), 'not-a-folder')
    await writeFile(file, '')
    const results = await runMigrationDryRun(options(repo, file, {}))
    expect(results.map((r) => r.status)).toEqual(['failed', 'skipped', 'skipped'])
    expect(results[0]?.detail).toMatch(/could not create a package folder under/)
  })
})
