import { parseIndexLine, type IndexEntry } from '../format/index-format.js'
import { showPath } from '../tar/entry-path.js'

const MAX_NAMED = 10

/** A problem is put in words only if it is among the few named: each names private entries. */
type Problem = () => string

interface Listed {
  entry: IndexEntry
  line: string
  lineNumber: number
}

interface ReadIndex {
  byPath: Map<string, Listed>
  order: string[]
  /** Paths of lines that failed validation: already reported, so not reported again as extra. */
  unreadable: Set<string>
}

function splitLines(text: string): string[] {
  const lines = text.split('\n')
  lines.pop()
  return lines
}

/** A path from a line that failed validation, when it has one, to avoid a second report. */
function pathHint(line: string): string | undefined {
  try {
    const value: unknown = JSON.parse(line)
    const path = (value as { path?: unknown } | null)?.path
    return typeof path === 'string' ? path : undefined
  } catch {
    return undefined
  }
}

function readArchived(archived: Buffer, problems: Problem[]): ReadIndex {
  const read: ReadIndex = { byPath: new Map(), order: [], unreadable: new Set() }
  const text = archived.toString('utf8')
  if (!Buffer.from(text, 'utf8').equals(archived))
    problems.push(() => 'archive index is not valid UTF-8')
  if (text !== '' && !text.endsWith('\n'))
    problems.push(() => 'archive index does not end with a newline')
  const lines = splitLines(text.endsWith('\n') || text === '' ? text : `${text}\n`)
  lines.forEach((line, i) => {
    const lineNumber = i + 1
    let entry: IndexEntry
    try {
      entry = parseIndexLine(line, lineNumber)
    } catch (error) {
      problems.push(() => (error as Error).message)
      const hint = pathHint(line)
      if (hint !== undefined) read.unreadable.add(hint)
      return
    }
    const earlier = read.byPath.get(entry.path)
    if (earlier) {
      problems.push(
        () =>
          `archive index lists ${showPath(entry.path)} twice (lines ${earlier.lineNumber} and ${lineNumber})`
      )
      return
    }
    read.byPath.set(entry.path, { entry, line, lineNumber })
    read.order.push(entry.path)
  })
  return read
}

/** The observed index is built by extract.ts from indexLine(), so it is canonical by construction. */
function readObserved(observed: Buffer): ReadIndex {
  const read: ReadIndex = { byPath: new Map(), order: [], unreadable: new Set() }
  splitLines(observed.toString('utf8')).forEach((line, i) => {
    const entry = JSON.parse(line) as IndexEntry
    read.byPath.set(entry.path, { entry, line, lineNumber: i + 1 })
    read.order.push(entry.path)
  })
  return read
}

const octal = (mode: number): string => `0o${mode.toString(8).padStart(3, '0')}`

function difference(path: string, listed: IndexEntry, found: IndexEntry): string {
  const name = showPath(path)
  if (listed.type !== found.type) {
    return `entry ${name} is a ${found.type} in the archive but a ${listed.type} in the index`
  }
  const parts: string[] = []
  if (listed.mode !== found.mode) {
    parts.push(`mode ${octal(found.mode)} in the archive, ${octal(listed.mode)} in the index`)
  }
  if (listed.type === 'file' && found.type === 'file') {
    if (listed.size !== found.size) {
      parts.push(`${found.size} bytes in the archive, ${listed.size} in the index`)
    }
    if (listed.sha256 !== found.sha256)
      parts.push('its content differs from the sha256 in the index')
  }
  if (listed.type === 'symlink' && found.type === 'symlink' && listed.target !== found.target) {
    parts.push(
      `target ${showPath(found.target)} in the archive, ${showPath(listed.target)} in the index`
    )
  }
  return `entry ${name} differs: ${parts.join(', ')}`
}

/** The first place where entries both sides list appear in a different order, if any. */
function orderProblem(index: ReadIndex, found: ReadIndex): string | undefined {
  const listedOrder = index.order.filter((p) => found.byPath.has(p))
  const foundOrder = found.order.filter((p) => index.byPath.has(p))
  const at = foundOrder.findIndex((p, i) => listedOrder[i] !== p)
  if (at < 0) return undefined
  const path = foundOrder[at]!
  const expected = listedOrder[at]!
  return `entry ${showPath(path)} is out of order: the index lists ${showPath(expected)} there (index line ${index.byPath.get(expected)!.lineNumber})`
}

/**
 * Problems (at most ~10 named, then "and N more") between the archive's index and what was
 * observed; [] when they agree. Also validates every archived line with parseIndexLine.
 */
export function compareIndexes(archived: Buffer, observed: Buffer): string[] {
  // observed lines come from indexLine() on checked entries, so equal bytes are valid bytes too
  if (archived.equals(observed)) return []
  const problems: Problem[] = []
  const index = readArchived(archived, problems)
  const found = readObserved(observed)
  for (const path of found.order) {
    const listed = index.byPath.get(path)
    const seen = found.byPath.get(path)!
    if (!listed) {
      if (!index.unreadable.has(path))
        problems.push(() => `entry ${showPath(path)} is in the archive but not in its index`)
    } else if (listed.line !== seen.line) {
      problems.push(() => difference(path, listed.entry, seen.entry))
    }
  }
  for (const path of index.order) {
    if (!found.byPath.has(path))
      problems.push(() => `entry ${showPath(path)} is in the index but missing from the archive`)
  }
  const order = orderProblem(index, found)
  if (order) problems.push(() => order)
  const named = problems.slice(0, MAX_NAMED).map((problem) => problem())
  if (problems.length <= MAX_NAMED) return named
  return [...named, `and ${problems.length - MAX_NAMED} more`]
}
