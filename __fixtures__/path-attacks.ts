import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { runCli } from '../src/cli/run-cli.js'
import { commitAll } from './example-repo.js'
import { makeRepo, tempDir } from './trees.js'

/** A committed repository with a tracked script, as the runbook's repository has. */
export function gitRepoWithScript(): string {
  // in a parent folder of its own: tests point links at the repo's parent and check that nothing
  // there changed, which the shared temp folder (other tests write there meanwhile) cannot show
  const repo = makeRepo(path.join(fs.realpathSync(tempDir('cg-parent-')), 'repo'))
  fs.mkdirSync(path.join(repo, 'scripts'))
  fs.writeFileSync(path.join(repo, 'scripts/state_migration_check.py'), 'print("check")\n')
  fs.mkdirSync(path.join(repo, 'backup/snapshots'), { recursive: true })
  fs.writeFileSync(path.join(repo, 'backup/snapshots/latest-manifest.json'), '{"version":1}\n')
  return commitAll(repo)
}

/** Every entry under root (links as their target, files as their hash): any write shows. */
export function treeState(root: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir)) {
      const p = path.join(dir, name)
      const info = fs.lstatSync(p)
      const rel = path.relative(root, p)
      if (info.isSymbolicLink()) out.set(rel, `link:${fs.readlinkSync(p)}`)
      else if (info.isDirectory()) {
        out.set(rel, 'dir')
        walk(p)
      } else if (info.isFile()) {
        out.set(rel, createHash('sha256').update(fs.readFileSync(p)).digest('hex'))
      } else {
        // a fifo another test left (reading it would wait for a writer forever), a socket
        out.set(rel, `special:${info.mode}:${info.ino}`)
      }
    }
  }
  walk(root)
  return out
}

/**
 * A chain of `length` symlinks ending at target, made at `at` (relative to repo): `at -> hop1 ->
 * ... -> target`, the hops beside `at`, so a chain of any length resolves the same.
 */
export function linkChain(
  repo: string,
  at: string,
  target: string,
  length: number,
  relative = false
): void {
  const where = path.join(repo, at)
  fs.mkdirSync(path.dirname(where), { recursive: true })
  let next = relative ? path.relative(path.dirname(where), target) || '.' : target
  for (let i = length - 1; i >= 1; i--) {
    const hop = `${where}.hop${i}`
    fs.symlinkSync(next, hop)
    next = path.basename(hop)
  }
  fs.symlinkSync(next, where)
}

export interface InProcessRun {
  code: number
  stdout: string
  stderr: string
}

/** The CLI door itself, in this process: argv in, exit status and both streams out. */
export async function cli(
  argv: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {}
): Promise<InProcessRun> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (d) => (out += d))
  stderr.on('data', (d) => (err += d))
  const code = await runCli({
    argv,
    env: { PATH: process.env.PATH, HOME: '/tmp', GRAPHITI_SNAPSHOT_PASSPHRASE: 'pw', ...env },
    cwd,
    stdout,
    stderr,
    stdinIsTTY: false,
    stdoutIsTTY: false
  })
  return { code, stdout: out, stderr: err }
}
