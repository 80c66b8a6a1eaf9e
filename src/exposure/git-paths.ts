import path from 'node:path'
import { git } from '../util/git-output.js'

/**
 * The include roots as paths in the repository's trees: `repo` may be a folder inside the work
 * tree (a monorepo's `examples/app`), so each root gets the work tree prefix of `repo`.
 */
export async function includeTreePaths(
  repo: string,
  includes: readonly string[]
): Promise<string[]> {
  const answer = await git(repo, ['rev-parse', '--show-prefix'])
  if (!answer.ok) throw new Error(`git rev-parse --show-prefix failed: ${answer.error}`)
  const prefix = answer.out.replace(/\n$/, '')
  return includes.map((include) => path.posix.join(prefix, include))
}

/** Literal pathspecs: an include named `*` or `:x` means that folder, never a pattern. */
export function literalPathspecs(treePaths: readonly string[]): string[] {
  return treePaths.map((treePath) => `:(literal)${treePath}`)
}

/** Whether a path in a tree lies under one of the include roots (the root itself included). */
export function underIncludes(treePath: string, treePaths: readonly string[]): boolean {
  return treePaths.some((root) => treePath === root || treePath.startsWith(`${root}/`))
}
