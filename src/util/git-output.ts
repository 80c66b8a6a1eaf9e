import fs from 'node:fs'
import path from 'node:path'

export interface GitResult {
  ok: boolean
  out: string
}

/**
 * Runs `git -C dir args`, a question about the repository holding dir, without blocking the
 * event loop, so it can run while a snapshot streams (a synchronous git costs 20–25 ms of a
 * stalled process here). Never rejects: no repository that could hold dir (git is then not
 * started at all), git missing, failing or slower than 5 s is `ok: false`. `out` is what git
 * printed even then: past 1 MiB (ls-files of a huge tracked folder) it is the first MiB, enough to
 * know it is not empty.
 */
export function git(dir: string, args: string[]): Promise<GitResult> {
  if (!repositoryMayHold(dir)) return Promise.resolve({ ok: false, out: '' })
  // loaded when first needed: a snapshot outside a git folder never starts a process (~10 ms)
  const { execFile } = process.getBuiltinModule('node:child_process')
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-C', dir, ...args],
      { encoding: 'utf8', timeout: 5000, windowsHide: true, env: process.env },
      (error, stdout) => resolve({ ok: !error, out: stdout ?? '' })
    )
  })
}

/**
 * Whether a git repository could hold dir: a `.git` in it or in a folder above it, dir being a
 * bare repository itself, or GIT_DIR set. Asked before git is: starting git stalls this process
 * while it forks (~30 ms here), only to learn nothing about a folder that no repository holds.
 */
function repositoryMayHold(dir: string): boolean {
  if (process.env.GIT_DIR) return true
  let folder = path.resolve(dir)
  if (fs.existsSync(path.join(folder, 'HEAD')) && fs.existsSync(path.join(folder, 'objects'))) {
    return true
  }
  for (;;) {
    if (fs.existsSync(path.join(folder, '.git'))) return true
    const parent = path.dirname(folder)
    if (parent === folder) return false
    folder = parent
  }
}
