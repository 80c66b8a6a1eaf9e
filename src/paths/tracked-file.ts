import fs from 'node:fs'
import path from 'node:path'
import { gitSync } from '../util/git-output.js'

/**
 * Whether git tracks file (absolute, its folder real) although it is absent from the work tree:
 * writing there would bring back a deleted tracked file with other content. False when git cannot
 * tell (no git, no work tree); the content check at the path itself still holds then.
 */
export function isTrackedButAbsent(file: string): boolean {
  if (fs.existsSync(file)) return false
  let dir = path.dirname(file)
  while (!fs.existsSync(dir)) dir = path.dirname(dir)
  const listed = gitSync(dir, [
    '--literal-pathspecs',
    'ls-files',
    '-z',
    '--full-name',
    '--',
    path.relative(dir, file)
  ])
  return listed !== undefined && listed !== ''
}
