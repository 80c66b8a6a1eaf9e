/** Linux gives up (ELOOP) after 40 links in one lookup; a loop that long cannot escape. */
const MAX_HOPS = 40

export interface LinkEscape {
  link: string
  /** The last symlink the lookup went through before climbing out. */
  via: string
}

/**
 * Each symlink target was checked lexically on its own, but a chain can still climb out: with
 * `s -> .`, the target `s/..` is lexically `.` yet the kernel resolves it to the restore folder's
 * parent. So resolve every target through the archive's own links, treating every other name as
 * a folder (even missing ones, which may be created later), and report the first that escapes.
 */
export function findLinkEscape(links: ReadonlyMap<string, string>): LinkEscape | undefined {
  for (const [link, target] of links) {
    const via = escapeVia(link, target, links)
    if (via !== undefined) return { link, via }
  }
  return undefined
}

function escapeVia(link: string, target: string, links: ReadonlyMap<string, string>): string | undefined {
  const resolved = link.split('/')
  resolved.pop()
  const pending = target.split('/').reverse()
  let hops = 0
  let via = link
  while (pending.length > 0) {
    const part = pending.pop()!
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (resolved.length === 0) return via
      resolved.pop()
      continue
    }
    resolved.push(part)
    const next = links.get(resolved.join('/'))
    if (next === undefined) continue
    if (++hops > MAX_HOPS) return undefined
    via = resolved.join('/')
    resolved.pop()
    // absolute targets were refused when the link was read, so every target is relative
    for (const piece of next.split('/').reverse()) pending.push(piece)
  }
  return undefined
}
