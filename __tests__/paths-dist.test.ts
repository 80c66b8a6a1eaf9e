import fs from 'node:fs'
import path from 'node:path'
import { gitRepoWithScript, treeState } from '../__fixtures__/path-attacks.js'
import { runAction } from '../__fixtures__/run-action.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'

// The action door: a bad path input is one ::error:: line, no outputs, no summary, nothing written.
describe('the bundled action refuses bad path inputs before anything is written', () => {
  const PASS = { passphrase: 'correct horse battery staple', 'scrypt-work-factor': '10' }

  async function expectOneError(workspace: string, inputs: Record<string, string>, error: RegExp) {
    const before = treeState(workspace)
    const run = await runAction(workspace, { ...PASS, ...inputs })
    expect(run.code).toBe(1)
    const errors = run.stdout.split('\n').filter((line) => line.startsWith('::error'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(error)
    expect(run.outputs).toEqual({})
    expect(run.summary).toBe('')
    expect(treeState(workspace)).toEqual(before)
  }

  it.each(['precutover', 'migration-dry-run', 'snapshot'])(
    '%s: a repo that does not exist is not created',
    async (mode) => {
      const workspace = tempDir('cg-ws-')
      const repo = path.join(workspace, 'nonexistent', 'deeper')
      await expectOneError(workspace, { mode, repo }, /^::error::input repo: .* does not exist/)
      expect(fs.existsSync(path.join(workspace, 'nonexistent'))).toBe(false)
    }
  )

  it.each(['', '\n\n', '# nothing'])(
    'include %j given empty is an error, not the defaults',
    async (include) => {
      await expectOneError(
        gitRepoWithScript(),
        { mode: 'snapshot', include },
        /^::error::input include: needs at least one/
      )
    }
  )

  it.each(['precutover', 'migration-dry-run'])(
    '%s in a workspace that is not a git work tree names decision point C',
    async (mode) => {
      await expectOneError(
        makeRepo(),
        { mode },
        /^::error::input repo: .* is not a git work tree.*decision point C/
      )
    }
  )

  it.each([
    [{ 'report-path': '.git/config' }, /^::error::input report-path: .*\.git folder/],
    [
      { 'report-path': 'scripts/state_migration_check.py' },
      /not an earlier cutover-gate readiness report/
    ],
    [{ 'report-path': 'backup/snapshots/latest-manifest.json' }, /is the manifest/],
    [{ include: 'etclink/hostname' }, /^::error::input include: .*\/etc\/hostname, outside repo/],
    [
      { include: 'statelink' },
      /^::error::input include: "statelink" is a symlink to state.*instead/
    ]
  ])('%j → one error line', async (inputs, error) => {
    const repo = gitRepoWithScript()
    fs.symlinkSync('/etc', path.join(repo, 'etclink'))
    fs.symlinkSync('state', path.join(repo, 'statelink'))
    await expectOneError(repo, { mode: 'precutover', ...inputs }, error)
  })
})
