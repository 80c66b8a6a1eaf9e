import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

/** git with nothing of the user's: no system or global config, no hooks, no fsmonitor. */
function cleanGit(cwd: string, args: string[]): string {
  return execFileSync(
    'git',
    [
      '--literal-pathspecs',
      '-c',
      'core.fsmonitor=false',
      '-c',
      'core.hooksPath=/dev/null',
      ...args
    ],
    {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null'
      }
    }
  )
}

/**
 * Whether git tracks file (absolute, its folder real) although it is absent from the work tree:
 * writing there would bring back a deleted tracked file with other content. False when git cannot
 * tell (no git, no work tree); the content check at the path itself still holds then.
 */
export function isTrackedButAbsent(file: string): boolean {
  if (fs.existsSync(file)) return false
  let dir = path.dirname(file)
  while (!fs.existsSync(dir)) dir = path.dirname(dir)
  try {
    const listed = cleanGit(dir, ['ls-files', '-z', '--full-name', '--', path.relative(dir, file)])
    return listed !== ''
  } catch {
    return false
  }
}
