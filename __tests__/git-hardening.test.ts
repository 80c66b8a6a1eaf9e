// cutover-gate's own git calls after a migration that planted hooks: none of them may run, and
// git gets a clean environment (no secret, no GIT_DIR, no user config) through one door.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { readGitState } from '../src/migration/git-drift.js'
import { runMigrationDryRun } from '../src/migration/migration-dry-run.js'
import { snapshotDirWarnings } from '../src/snapshot/snapshot-dir-hygiene.js'
import { contextFromEnv } from '../src/report/run-context.js'
import { GIT_HARDENING, gitEnv } from '../src/util/git-output.js'
import {
  gitRepo,
  options,
  removeTempFolders,
  tempFolder
} from '../__fixtures__/migration-helpers.js'

afterEach(removeTempFolders)

/** Shell that plants a hook of each kind; each writes a marker named for itself when run. */
function plantHooks(marks: string, hooks: string): Record<string, string> {
  const hook = (name: string) =>
    `printf '#!/bin/sh\\ntouch "${marks}/${name}"\\nexit 0\\n' > "$H/${name}"; chmod +x "$H/${name}"`
  return {
    'core.fsmonitor': `H='${hooks}'; ${hook('fsmonitor')}; git config core.fsmonitor "$H/fsmonitor"`,
    'core.hooksPath': `H='${hooks}'; ${hook('post-index-change')}; git config core.hooksPath "$H"`,
    '.git/hooks': `H=.git/hooks; ${hook('post-index-change')}`,
    'diff.external': `H='${hooks}'; ${hook('diff-external')}; git config diff.external "$H/diff-external"`,
    'core.pager': `H='${hooks}'; ${hook('pager')}; git config core.pager "$H/pager"`
  }
}

describe('our git calls never run repository code', () => {
  const kinds = Object.keys(plantHooks('', ''))

  it.each(kinds)('a %s hook planted by the migration stays unrun', async (kind) => {
    const repo = await gitRepo({ 'state/a.json': '1\n', '.gitignore': 'snapshots/\n' })
    const marks = await tempFolder('cg-marks-')
    const hooks = await tempFolder('cg-hooks-')
    const script = path.join(hooks, 'plant.sh')
    fs.writeFileSync(script, plantHooks(marks, hooks)[kind]!)
    // the migration commits (so the drift check asks for a diff between commits), then plants
    const commit = `sh -c 'echo 2 > state/a.json && git add state/a.json && git -c user.name=t -c user.email=t@e commit -qm m && sh ${script}'`
    const results = await runMigrationDryRun(
      options(repo, await tempFolder(), { importCommand: commit })
    )
    expect(results[2]?.decisionPoint).toBe('C')
    await snapshotDirWarnings({ repo, snapshotDir: path.join(repo, 'snapshots') })
    await contextFromEnv({}, repo)
    await readGitState(repo)
    expect(fs.readdirSync(marks)).toEqual([])
  })

  it('the planted hooks are live: plain git runs them (so the test above can fail)', async () => {
    const repo = await gitRepo({ 'state/a.json': '1\n' })
    const marks = await tempFolder('cg-marks-')
    const hooks = await tempFolder('cg-hooks-')
    const plant = plantHooks(marks, hooks)
    execFileSync('sh', ['-c', `${plant['core.fsmonitor']}; ${plant['core.hooksPath']}`], {
      cwd: repo
    })
    fs.writeFileSync(path.join(repo, 'state/a.json'), '2\n')
    // stderr caught: git warns that the planted fsmonitor hook answered nothing, which is the point
    execFileSync('git', ['status', '--porcelain'], { cwd: repo, stdio: 'pipe' })
    expect(fs.readdirSync(marks).sort()).toEqual(['fsmonitor', 'post-index-change'])
  })
})

describe('the environment our git gets', () => {
  const saved = { ...process.env }
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
    Object.assign(process.env, saved)
  })

  it('holds no secret, no GIT_DIR and no user config, on every call, with the hardening flags', async () => {
    const repo = await gitRepo({ 'state/a.json': '1\n' })
    const log = await tempFolder('cg-gitlog-')
    const bin = await tempFolder('cg-gitbin-')
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim()
    fs.writeFileSync(
      path.join(bin, 'git'),
      `#!/bin/sh\nenv > "${log}/$$.env"\nprintf '%s\\n' "$@" > "${log}/$$.args"\nexec ${realGit} "$@"\n`,
      { mode: 0o755 }
    )
    const secrets = {
      INPUT_PASSPHRASE: 'correct horse battery staple',
      GRAPHITI_SNAPSHOT_PASSPHRASE: 'correct horse battery staple',
      INPUT_IDENTITY: 'AGE-SECRET-KEY-1XYZ',
      ACTIONS_RUNTIME_TOKEN: 'runtime-token-value',
      GIT_DIR: path.join(repo, 'not-ours'),
      GIT_CONFIG_PARAMETERS: "'core.fsmonitor=/tmp/evil'",
      HOME: path.join(repo, 'home-with-gitconfig')
    }
    Object.assign(process.env, secrets, { PATH: `${bin}:${process.env.PATH}` })
    await readGitState(repo)
    await snapshotDirWarnings({ repo, snapshotDir: path.join(repo, 'snapshots') })
    await contextFromEnv({}, repo)
    const calls = fs.readdirSync(log).filter((f) => f.endsWith('.env'))
    expect(calls.length).toBeGreaterThanOrEqual(5)
    const allowed = new Set([...Object.keys(gitEnv()), 'PWD', 'SHLVL', '_', 'OLDPWD'])
    for (const call of calls) {
      const env = fs.readFileSync(path.join(log, call), 'utf8')
      for (const value of Object.values(secrets)) expect(env).not.toContain(value)
      const names = env
        .split('\n')
        .filter(Boolean)
        .map((l) => l.slice(0, l.indexOf('=')))
      expect(names.filter((n) => !allowed.has(n))).toEqual([])
      const args = fs
        .readFileSync(path.join(log, call.replace('.env', '.args')), 'utf8')
        .split('\n')
      expect(args.slice(0, GIT_HARDENING.length)).toEqual(GIT_HARDENING)
      expect(args).not.toContain('status')
    }
  })

  it('is built from PATH alone', () => {
    const env = gitEnv({ PATH: '/p', INPUT_PASSPHRASE: 'x', GIT_DIR: '/g', HOME: '/h' })
    expect(env).toMatchObject({ PATH: '/p', HOME: '/nonexistent', GIT_CONFIG_GLOBAL: '/dev/null' })
    expect(Object.values(env)).not.toContain('x')
    expect(env).not.toHaveProperty('GIT_DIR')
  })
})

describe('one door', () => {
  it('no source file but git-output.ts starts git', () => {
    const starters: string[] = []
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name)
        if (entry.isDirectory()) walk(file)
        else if (/\.ts$/.test(entry.name) && entry.name !== 'git-output.ts') {
          const text = fs.readFileSync(file, 'utf8')
          if (/(execFile|spawn|exec|fork)(Sync)?\(\s*['"`][^'"`]*\bgit['"`]/.test(text)) {
            starters.push(path.relative('src', file))
          }
        }
      }
    }
    walk('src')
    expect(starters).toEqual([])
    // git-output.ts passes 'git' on a line of its own
    expect(fs.readFileSync('src/util/git-output.ts', 'utf8')).toMatch(/execFile\(\s*'git'/)
  })
})
