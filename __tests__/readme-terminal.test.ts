// The README's "From a terminal" block, typed line by line into bash on a real pseudo-terminal
// from this checkout, with the machine's own Node and npm first on PATH (Node 20 here, NOTES.md):
// `npx cutover-gate` must run the CLI on the Node 24 that npm ci installed, the passphrase prompt
// must say what it asks, and every line must exit 0. Only the snippet's placeholders are replaced:
// the repository, the restore target, and the snapshot id, taken from what `list` printed.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { exampleRepo } from '../__fixtures__/example-repo.js'
import { ROOT } from '../__fixtures__/run-action.js'
import { tempDir } from '../__fixtures__/trees.js'

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
const section = readme.slice(readme.indexOf('## From a terminal'))
const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!.trim().split('\n')
const PASSPHRASE = 'violet canyon ledger 7 orbit quietly'

/** PATH as a newcomer's shell has it: no node_modules/.bin of this checkout. */
const shellPath = (process.env.PATH ?? '')
  .split(path.delimiter)
  .filter((dir) => !dir.startsWith(path.join(ROOT, 'node_modules')))
  .join(path.delimiter)

describe("README's terminal commands", () => {
  it('are the form the README gives: npx cutover-gate, and a prompt that says what it reads', () => {
    expect(
      block.filter((line) => !line.startsWith('read ')).every((l) => /^npx cutover-gate /.test(l))
    ).toBe(true)
    expect(block[0]).toMatch(/read -r -s -p '[^']+: '/)
  })

  it('run as written in bash on a pseudo-terminal, each line exiting 0', async () => {
    const repo = exampleRepo()
    const target = path.join(tempDir('cg-readme-'), 'restore-check')
    const place = (line: string) =>
      line.replaceAll('/srv/graphiti', repo).replaceAll('/srv/restore-check', target)
    const child = spawn('script', ['-qec', 'bash --norc --noprofile -i', '/dev/null'], {
      cwd: ROOT,
      env: {
        PATH: shellPath,
        HOME: process.env.HOME ?? '/root',
        // A cold npm cache, as on a fresh machine or runner: with a warm one npx may skip the
        // install into its cache in which npm checks engines, and a warning CI sees would hide here.
        npm_config_cache: tempDir('cg-readme-npm-cache-'),
        TMPDIR: tempDir('cg-readme-tmp-'),
        TERM: 'dumb',
        PS1: '$ ',
        PROMPT_COMMAND: 'echo "[exit $?]"'
      }
    })
    let output = ''
    const waitFor = (pattern: RegExp, from: number) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`waited for ${pattern}: ${output.slice(from)}`)),
          100_000
        )
        const check = () => {
          const match = pattern.exec(output.slice(from))
          if (!match) return
          clearTimeout(timer)
          child.stdout.off('data', check)
          resolve(match)
        }
        child.stdout.on('data', check)
        check()
      })
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    await waitFor(/\$ $/, 0)
    const exits: string[] = []
    let snapshotId = ''
    for (const line of block) {
      const from = output.length
      child.stdin.write(`${place(line).replace('20261203T055001Z', snapshotId)}\n`)
      if (line.startsWith('read ')) {
        await waitFor(/snapshot passphrase: $/, from)
        child.stdin.write(`${PASSPHRASE}\n`)
      }
      const done = await waitFor(/\[exit (\d+)\]/, from)
      exits.push(done[1]!)
      if (/ list /.test(line)) snapshotId = /\b(\d{8}T\d{6}Z)\b/.exec(output.slice(from))![1]!
    }
    child.stdin.write('exit\n')
    await new Promise((resolve) => child.on('close', resolve))
    expect([exits, output]).toEqual([block.map(() => '0'), expect.any(String)])
    expect(output).not.toContain(PASSPHRASE)
    expect(output).not.toMatch(/EBADENGINE|needs Node\.js 24/)
    expect(fs.readdirSync(path.join(target, 'state')).length).toBeGreaterThan(0)
  })
})

describe('npm ci on the machine’s Node', () => {
  it('does not warn about cutover-gate’s own engines (the CLI checks its Node when it starts)', () => {
    const dir = tempDir('cg-npm-ci-')
    for (const file of ['package.json', 'package-lock.json'])
      fs.copyFileSync(path.join(ROOT, file), path.join(dir, file))
    const result = spawnSync('npm', ['ci', '--dry-run', '--no-audit', '--no-fund'], {
      cwd: dir,
      env: { PATH: shellPath, HOME: process.env.HOME ?? '/root' },
      encoding: 'utf8'
    })
    expect(result.status).toBe(0)
    expect(result.stderr).not.toMatch(/EBADENGINE[^\n]*\n[^\n]*package: 'cutover-gate@/)
  })
})
