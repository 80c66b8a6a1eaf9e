import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { randomInt } from 'node:crypto'
import { runMigrationDryRun } from '../src/migration/migration-dry-run.js'
import {
  gitRepo,
  options,
  removeTempFolders,
  running,
  tempFolder
} from '../__fixtures__/migration-helpers.js'
import { actionDefaultsEnv, inputVar, parseCommandFile, ROOT } from '../__fixtures__/run-action.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { commitAll } from '../__fixtures__/example-repo.js'

afterEach(removeTempFolders)

/** Pids of processes whose command line is exactly `sleep <seconds>` (seconds unique per case). */
function sleepers(seconds: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8') === `sleep\0${seconds}\0`
      } catch {
        return false
      }
    })
    .map(Number)
    .filter(running)
}

/** Ways repository code leaves a process behind; each must be found, named and stopped. */
const ESCAPES: [string, (s: number) => string][] = [
  ['setsid &', (s) => `setsid sleep ${s} &`],
  ['setsid -f', (s) => `setsid -f sleep ${s}`],
  ['nohup &', (s) => `nohup sleep ${s} >/dev/null 2>&1 &`],
  ['double fork', (s) => `( sleep ${s} & ) &`],
  ['double fork + setsid, ignoring SIGTERM', (s) => `( trap '' TERM; setsid sleep ${s} & ) &`],
  ['deep: sh in sh in setsid', (s) => `setsid sh -c "sh -c 'sleep ${s} &' &" &`]
]

describe('processes a migration command leaves behind are found by the run marker and stopped', () => {
  it.each(ESCAPES)('%s', async (_name, make) => {
    const repo = await gitRepo({ 'a.txt': 'a' })
    const seconds = 400 + randomInt(100_000)
    for (const [step, key] of [
      ['export', 'exportCommand'],
      ['import', 'importCommand']
    ] as const) {
      const script = path.join(await tempFolder(), 'escape.sh')
      // the command ends only once its escapee runs as `sleep N` (not a fork not yet exec'd), so
      // the warning can name it however slow the machine; bounded at 10 s
      const wait = `i=0; while ! pgrep -fx 'sleep ${seconds}' >/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done`
      fs.writeFileSync(script, `${make(seconds)}\n${wait}\n`)
      const results = await runMigrationDryRun(
        options(repo, await tempFolder(), { [key]: `sh ${script}` })
      )
      const index = step === 'export' ? 0 : 2
      expect(results.map((r) => r.status)).toEqual(['passed', 'passed', 'passed'])
      const warning = results[index]!.warnings.join('\n')
      expect(warning).toMatch(/the migration left \d+ process\(es\) running; stopped: pid \d+/)
      expect(warning).toContain(`sleep ${seconds}`)
      expect(sleepers(seconds)).toEqual([])
    }
  })

  it('after a SIGKILL of the action mid-migration, the post step stops and names them', async () => {
    const repo = commitAll(makeRepo())
    const seconds = 400 + randomInt(100_000)
    const files = tempDir('cg-runner-')
    const stateFile = path.join(files, 'state')
    fs.writeFileSync(stateFile, '')
    fs.mkdirSync(path.join(files, 'temp'))
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      ...actionDefaultsEnv(),
      GITHUB_STATE: stateFile,
      GITHUB_OUTPUT: path.join(files, 'out'),
      RUNNER_TEMP: path.join(files, 'temp'),
      INPUT_PASSPHRASE: 'post-step passphrase',
      [inputVar('mode')]: 'migration-dry-run',
      [inputVar('migration-export')]: `sh -c "setsid sleep ${seconds} & sleep 600"`
    }
    const main = spawn(process.execPath, [path.join(ROOT, 'dist/index.js')], {
      env,
      cwd: repo,
      stdio: 'ignore'
    })
    while (sleepers(seconds).length === 0) await new Promise((r) => setTimeout(r, 20))
    main.kill('SIGKILL')
    await new Promise((r) => main.on('close', r))
    expect(sleepers(seconds).length).toBe(1)

    const postEnv = { ...env }
    for (const [name, value] of Object.entries(
      parseCommandFile(fs.readFileSync(stateFile, 'utf8'))
    ))
      postEnv[`STATE_${name}`] = value
    const post = spawn(process.execPath, [path.join(ROOT, 'dist/post.js')], {
      env: postEnv,
      cwd: repo
    })
    let stdout = ''
    post.stdout.on('data', (d) => (stdout += d))
    await new Promise((r) => post.on('close', r))
    expect(stdout).toMatch(new RegExp(`::warning::post-run hygiene: .*sleep ${seconds}`))
    expect(sleepers(seconds)).toEqual([])
    // the package folder of the killed run is gone too: its creator is proven dead
    expect(
      fs.readdirSync(path.join(files, 'temp')).filter((n) => n.startsWith('cutover-gate-'))
    ).toEqual([])
  })
})
