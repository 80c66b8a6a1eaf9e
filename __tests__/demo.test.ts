// npm run demo as a newcomer runs it: GO, the report named once (by the CLI), and no folder left
// behind unless --keep asks for it.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { ROOT } from '../__fixtures__/run-action.js'
import { tempDir } from '../__fixtures__/trees.js'

function demo(...args: string[]) {
  const tmp = tempDir('cg-demo-')
  const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts/demo.mjs'), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', TMPDIR: tmp },
    encoding: 'utf8'
  })
  const output = run.stdout + run.stderr
  return { run, output, tmp, left: fs.readdirSync(tmp) }
}

describe('npm run demo', () => {
  it('says GO, names the report once, and removes its folder', () => {
    const { run, output, left } = demo()
    expect(run.status).toBe(0)
    expect(output).toMatch(/^GO\b/m)
    expect(output.match(/backup-readiness\.md/g)).toHaveLength(1)
    expect(output).toContain('demo folder removed')
    expect(left).toEqual([])
  })

  it('keeps the copy, its snapshot and report with --keep', () => {
    const { run, left, tmp } = demo('--keep')
    expect(run.status).toBe(0)
    expect(left).toHaveLength(1)
    expect(
      fs.existsSync(
        path.join(tmp, left[0]!, 'graphiti-repo/reports/publicization/backup-readiness.md')
      )
    ).toBe(true)
  })
})
