import { execFileSync } from 'node:child_process'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { renderTerminal } from '../src/report/render-terminal.js'
import { contextFromEnv } from '../src/report/run-context.js'
import { goReport, noGoReport } from '../__fixtures__/report-fixtures.js'

describe('renderTerminal', () => {
  it('fits 80 columns and shows decision, steps, evidence and context', () => {
    const text = renderTerminal(goReport(), { color: false })
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(80)
    expect(text.split('\n')[0]).toBe('GO  cutover-gate readiness · precutover')
    expect(text).toMatch(/✔ migration-export {2}passed {6}1\.2 s/)
    expect(text).toContain(`sha256   ${'ab'.repeat(32)}`)
    expect(text).toContain('files    42 files, 4.0 KiB (4,096 bytes)')
    expect(text).toContain('acme/graph · 0123456789ab · refs/heads/main')
    expect(text).not.toContain('\x1b')
  })

  it('on NO-GO names the failed step, the guidance and the tail of its output', () => {
    const report = noGoReport('C')
    report.steps[1]!.output =
      Array.from({ length: 50 }, (_, i) => `out ${i}`).join('\n') + '\n\x1b]0;title\x07evil \x1b[2J'
    const text = renderTerminal(report, { color: false })
    expect(text.split('\n')[0]).toBe('NO-GO  cutover-gate readiness · precutover')
    expect(text.split('\n')[1]).toMatch(/^✖ migration-check: `python3 /)
    expect(text).toContain('rollback — decision point C')
    expect(text).toContain('last 20 lines of migration-check output')
    expect(text).toContain('  | out 49')
    expect(text).not.toContain('  | out 30')
    expect(text).toContain('  | evil ')
    expect(text).not.toContain('\x1b')
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(80)
  })

  it('colors only when asked', () => {
    const text = renderTerminal(noGoReport(), { color: true })
    expect(text).toContain('\x1b[31mNO-GO\x1b[39m')
  })
})

describe('contextFromEnv', () => {
  it('reads the Actions environment, with a link to the run attempt', async () => {
    const context = await contextFromEnv({
      GITHUB_REPOSITORY: 'acme/graph',
      GITHUB_SHA: 'abc',
      GITHUB_REF: 'refs/pull/7/merge',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_SERVER_URL: 'https://ghe.example.com/',
      GITHUB_RUN_ID: '99',
      GITHUB_RUN_ATTEMPT: '2',
      RUNNER_NAME: 'runner-1',
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      GITHUB_ACTOR: 'octocat',
      GITHUB_WORKFLOW: 'gate'
    })
    expect(context).toEqual({
      repository: 'acme/graph',
      commit: 'abc',
      ref: 'refs/pull/7/merge',
      event: 'pull_request',
      runUrl: 'https://ghe.example.com/acme/graph/actions/runs/99/attempts/2',
      runner: 'runner-1 (Linux/X64)',
      actor: 'octocat',
      workflow: 'gate'
    })
  })

  it('is empty outside Actions, and falls back to git for commit and ref when given a folder', async () => {
    expect(await contextFromEnv({})).toEqual({})
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cg-ctx-'))
    try {
      const git = (...args: string[]) =>
        execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim()
      git('init', '-q', '-b', 'trunk')
      // a branch without commits: no commit, but a branch
      expect(await contextFromEnv({}, dir)).toEqual({ ref: 'refs/heads/trunk' })
      git('-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-q', '--allow-empty', '-m', 'x')
      const commit = git('rev-parse', 'HEAD')
      expect(await contextFromEnv({}, dir)).toEqual({ commit, ref: 'refs/heads/trunk' })
      // what the environment says wins; git fills in only what it does not
      expect(await contextFromEnv({ GITHUB_SHA: 'abc' }, dir)).toEqual({
        commit: 'abc',
        ref: 'refs/heads/trunk'
      })
      // detached: a commit and no branch
      git('checkout', '-q', '--detach')
      expect(await contextFromEnv({}, dir)).toEqual({ commit })
      expect(await contextFromEnv({}, path.join(dir, 'missing'))).toEqual({})
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('starts git only for a folder inside a git repository', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cg-ctx-'))
    const savedPath = process.env.PATH
    try {
      // a git that records each start, first on PATH, then hands over to the real one
      const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim()
      const starts = path.join(dir, 'starts.log')
      await mkdir(path.join(dir, 'bin'))
      const fake = path.join(dir, 'bin', 'git')
      await writeFile(fake, `#!/bin/sh\necho "$*" >> '${starts}'\nexec '${realGit}' "$@"\n`)
      await chmod(fake, 0o755)
      process.env.PATH = `${path.join(dir, 'bin')}${path.delimiter}${savedPath}`
      const startsSoFar = async () =>
        (await readFile(starts, 'utf8').catch(() => '')).split('\n').filter(Boolean).length

      const plain = path.join(dir, 'plain', 'state')
      await mkdir(plain, { recursive: true })
      expect(await contextFromEnv({}, plain)).toEqual({})
      expect(await startsSoFar()).toBe(0)

      const repo = path.join(dir, 'repo')
      await mkdir(path.join(repo, 'nested'), { recursive: true })
      execFileSync(realGit, ['init', '-q', '-b', 'trunk'], { cwd: repo })
      // a folder below the repository's top level: git is asked, and answers
      expect(await contextFromEnv({}, path.join(repo, 'nested'))).toEqual({
        ref: 'refs/heads/trunk'
      })
      expect(await startsSoFar()).toBeGreaterThan(0)
    } finally {
      process.env.PATH = savedPath
      await rm(dir, { recursive: true, force: true })
    }
  })
})
