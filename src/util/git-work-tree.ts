import fs from 'node:fs'
import path from 'node:path'
import { CAPS, readRegularFile } from './read-regular-file.js'

function isGitMarker(candidate: string): boolean {
  let info
  try {
    info = fs.lstatSync(candidate)
  } catch {
    return false
  }
  if (info.isDirectory()) return fs.existsSync(path.join(candidate, 'HEAD'))
  if (!info.isFile()) return false
  // a worktree or submodule: `.git` is a file naming the real git folder
  try {
    return readRegularFile(candidate, CAPS.gitfile).startsWith('gitdir:')
  } catch {
    return false
  }
}

/**
 * Whether repo (real, absolute) lies in a git work tree: a `.git` folder or gitfile in it or an
 * ancestor. Read from the files, not from git, so no hook, fsmonitor or config of the repo runs.
 */
export function isGitWorkTree(repo: string): boolean {
  if (repo.split(path.sep).includes('.git')) return false
  for (let dir = repo; ; dir = path.dirname(dir)) {
    if (isGitMarker(path.join(dir, '.git'))) return true
    if (path.dirname(dir) === dir) return false
  }
}
