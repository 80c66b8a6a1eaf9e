import { git, gitLines } from '../util/git-output.js'

/** What GitHub would publish a ref as (or not): the report counts refs by these. */
export type RefKind = 'branch' | 'tag' | 'remote-tracking' | 'notes' | 'stash' | 'other'

export interface Ref {
  name: string
  kind: RefKind
  /** The commit the ref names (a tag peeled); undefined for a ref to a tree or blob. */
  commit?: string
}

function kindOf(name: string): RefKind {
  if (name.startsWith('refs/heads/')) return 'branch'
  if (name.startsWith('refs/tags/')) return 'tag'
  if (name.startsWith('refs/remotes/')) return 'remote-tracking'
  if (name.startsWith('refs/notes/')) return 'notes'
  if (name === 'refs/stash') return 'stash'
  return 'other'
}

/**
 * Every ref (`for-each-ref`: branches, tags, remote-tracking refs, notes, stash, pull refs),
 * HEAD when it is detached, and each older stash entry (they live only in refs/stash's reflog).
 */
export async function listRefs(repo: string): Promise<Ref[]> {
  const refs: Ref[] = []
  for await (const line of gitLines(repo, [
    'for-each-ref',
    '--format=%(objecttype) %(objectname) %(*objecttype) %(*objectname) %(refname)'
  ])) {
    const [type, id, peeledType, peeled, ...rest] = line.split(' ')
    const name = rest.join(' ')
    const commit = type === 'commit' ? id : peeledType === 'commit' ? peeled : undefined
    refs.push({ name, kind: kindOf(name), ...(commit ? { commit } : {}) })
  }
  const head = await git(repo, ['symbolic-ref', '-q', 'HEAD'])
  if (!head.ok) {
    const detached = await git(repo, ['rev-parse', '--verify', '-q', 'HEAD^{commit}'])
    if (detached.ok) refs.push({ name: 'HEAD', kind: 'other', commit: detached.out.trim() })
  }
  if (refs.some((ref) => ref.name === 'refs/stash')) {
    const entries = await git(repo, ['reflog', 'show', '--format=%H', 'refs/stash'], {
      maxBuffer: 64 * 1024 * 1024
    })
    const ids = entries.ok ? entries.out.split('\n').filter(Boolean) : []
    ids
      .slice(1)
      .forEach((commit, at) => refs.push({ name: `stash@{${at + 1}}`, kind: 'stash', commit }))
  }
  return refs
}

/** The commit HEAD names, or undefined on an unborn branch. */
export async function headCommit(repo: string): Promise<string | undefined> {
  const head = await git(repo, ['rev-parse', '--verify', '-q', 'HEAD^{commit}'])
  return head.ok ? head.out.trim() : undefined
}
