import { createHash } from 'node:crypto'

/**
 * A name under an include, inside a message. Messages stay strings all the way to the doors, so a
 * name travels in them as a marked value: OPEN id SEP hidden CLOSE, where `hidden` is what may be
 * shown anywhere (the include root and a fingerprint) and `id` finds the real name in this
 * process's table. The doors render each message for their sink (renderNames): the hidden form,
 * or the name where the door's policy lets it show. A message that reaches a sink unrendered, cut
 * in half, or from another thread (whose table this one lacks) still shows only the hidden form.
 */
const OPEN = '\uE000'
const SEP = '\uE001'
const CLOSE = '\uE002'
const MARKED = /\uE000(\d+)\uE001([^\uE000-\uE002]*)\uE002/g
const STRAY = /[\uE000-\uE002]/g

/** Past this many names a run's messages show only the hidden forms (a hostile archive is endless). */
const MAX_REMEMBERED = 10_000
const remembered = new Map<number, string>()
let nextId = 0

/** Include roots this process knows (the config's and each manifest's): not private themselves. */
const roots = new Set<string>()

export function addIncludeRoots(includes: readonly string[]): void {
  for (const root of includes) if (root !== '') roots.add(root.replace(/\/+$/, ''))
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

/**
 * Marks a name for a message. `shown` is how the name reads where names may show (quoted,
 * escaped, cut); an include root itself is not private and comes back as `shown`.
 */
export function privateName(name: string | Buffer, shown?: string): string {
  const text = typeof name === 'string' ? name : name.toString('latin1')
  const display = shown ?? text
  if (roots.has(text)) return display
  const id = nextId++
  if (remembered.size < MAX_REMEMBERED) remembered.set(id, display)
  return `${OPEN}${id}${SEP}${hiddenForm(name)}${CLOSE}`
}

/**
 * A list of names for a one-line detail: how many, then a few of them, each marked
 * (`3 entries: a, b, c`, `12 entries: a, b, c, d, e and 7 more`).
 */
export function privateList(
  names: readonly string[],
  options: { few?: number; noun?: [string, string] } = {}
): string {
  const few = options.few ?? 5
  const [one, many] = options.noun ?? ['entry', 'entries']
  const shown = names
    .slice(0, few)
    .map((name) => privateName(name))
    .join(', ')
  const more = names.length > few ? ` and ${names.length - few} more` : ''
  return `${names.length} ${names.length === 1 ? one : many}: ${shown}${more}`
}

/** True when the text carries a marked name. */
export function hasPrivateNames(text: string): boolean {
  return text.includes(OPEN)
}

/**
 * A message as one sink may show it: every marked name as its hidden form, or, with `show`, as
 * the name itself. Stray marks (a marked name cut in half) are dropped.
 */
export function renderNames(text: string, show: boolean): string {
  if (!text.includes(OPEN) && !text.includes(CLOSE) && !text.includes(SEP)) return text
  return text
    .replace(MARKED, (_, id: string, hidden: string) =>
      show ? (remembered.get(Number(id)) ?? hidden) : hidden
    )
    .replace(STRAY, '')
}

/** renderNames over every string of a value (a report, the outputs), keys included. */
export function renderNamesDeep<T>(value: T, show: boolean): T {
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

/**
 * A path relative to the repository for a message: marked when it lies under an include root,
 * as itself otherwise (the repository's own files are not private).
 */
export function repoPathName(rel: string, shown = rel): string {
  const root = rootOf(rel)
  return root === undefined || root === rel ? shown : privateName(rel, shown)
}
