import fs from 'node:fs'
import path from 'node:path'

export interface IncludeFile {
  abs: string
  size: number
}

/**
 * The regular files under the include roots, never following a symlink (a link's target is not
 * the include's content). A root that is missing or unreadable is skipped and counted: the
 * snapshot step says which; this audit never names a path under an include. A missing one is
 * not counted: the audit's subject is what git and GitHub hold, not the work tree.
 */
export function* includeFiles(
  repo: string,
  includes: readonly string[],
  onUnreadable: () => void
): Generator<IncludeFile> {
  const stack = includes.map((include) => path.join(repo, include))
  while (stack.length > 0) {
    const abs = stack.pop()!
    let stat: fs.Stats
    try {
      stat = fs.lstatSync(abs)
    } catch (error) {
      // an include that is not there now has no content to look up (its history may still)
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') onUnreadable()
      continue
    }
    if (stat.isFile()) {
      yield { abs, size: stat.size }
    } else if (stat.isDirectory()) {
      try {
        for (const name of fs.readdirSync(abs)) stack.push(path.join(abs, name))
      } catch {
        onUnreadable()
      }
    }
  }
}
