import { execFile } from 'node:child_process'

export interface GitResult {
  ok: boolean
  out: string
}

/**
 * Runs `git -C dir args` without blocking the event loop, so it can run while a snapshot
 * streams (a synchronous git costs 20–25 ms of a stalled process here). Never rejects: git
 * missing, failing or slower than 5 s is `ok: false`. `out` is what git printed even then: past
 * 1 MiB (ls-files of a huge tracked folder) it is the first MiB, enough to know it is not empty.
 */
export function git(dir: string, args: string[]): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-C', dir, ...args],
      { encoding: 'utf8', timeout: 5000, windowsHide: true },
      (error, stdout) => resolve({ ok: !error, out: stdout ?? '' })
    )
  })
}
