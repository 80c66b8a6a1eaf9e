import type { ContentExposure } from './content.js'
import type { GithubSurface } from './github-surface.js'
import type { HistoryExposure } from './history.js'

/** What a finding is about; the report, the output and the annotations use these names. */
export type FindingKind =
  'history' | 'lfs' | 'content' | 'artifacts' | 'caches' | 'forks' | 'releases'

/** One thing that going public would publish, and what removes it. No path under an include. */
export interface Finding {
  kind: FindingKind
  count: number
  /** One line: what is exposed, in counts, include roots and commit ids. */
  summary: string
  /** One line: what to do about it. */
  remedy: string
}

/** The audit of what making the repository public would publish of the includes. */
export interface ExposureAudit {
  includes: string[]
  /** git's part: the object format when read, else why not. */
  git:
    | {
        checked: true
        objectFormat: string
        /** A shallow clone (actions/checkout's default depth 1) has only part of the history. */
        shallow: boolean
      }
    | { checked: false; reason: string }
  history?: HistoryExposure
  content?: ContentExposure
  github: GithubSurface
  findings: Finding[]
  /** Facts that are not findings but bear on them (already public, wiki on, unreferenced copies). */
  notes: string[]
}

/** Said when the clone is shallow: the history read is not the history GitHub would publish. */
export const SHALLOW_NOTE =
  'this clone is shallow: only part of the history was read, and GitHub publishes all of it; check out with fetch-depth: 0'

