import fs from 'node:fs'
import path from 'node:path'

// As Linux's own limit: more hops than this is a loop, not a layout.
const MAX_LINKS = 40

function missing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'ENOENT' || code === 'ENOTDIR'
}

/**
 * Where an absolute path really is: every symlinked folder on the way resolved, including links
 * whose target does not exist yet (a write would follow them), the missing rest re-appended.
 */
export function realPath(absolute: string): string {
  let hops = 0
  const walk = (p: string): string => {
    try {
      return fs.realpathSync.native(p)
    } catch (error) {
      if (!missing(error)) throw error
    }
    const parent = path.dirname(p)
    if (parent === p) return p
    const at = path.join(walk(parent), path.basename(p))
    let info
    try {
      info = fs.lstatSync(at)
    } catch (error) {
      if (missing(error)) return at
      throw error
    }
    if (!info.isSymbolicLink()) return at
    if (++hops > MAX_LINKS) throw new Error(`${absolute}: too many levels of symbolic links`)
    return walk(path.resolve(path.dirname(at), fs.readlinkSync(at)))
  }
  return walk(path.resolve(absolute))
}

/** The path with its folders resolved but its last name kept: for files we never write through. */
export function realFolderOf(absolute: string): string {
  const resolved = path.resolve(absolute)
  return path.join(realPath(path.dirname(resolved)), path.basename(resolved))
}

/** Whether child is parent or lies below it (both absolute and resolved). */
export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel))
}

/** Whether any folder on the path is named .git: git's own files, never ours to write. */
export function inGitFolder(absolute: string): boolean {
  return absolute.split(path.sep).includes('.git')
}
