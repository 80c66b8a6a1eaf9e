import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { runMigrationDryRun } from '../src/migration/migration-dry-run.js'
import {
  git,
  leftovers,
  options,
  removeTempFolders,
  tempFolder
} from '../__fixtures__/migration-helpers.js'

afterEach(removeTempFolders)

const EXAMPLE = path.resolve('examples/graphiti-repo')
const DEFAULTS = {
  exportCommand: 'python3 scripts/state_migration_export.py --dry-run --out {package}',
  checkCommand: 'python3 scripts/state_migration_check.py --package {package} --dry-run',
  importCommand:
    'python3 scripts/state_migration_import.py --dry-run --allow-overwrite --in {package}'
}

/** A copy of the example in its own git repository, with the empty folder git cannot hold. */
async function exampleCopy(): Promise<string> {
  const repo = path.join(await mkdtemp(path.join(os.tmpdir(), 'cg-example-')), 'graphiti-repo')
  await cp(EXAMPLE, repo, { recursive: true, verbatimSymlinks: true })
  await mkdir(path.join(repo, 'state', 'inbox'))
  git(repo, 'init', '-q', '-b', 'main')
  git(repo, 'add', '-A')
  git(repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'example')
  return repo
}

// One copy for the whole file: the dry-runs leave it as it was (the drift test restores it).
let repo: string
beforeAll(async () => {
  repo = await exampleCopy()
})
afterAll(() => rm(path.dirname(repo), { recursive: true, force: true }))

describe('the example repository', () => {
  it('passes the runbook’s three migration commands (the action’s defaults) and stays untouched', async () => {
    const temp = await tempFolder()
    const results = await runMigrationDryRun(options(repo, temp, DEFAULTS))
    expect(results.map((r) => `${r.name}:${r.status}`)).toEqual([
      'migration-export:passed',
      'migration-check:passed',
      'migration-import:passed'
    ])
    expect(results[0]?.detail).toMatch(
      /exported 10 files \(\d+ bytes\), 5 folders, 1 symlink from state\/ \(dry-run: repository untouched\)$/
    )
    expect(results[1]?.detail).toMatch(
      /package ok: 10 files verified by sha256, 11 entities, 9 edges, 3 episodes$/
    )
    expect(results[2]?.detail).toMatch(
      /import plan: add 0, update 0, remove 0, unchanged 16 \(dry-run, nothing written\)$/
    )
    expect(results.flatMap((r) => r.warnings)).toEqual([])
    expect(git(repo, 'status', '--porcelain', '--untracked-files=all')).toBe('')
    expect(await leftovers(temp)).toEqual([])
  })

  it('keeps the symlink, the executable and the empty folder in the package', async () => {
    const out = path.join(await tempFolder(), 'pkg')
    execFileSync('python3', ['scripts/state_migration_export.py', '--dry-run', '--out', out], {
      cwd: repo
    })
    const manifest = JSON.parse(readFileSync(path.join(out, 'package-manifest.json'), 'utf8')) as {
      entries: Record<string, unknown>[]
    }
    const byPath = new Map(manifest.entries.map((e) => [e.path, e]))
    expect(byPath.get('state/current')).toEqual({
      path: 'state/current',
      type: 'symlink',
      target: 'graph-v2'
    })
    expect(byPath.get('state/graph-v2/hooks/reindex.sh')).toMatchObject({
      type: 'file',
      mode: '0755'
    })
    expect(byPath.get('state/inbox')).toMatchObject({ type: 'dir' })
  })

  it('fails the check when a state file in the package is corrupted between export and check', async () => {
    const exportThenCorrupt =
      'sh -c "python3 scripts/state_migration_export.py --dry-run --out \\"$0\\" && printf tampered >> \\"$0/state/graph-v2/edges.jsonl\\"" {package}'
    const results = await runMigrationDryRun(
      options(repo, await tempFolder(), { ...DEFAULTS, exportCommand: exportThenCorrupt })
    )
    expect(results.map((r) => r.status)).toEqual(['passed', 'failed', 'skipped'])
    expect(results[1]?.detail).toMatch(
      /exited with code 1: check failed: 3 problem\(s\), first: state\/graph-v2\/edges\.jsonl: size \d+ bytes, the manifest says \d+$/
    )
    expect(results[1]?.output).toContain('problem: state/graph-v2/edges.jsonl: sha256 mismatch')
    expect(results[1]?.output).toContain('not a JSON record')
  })

  it('fails the check on a record that breaks the graph, even with matching hashes', async () => {
    // Rewrites an edge to a dangling target and fixes up the manifest's size and hash, as a buggy exporter would.
    const dangling = `sh -c "python3 scripts/state_migration_export.py --dry-run --out \\"$0\\" && python3 -c \\"${[
      'import json,hashlib,os,sys',
      "p=sys.argv[1]; f=p+'/state/graph-v1/edges.jsonl'",
      "t=open(f).read().replace('service:ingest','service:gone',1); open(f,'w').write(t)",
      "m=json.load(open(p+'/package-manifest.json'))",
      "[e.update(size=len(t.encode()),sha256=hashlib.sha256(t.encode()).hexdigest()) for e in m['entries'] if e['path']=='state/graph-v1/edges.jsonl']",
      "json.dump(m,open(p+'/package-manifest.json','w'))"
    ].join(';')}\\" \\"$0\\"" {package}`
    const results = await runMigrationDryRun(
      options(repo, await tempFolder(), { ...DEFAULTS, exportCommand: dangling })
    )
    expect(results.map((r) => r.status)).toEqual(['passed', 'failed', 'skipped'])
    expect(results[1]?.detail).toMatch(/target service:gone is not an entity of this graph$/)
  })

  it('says NO-GO at decision point C when the export is run without --dry-run and writes to the repository', async () => {
    const results = await runMigrationDryRun(
      options(repo, await tempFolder(), {
        ...DEFAULTS,
        exportCommand: 'python3 scripts/state_migration_export.py --out {package}'
      })
    )
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed', 'failed'])
    expect(results[2]?.decisionPoint).toBe('C')
    expect(results[2]?.detail).toMatch(/changed 1 tracked file\(s\): exports\/export-log\.jsonl/)
    git(repo, 'checkout', '--', '.')
  })

  it('refuses an import that would overwrite without --allow-overwrite', async () => {
    // A package that differs from state/: the import would update a file.
    const exportThenEdit =
      "sh -c \"python3 scripts/state_migration_export.py --dry-run --out \\\"$0\\\" && chmod 600 \\\"$0/state/schema.json\\\" && python3 -c \\\"import json,sys; p=sys.argv[1]; m=json.load(open(p+'/package-manifest.json')); [e.update(mode='0600') for e in m['entries'] if e['path']=='state/schema.json']; json.dump(m,open(p+'/package-manifest.json','w'))\\\" \\\"$0\\\"\" {package}"
    const results = await runMigrationDryRun(
      options(repo, await tempFolder(), {
        ...DEFAULTS,
        exportCommand: exportThenEdit,
        importCommand: 'python3 scripts/state_migration_import.py --dry-run --in {package}'
      })
    )
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed', 'failed'])
    expect(results[2]?.output).toContain('would update: state/schema.json')
    expect(results[2]?.detail).toMatch(
      /import refused: it would overwrite 1 and remove 0 entries; pass --allow-overwrite$/
    )
  })
})