const short = (id: string): string => id.slice(0, 12)
const s = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`

function refsText(refs: HistoryExposure['refs']): string {
  const parts = Object.entries(refs).map(([kind, n]) =>
    s(n, kind === 'branch' ? 'branch' : kind, kind === 'branch' ? 'branches' : `${kind} refs`)
  )
  return parts.length > 0 ? parts.join(', ') : 'no ref'
}

/** The findings and notes, from the parts: the one place that says what counts as exposed. */
export function findingsOf(audit: Omit<ExposureAudit, 'findings' | 'notes'>): {
  findings: Finding[]
  notes: string[]
} {
  const findings: Finding[] = []
  const notes: string[] = []
  const roots = audit.includes.join(', ')
  const h = audit.history
  if (h && h.commits > 0) {
    const held = h.perInclude.filter((row) => row.commits > 0).map((row) => row.include)
    findings.push({
      kind: 'history',
      count: h.commits,
      summary: `${s(h.commits, 'commit')} of ${h.scanned} reachable from ${refsText(h.refs)} ${h.commits === 1 ? 'holds' : 'hold'} files under ${held.join(', ')}: first ${short(h.first!.id)} (${h.first!.date.slice(0, 10)}), last ${short(h.last!.id)} (${h.last!.date.slice(0, 10)}); HEAD ${h.headHolds ? 'holds them now' : 'no longer holds them'}`,
      remedy: `rewrite every ref without them (git filter-repo --invert-paths ${held.map((root) => `--path ${root}`).join(' ')}, then force-push every branch and tag) or publish a fresh repository from a clean tree; old commits stay reachable by id through forks and pull requests until GitHub Support purges them`
    })
  }
  if (h && h.lfsPointers > 0) {
    findings.push({
      kind: 'lfs',
      count: h.lfsPointers,
      summary: `${s(h.lfsPointers, 'Git LFS pointer')} under ${roots} in history: their objects live on the LFS server`,
      remedy:
        'a history rewrite does not delete LFS objects on the server: delete them (or the repository) before going public, or publish a fresh repository'
    })
  }
  if (audit.git.checked && audit.git.shallow) {
    notes.push(SHALLOW_NOTE)
  }
  const c = audit.content
  if (c && c.reachable > 0) {
    const where = c.elsewhere > 0 ? `, ${c.elsewhere} of them under another path` : ''
    findings.push({
      kind: 'content',
      count: c.reachable,
      summary: `${s(c.reachable, 'file')} of ${c.lookedUp} looked up under ${roots} ${c.reachable === 1 ? 'has its' : 'have their'} exact bytes in commits a ref reaches${where}`,
      remedy:
        'remove those blobs from every ref (git filter-repo --strip-blobs-with-ids with the ids from git hash-object on the files, then force-push) or publish a fresh repository'
    })
  }
  if (c && c.inObjects > c.reachable) {
    notes.push(
      `${s(c.inObjects - c.reachable, 'file')} under ${roots} ${c.inObjects - c.reachable === 1 ? 'has its' : 'have their'} bytes in objects no ref reaches (reflogs, dangling objects): git push does not send them; git gc --prune=now removes them here`
    )
  }
  const g = audit.github
  if (g.checked) {
    if (g.artifacts.length > 0) {
      const names = g.artifacts
        .slice(0, 5)
        .map((a) => `${a.name}${a.expiresAt ? ` (expires ${a.expiresAt.slice(0, 10)})` : ''}`)
        .join(', ')
      findings.push({
        kind: 'artifacts',
        count: g.artifacts.length,
        summary: `${s(g.artifacts.length, 'workflow artifact')} that may hold snapshots or reports: ${names}${g.artifacts.length > 5 ? ', …' : ''}`,
        remedy:
          'delete them before going public (gh api -X DELETE repos/OWNER/REPO/actions/artifacts/ID): any signed-in user can download a public repository’s artifacts'
      })
    }
    if (g.caches.count > 0) {
      findings.push({
        kind: 'caches',
        count: g.caches.count,
        summary: `${s(g.caches.count, 'Actions cache')} (${g.caches.bytes} bytes): the default branch’s caches become readable through fork pull requests`,
        remedy: 'delete them before going public (gh cache delete --all)'
      })
    }
    if (g.forks.length > 0) {
      findings.push({
        kind: 'forks',
        count: g.forks.length,
        summary: `${s(g.forks.length, 'fork')} (${g.forks
          .slice(0, 5)
          .map((f) => f.name)
          .join(
            ', '
          )}${g.forks.length > 5 ? ', …' : ''}) ${g.forks.length === 1 ? 'keeps' : 'keep'} the history as it was`,
        remedy:
          'private forks are detached when the repository goes public and keep every commit: ask their owners to delete them, or delete them as the organisation'
      })
    }
    if (g.releases > 0) {
      findings.push({
        kind: 'releases',
        count: g.releases,
        summary: `${s(g.releases, 'release')}: their source archives and assets are published with them`,
        remedy:
          'check each release’s assets and tag; delete the ones made from commits that hold the includes'
      })
    }
    if (g.visibility === 'public') {
      notes.push('the repository is already public: what is listed here is published now')
    }
    if (g.wiki) notes.push('the wiki is on: its pages become public with the repository')
    notes.push(...g.problems)
  }
  return { findings, notes }
}

/** The `exposure` output: counts, include roots and commit ids, never a private name. */
export function exposureOutput(audit: ExposureAudit): string {
  const h = audit.history
  const c = audit.content
  const g = audit.github
  return JSON.stringify({
    findings: audit.findings.reduce((sum, finding) => sum + finding.count, 0),
    kinds: Object.fromEntries(audit.findings.map((finding) => [finding.kind, finding.count])),
    includes: audit.includes,
    history: h
      ? {
          commits: h.commits,
          scanned: h.scanned,
          first: h.first?.id ?? null,
          last: h.last?.id ?? null,
          headHolds: h.headHolds,
          lfsPointers: h.lfsPointers
        }
      : null,
    content: c ? { lookedUp: c.lookedUp, inObjects: c.inObjects, reachable: c.reachable } : null,
    github: g.checked
      ? {
          checked: true,
          visibility: g.visibility,
          artifacts: g.artifacts.length,
          caches: g.caches.count,
          forks: g.forks.length,
          releases: g.releases
        }
      : { checked: false }
  })
}
