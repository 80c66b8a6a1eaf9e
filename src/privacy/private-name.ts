import { createHash } from 'node:crypto'

/**
 * Names under the includes are private (SPEC, Safety rules). A message that names one gets it
 * through privateName(), which records the name as this process shows it, with its hidden form
 * (include root + fingerprint), and returns the shown form: messages stay plain text for the
 * engine and its tests. Every sink (job log, annotations, outputs, summary, report files, the
 * CLI's streams) renders its text through renderNames() by the door's policy, which replaces each
 * recorded name with its hidden form unless names may show there.
 */
const recorded = new Map<string, string>()
let pattern: RegExp | undefined

/** Include roots this process knows (the config's and each manifest's): not private themselves. */
const roots = new Set<string>()

export function addIncludeRoots(includes: readonly string[]): void {
  for (const root of includes) {
    const clean = root.replace(/\/+$/, '')
    if (clean !== '') roots.add(clean)
  }
}

/** The include root a name lies under (the longest), or undefined. */
export function rootOf(name: string): string | undefined {
  let best: string | undefined
  for (const root of roots) {
    if ((name === root || name.startsWith(`${root}/`)) && root.length > (best?.length ?? -1))
      best = root
  }
  return best
}

/** A short stable fingerprint of a name's bytes: the same name gives the same one on every run and machine. */
export function nameFingerprint(name: string | Buffer): string {
  return createHash('sha256')
    .update(typeof name === 'string' ? Buffer.from(name, 'utf8') : name)
    .digest('hex')
    .slice(0, 10)
}

/** What any log or report may show of a name: its include root and its fingerprint. */
export function hiddenForm(name: string | Buffer): string {
  const text = typeof name === 'string' ? name : name.toString('latin1')
  const root = rootOf(text)
  return `${root === undefined ? '' : `${root}/`}…#${nameFingerprint(name)}`
}

/** Shorter shown forms are not recorded: hiding them would eat ordinary words, and they tell little. */
const MIN_RECORDED = 3

/**
 * A name for a message: returns how it reads where names may show (`shown`, else the name) and
 * records it for the sinks to hide. An include root is not private.
 */
export function privateName(name: string | Buffer, shown?: string): string {
  const text = typeof name === 'string' ? name : name.toString('latin1')
  const display = shown ?? text
  if (roots.has(text) || display.length < MIN_RECORDED) return display
  if (!recorded.has(display)) {
    recorded.set(display, hiddenForm(name))
    pattern = undefined
  }
  return display
}

/**
 * A path relative to the repository for a message: recorded when it lies under an include root,
 * as itself otherwise (the repository's own files are not private).
 */
export function repoPathName(rel: string, shown = rel): string {
  const root = rootOf(rel)
  return root === undefined || root === rel ? shown : privateName(rel, shown)
}

/**
 * A list of names for a one-line detail: how many, then a few of them, each recorded
 * (`3 entries: a, b, c`, `12 entries: a, b, c, d, e and 7 more`). Only the few are recorded.
 */
export function privateList(
  names: readonly string[],
  options: { few?: number; noun?: [string, string]; mark?: (name: string) => string } = {}
): string {
  const few = options.few ?? 5
  const [one, many] = options.noun ?? ['entry', 'entries']
  const mark = options.mark ?? ((name: string) => privateName(name))
  const shown = names.slice(0, few).map(mark).join(', ')
  const more = names.length > few ? ` and ${names.length - few} more` : ''
  return `${names.length} ${names.length === 1 ? one : many}: ${shown}${more}`
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Text as one sink may show it: with `show`, as it is; else every recorded name (longest first,
 * so a folder's name never leaves its file's tail behind) replaced by its hidden form.
 */
export function renderNames(text: string, show: boolean): string {
  if (show || recorded.size === 0 || text === '') return text
  pattern ??= new RegExp(
    [...recorded.keys()]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|'),
    'g'
  )
  return text.replace(pattern, (found) => recorded.get(found) ?? found)
}

/** renderNames over every string of a value (a report, the outputs), keys included. */
export function renderNamesDeep<T>(value: T, show: boolean): T {
  if (show) return value
  if (typeof value === 'string') return renderNames(value, show) as T
  if (Array.isArray(value)) return value.map((item) => renderNamesDeep(item, show)) as T
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        renderNames(key, show),
        renderNamesDeep(item, show)
      ])
    ) as T
  }
  return value
}
