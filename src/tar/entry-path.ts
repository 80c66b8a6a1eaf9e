import { posix } from 'node:path'
import { privateName } from '../privacy/private-name.js'

const SHOWN_HEAD = 80
const SHOWN_TAIL = 60

/**
 * An archive name (or link target) for a one-line message. It is private (SPEC, Safety rules): the
 * message carries it marked, and each door shows its root and fingerprint, or, where names may
 * show, the name quoted: JSON escapes newlines and controls, long names are cut.
 */
export function showPath(value: string): string {
  return privateName(value, quotePath(value))
}

function quotePath(value: string): string {
  const cut =
    value.length > SHOWN_HEAD + SHOWN_TAIL + 10
      ? `${value.slice(0, SHOWN_HEAD)}…${value.slice(-SHOWN_TAIL)}`
      : value
  // JSON.stringify leaves U+2028/U+2029 alone, and some log viewers break lines on them
  return JSON.stringify(cut)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/**
 * Checks an archive name and returns it without a folder's trailing slash. Throws a one-line
 * Error naming the entry. Strict on purpose: the snapshot writer never emits `.`, `..`, `//` or
 * absolute names, so any of them means a hostile or foreign archive.
 */
export function checkEntryPath(raw: string, isDir: boolean): string {
  const name = isDir && raw.endsWith('/') ? raw.slice(0, -1) : raw
  const problem = pathProblem(name)
  if (problem) throw new Error(`entry ${showPath(raw)} ${problem}`)
  return name
}

function pathProblem(name: string): string | undefined {
  if (name === '') return 'has an empty name'
  if (name.includes('\0')) return 'has a NUL byte in its name'
  if (name.startsWith('/')) return 'is an absolute path'
  for (const part of name.split('/')) {
    if (part === '..') return 'has a ".." component'
    if (part === '.') return 'has a "." component'
    if (part === '') return 'has an empty path component'
  }
  return undefined
}

/**
 * Checks a symlink's target lexically from the link's folder: it must stay inside the restore
 * folder. Chains of links are checked once the whole archive is known (link-escape.ts).
 */
export function checkLinkTarget(linkPath: string, target: string): void {
  const show = showPath(linkPath)
  if (target === '') throw new Error(`symlink ${show} has an empty target`)
  if (target.includes('\0')) throw new Error(`symlink ${show} has a NUL byte in its target`)
  if (target.startsWith('/')) {
    throw new Error(
      `symlink ${show} points outside the snapshot (absolute target ${showPath(target)})`
    )
  }
  const slash = linkPath.lastIndexOf('/')
  const resolved =
    slash < 0 ? posix.normalize(target) : posix.normalize(`${linkPath.slice(0, slash)}/${target}`)
  if (resolved === '..' || resolved.startsWith('../')) {
    throw new Error(`symlink ${show} points outside the snapshot (target ${showPath(target)})`)
  }
}
