import fs from 'node:fs'
import path from 'node:path'
import { privateName } from './private-name.js'

/** Runs of characters that can be a path in a line of output (quotes, brackets, spaces end one). */
const TOKEN = /[^\s'"`<>|,;()[\]{}]+/g
const NEXT_PIECE = /^ ([^\s'"`<>|,;()[\]{}]+)/
/** How far past a space a printed name is followed. */
const MAX_PIECES = 8

const exists = (repo: string, rel: string): boolean =>
  fs.lstatSync(path.join(repo, rel), { throwIfNoEntry: false }) !== undefined

/**
 * A line (or tail) of the migration commands' output with every path under an include recorded
 * as a private name: the repository's code may print them (`would add: state/...`), and the
 * gate relays that output to the job log and the report. A path starts with an include root and
 * a slash, alone or after a slash (`/work/repo/state/...`). Past a space it goes on while the
 * next piece holds a slash (`state/my folder/x`) or the longer name is an entry of the repository
 * (`state/my file`).
 */
export function markOutputNames(text: string, includes: readonly string[], repo?: string): string {
  if (includes.length === 0 || text === '') return text
  const roots = [...includes].sort((a, b) => b.length - a.length)
  return text.replace(TOKEN, (token: string, offset: number) => {
    for (const root of roots) {
      const at = token.startsWith(`${root}/`) ? 0 : token.indexOf(`/${root}/`) + 1
      if (at < 0 || (at === 0 && !token.startsWith(`${root}/`))) continue
      const rel = token.slice(at)
      if (rel.length <= root.length + 1) continue
      let name = rel
      let candidate = rel
      let end = offset + token.length
      for (let piece = 0; piece < MAX_PIECES; piece++) {
        const next = NEXT_PIECE.exec(text.slice(end, end + 4096))
        if (!next) break
        candidate = `${candidate} ${next[1]}`
        end += next[0].length
        if (next[1]!.includes('/') || (repo !== undefined && exists(repo, candidate)))
          name = candidate
        else if (repo === undefined) break
      }
      privateName(name)
      return token
    }
    return token
  })
}
