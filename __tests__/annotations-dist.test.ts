// Step warnings reach the job log as ::warning:: annotations, each once, as well as the summary:
// the bundled action as the runner runs it, on repositories that earn warnings.
import fs from 'node:fs'
import path from 'node:path'
import { commitAll } from '../__fixtures__/example-repo.js'
import { runAction } from '../__fixtures__/run-action.js'
import { makeRepo } from '../__fixtures__/trees.js'

const PASSPHRASE = 'violet canyon ledger 7 orbit quietly'

/** The runner's escaping of an annotation's message (@actions/core toCommandValue). */
const escaped = (text: string) =>
  text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')

describe('warnings as annotations', () => {
  it.each([
    ['snapshot, snapshot-dir not in .gitignore', 'snapshot', false, {}],
    ['precutover, snapshot-dir not in .gitignore', 'precutover', false, {}],
    [
      'snapshot, on a GitHub-hosted runner without upload',
      'snapshot',
      true,
      { RUNNER_ENVIRONMENT: 'github-hosted' }
    ],
    ['migration-dry-run with inputs it ignores', 'migration-dry-run', true, {}]
  ] as const)(
    '%s: every report warning is one ::warning:: line',
    async (_name, mode, ignored, env) => {
      const repo = makeRepo()
      if (ignored) fs.writeFileSync(path.join(repo, '.gitignore'), 'backup/\nreports/\n')
      commitAll(repo)
      const run = await runAction(
        repo,
        {
          mode,
          passphrase: PASSPHRASE,
          'scrypt-work-factor': '10',
          // this repository has no migration scripts: commands that pass stand in
          'migration-export': 'true',
          'migration-check': 'true',
          'migration-import': 'true',
          ...(mode === 'migration-dry-run' ? { 'keep-last': '2' } : {})
        },
        env
      )
      expect([
        run.outputs.decision,
        run.stdout.split('\n').filter((l) => l.startsWith('::error'))
      ]).toEqual(['GO', []])
      const json = JSON.parse(
        fs.readFileSync(path.join(repo, 'reports/publicization/backup-readiness.json'), 'utf8')
      ) as { warnings: string[] }
      expect(json.warnings.length).toBeGreaterThan(0)
      const annotations = run.stdout.split('\n').filter((l) => l.startsWith('::warning::'))
      for (const warning of json.warnings)
        expect([
          warning,
          annotations.filter((a) => a === `::warning::${escaped(warning)}`).length
        ]).toEqual([warning, 1])
      expect(annotations).toHaveLength(json.warnings.length)
    }
  )
})
