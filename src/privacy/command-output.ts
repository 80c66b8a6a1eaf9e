import { privateName } from './private-name.js'

/** Runs of characters that can be a path in a line of output (quotes, brackets, spaces end one). */
const TOKEN = /[^\s'"`<>|,;()[\]{}]+/g

/**
 * A line (or tail) of the migration commands' output with every path under an include recorded
 * as a private name: the repository's code may print them (`would add: state/...`), and the
 * gate relays that output to the job log and the report. A path is a run of characters starting
 * with an include root and a slash, alone or after a slash (`/work/repo/state/...`); a name with
 * a space in it is recorded up to the space.
 */
export function markOutputNames(text: string, includes: readonly string[]): string {
  if (includes.length === 0 || text === '') return text
  const roots = [...includes].sort((a, b) => b.length - a.length)
  return text.replace(TOKEN, (token) => {
    for (const root of roots) {
      const at = token.startsWith(`${root}/`) ? 0 : token.indexOf(`/${root}/`) + 1
      if (at < 0 || (at === 0 && !token.startsWith(`${root}/`))) continue
      const rel = token.slice(at)
      if (rel.length <= root.length + 1) continue
      privateName(rel)
      return token
    }
    return token
  })
}
