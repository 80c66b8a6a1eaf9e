/** Linux gives up (ELOOP) after 40 links in one lookup; a loop that long cannot escape. */
const MAX_HOPS = 40
/** Lookup steps for all links together: real trees need a few per link; beyond is hostile. */
export const MAX_STEPS = 20_000_000

export interface LinkEscape {
  link: string
  /** The last symlink the lookup went through before climbing out ('' when it gave up). */
  via: string
  /** True when the check gave up at MAX_STEPS instead of finding an escape. */
  tooTangled: boolean
}

/** A trie of the names on the way to each link: everything outside it holds no link. */
interface Node {
  parent: Node | undefined
  children: Map<string, Node>
  /** Set on a symlink's own node. */
  target: string | undefined
  path: string
}

const newNode = (parent: Node | undefined): Node => ({
  parent,
  children: new Map(),
  target: undefined,
  path: ''
})

function buildTrie(links: ReadonlyMap<string, string>): Node[] {
  const root = newNode(undefined)
  const linkNodes: Node[] = []
  for (const [path, target] of links) {
    let node = root
    for (const part of path.split('/')) {
      let child = node.children.get(part)
      if (!child) node.children.set(part, (child = newNode(node)))
      node = child
    }
    node.target = target
    node.path = path
    linkNodes.push(node)
  }
  return linkNodes
}

/**
 * Each symlink target was checked lexically on its own, but a chain can still climb out: with
 * `s -> .`, the target `s/..` is lexically `.` yet the kernel resolves it to the restore folder's
 * parent. So resolve every target through the archive's own links, treating every other name as
 * a folder (even missing ones, which may be created later), and report the first that escapes.
 */
export function findLinkEscape(
  links: ReadonlyMap<string, string>,
  maxSteps = MAX_STEPS
): LinkEscape | undefined {
  const budget = { steps: maxSteps }
  for (const node of buildTrie(links)) {
    const via = escapeVia(node, budget)
    if (via !== undefined) return { link: node.path, via, tooTangled: budget.steps < 0 }
  }
  return undefined
}

function escapeVia(link: Node, budget: { steps: number }): string | undefined {
  let node = link.parent!
  let missing = 0
  let hops = 0
  let via = link.path
  const pending = link.target!.split('/').reverse()
  while (pending.length > 0) {
    if (--budget.steps < 0) return ''
    const part = pending.pop()!
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (missing > 0) missing--
      else if (!node.parent) return via
      else node = node.parent
      continue
    }
    const child = missing > 0 ? undefined : node.children.get(part)
    if (!child) {
      // below a name that is no link's ancestor, no link can intervene: count depth only
      missing++
      continue
    }
    if (child.target === undefined) {
      node = child
      continue
    }
    if (++hops > MAX_HOPS) return undefined
    via = child.path
    // absolute targets were refused when the link was read, so every target is relative
    for (const piece of child.target.split('/').reverse()) pending.push(piece)
  }
  return undefined
}
