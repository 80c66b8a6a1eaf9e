// A multi-line migration command is shown on one line that runs the same, not flattened text.
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { commitAll } from '../__fixtures__/example-repo.js'
import { cliSync } from '../__fixtures__/run-cli.js'
import { makeRepo } from '../__fixtures__/trees.js'
import { showCommand } from '../src/migration/show-command.js'
import { splitCommand } from '../src/migration/split-command.js'

const word = fc.stringMatching(/^[\w./{}=:'" $é-]{1,12}$/)
const quoteWord = (w: string) => `'${w.replace(/'/g, `'\\''`)}'`

describe('showCommand', () => {
  it('gives one line whose words are the command’s, however it was broken across lines', () => {
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 6 }),
        fc.array(fc.constantFrom(' ', ' \\\n  ', '\n', '\t', ' \\\n'), {
          minLength: 6,
          maxLength: 6
        }),
        (words, breaks) => {
          const command = words.map(quoteWord).reduce((line, w, i) => `${line}${breaks[i]}${w}`)
          const shown = showCommand(command, 10_000)
          expect(shown).not.toMatch(/\n/)
          expect(splitCommand(shown)).toEqual(splitCommand(command))
        }
      )
    )
  })

  it('in a NO-GO reason: the continuation is gone, the words stay', () => {
    const repo = commitAll(makeRepo())
    const run = cliSync(
      [
        'migration-dry-run',
        '--repo',
        repo,
        '--migration-export',
        'python3 scripts/export_state.py \\\n    --dry-run \\\n    --out {package}'
      ],
      {}
    )
    expect(run.code).toBe(1)
    const report = fs.readFileSync(
      path.join(repo, 'reports/publicization/backup-readiness.md'),
      'utf8'
    )
    expect(report + run.stdout).toContain(
      'python3 scripts/export_state.py --dry-run --out {package}'
    )
    expect(report + run.stdout).not.toMatch(/export_state\.py \\ /)
  })
})
