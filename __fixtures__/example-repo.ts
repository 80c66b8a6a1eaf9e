import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { ROOT } from './run-action.js'
import { tempDir } from './trees.js'

/** Makes dir a git work tree with everything in it committed, as a user's repository would be. */
export function commitAll(dir: string): string {
  const git = (...args: string[]) =>
    execFileSync('git', [
      '-C',
      dir,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.invalid',
      ...args
    ])
  git('init', '-q')
  git('add', '-A')
  git('commit', '-qm', 'state')
  return dir
}

/** A git work tree holding a fresh copy of examples/graphiti-repo, committed, as a user's would be. */
export function exampleRepo(): string {
  const repo = path.join(tempDir('cg-example-'), 'graphiti-repo')
  fs.cpSync(path.join(ROOT, 'examples/graphiti-repo'), repo, {
    recursive: true,
    verbatimSymlinks: true
  })
  return commitAll(repo)
}

export function gitStatus(repo: string): string {
  return execFileSync('git', ['-C', repo, 'status', '--porcelain']).toString()
}
