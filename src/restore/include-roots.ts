import { parseIndexLine } from '../format/index-format.js'
import { showPath } from '../tar/entry-path.js'

/**
 * Why the archive's index does not hold exactly the manifest's includes, or undefined: the
 * manifest is what people read to know what a snapshot protects, so an include it names but the
 * archive lacks (or an entry under no include) would make a GO say more than the snapshot holds.
 */
export function includeRootsProblem(
  archivedIndex: Iterable<string>,
  includes: string[]
): string | undefined {
  const roots = new Set(includes)
  const seen = new Set<string>()
  let lineNumber = 0
  for (const line of archivedIndex) {
    if (line === '') continue
    const { path } = parseIndexLine(line, ++lineNumber)
    const root = includes.find((r) => path === r || path.startsWith(`${r}/`))
    if (root === undefined) {
      return `the archive holds ${showPath(path)}, which lies under none of the manifest's includes (${includes.join(', ')}): the manifest does not describe this snapshot`
    }
    if (roots.has(path)) seen.add(path)
  }
  const absent = includes.filter((r) => !seen.has(r))
  if (absent.length > 0) {
    return `the manifest lists include(s) ${absent.join(', ')} that the archive does not hold: the manifest does not describe this snapshot`
  }
  return undefined
}
