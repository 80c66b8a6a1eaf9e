import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { ROOT } from '../__fixtures__/run-action.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { nodeTooOld } from '../src/cli/require-node.js'

const PASSPHRASE = 'cli passphrase ✓ 42'

function cli(args: string[], env: Record<string, string> = {}, input?: string) {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      TMPDIR: tempDir('cg-cli-tmp-'),
      ...env
    },
    input,
    encoding: 'utf8'
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('the bundled CLI', () => {
  it('exits 0 on GO and 1 on NO-GO, with the report on stdout', () => {
    const repo = makeRepo()
    const go = cli(['snapshot', '--repo', repo, '--scrypt-work-factor', '10'], {
      GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE
    })
    expect(go.stderr).not.toContain(PASSPHRASE)
    expect(go.code).toBe(0)
    expect(go.stdout).toMatch(/GO/)
    expect(go.stdout).not.toContain(PASSPHRASE)

    const nogo = cli(['restore-test', '--repo', repo], { GRAPHITI_SNAPSHOT_PASSPHRASE: 'wrong' })
    expect(nogo.code).toBe(1)
    expect(nogo.stdout).toMatch(/NO-GO/)
    expect(nogo.stdout.replace(/\s+/g, ' ')).toMatch(/wrong passphrase/)
  })

  it('reads the passphrase from --passphrase-file and from the variable named by --passphrase-env', () => {
    const repo = makeRepo()
    const file = path.join(tempDir(), 'pass')
    fs.writeFileSync(file, `${PASSPHRASE}\n`, { mode: 0o600 })
    expect(
      cli(['snapshot', '--repo', repo, '--scrypt-work-factor', '10', '--passphrase-file', file])
        .code
    ).toBe(0)
    expect(
      cli(['restore-test', '--repo', repo, '--passphrase-env', 'OTHER'], { OTHER: PASSPHRASE }).code
    ).toBe(0)
  })

  it.each([
    [['--passphrase', 'x', 'snapshot'], /no --passphrase flag/],
    [['deploy'], /mode "deploy" is not one of/],
    [['snapshot', '--frobnicate', '1'], /unknown flag --frobnicate/],
    [['snapshot', '--compression', 'xz'], /input compression: accepts zstd, gzip, none/],
    [['snapshot', '--repo', '/nonexistent-cg'], /input repo: \/nonexistent-cg does not exist/],
    [
      ['snapshot', '--repo', tempDir()],
      /mode snapshot needs a passphrase: use --passphrase-file FILE or the GRAPHITI_SNAPSHOT_PASSPHRASE variable/
    ],
    [['restore'], /input restore-target: is required/]
  ])('exits 2 on a usage or input error: %j', (args, message) => {
    const result = cli(args)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('never accepts the passphrase on the command line, and writes nothing on input errors', () => {
    const repo = makeRepo()
    const result = cli(['snapshot', '--repo', repo, `--passphrase=${PASSPHRASE}`])
    expect(result.code).toBe(2)
    expect(result.stderr).not.toContain(PASSPHRASE)
    expect(fs.existsSync(path.join(repo, 'backup'))).toBe(false)
  })

  it('prints usage with --help', () => {
    const result = cli(['--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Usage: cutover-gate <mode>/)
  })
})

describe('the passphrase prompt', () => {
  it('asks on a terminal without echoing, and the answer opens the snapshot', async () => {
    const repo = makeRepo()
    expect(
      cli(['snapshot', '--repo', repo, '--scrypt-work-factor', '10'], {
        GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE
      }).code
    ).toBe(0)
    // script(1) gives the CLI a real terminal; the answer is typed once the prompt shows, as a
    // person would (typed-ahead keys are echoed by the terminal before any program can stop it)
    const command = `'${process.execPath}' '${path.join(ROOT, 'dist/cli.js')}' restore-test --repo '${repo}'`
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', HOME: '/tmp', TMPDIR: tempDir('cg-tty-') }
    })
    let output = ''
    let typed = false
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString()
      if (!typed && output.includes('Snapshot passphrase (not echoed): ')) {
        typed = true
        child.stdin.write(`${PASSPHRASE}\r`)
      }
    })
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(typed).toBe(true)
    expect(output).not.toContain(PASSPHRASE)
    expect(output).toMatch(/GO/)
    expect(code).toBe(0)
  })
})

describe('an older Node', () => {
  it('is named with what to do, for versions before 24 only', () => {
    expect(nodeTooOld('v20.19.0')).toMatch(/needs Node\.js 24 or later \(this is v20\.19\.0\)/)
    expect(nodeTooOld('v23.11.1')).toMatch(/needs Node\.js 24/)
    expect(nodeTooOld('v24.0.0')).toBeUndefined()
    expect(nodeTooOld('v26.1.0')).toBeUndefined()
  })

  // The machines this project is built on ship Node 20 as /usr/bin/node (NOTES.md).
  const systemNode = spawnSync('/usr/bin/node', ['--version'], { encoding: 'utf8' }).stdout?.trim()
  const older = systemNode && nodeTooOld(systemNode) ? it : it.skip
  older(
    `runs the bundled CLI on /usr/bin/node ${systemNode ?? '(none)'}: exit 2, one line, nothing written`,
    () => {
      const repo = makeRepo()
      const result = spawnSync(
        '/usr/bin/node',
        [path.join(ROOT, 'dist/cli.js'), 'snapshot', '--repo', repo],
        {
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '', GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE }
        }
      )
      expect(result.status).toBe(2)
      expect(result.stderr.trim().split('\n')).toEqual([nodeTooOld(systemNode!)])
      expect(fs.existsSync(path.join(repo, 'backup'))).toBe(false)
    }
  )
})
