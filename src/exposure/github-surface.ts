import { z } from 'zod'

/** An artifact of the repository's workflow runs that looks like evidence of this runbook. */
export interface ArtifactExposure {
  name: string
  expiresAt: string | null
  bytes: number
}

/** What GitHub holds beside git that a change of visibility publishes (GitHub docs). */
export type GithubSurface =
  | { checked: false; reason: string }
  | {
      checked: true
      repository: string
      visibility: string
      wiki: boolean
      /** Unexpired artifacts whose names say snapshot, backup, report or the artifact-name. */
      artifacts: ArtifactExposure[]
      /** Unexpired artifacts besides those. */
      otherArtifacts: number
      caches: { count: number; bytes: number }
      forks: { name: string; private: boolean }[]
      releases: number
      /** Parts that could not be read, each a line saying what to grant. */
      problems: string[]
    }

export interface SurfaceRequest {
  token: string
  /** owner/name (GITHUB_REPOSITORY). */
  repository: string
  /** GITHUB_API_URL; empty for api.github.com. */
  apiUrl: string
  /** The artifact-name input: artifacts of that name hold a snapshot and its report. */
  artifactName: string
}

const Repo = z.object({
  full_name: z.string(),
  private: z.boolean(),
  visibility: z.string().optional(),
  has_wiki: z.boolean().optional()
})
const Artifact = z.object({
  name: z.string(),
  expired: z.boolean().optional(),
  expires_at: z.string().nullable().optional(),
  size_in_bytes: z.number().optional()
})
const Cache = z.object({ size_in_bytes: z.number().optional() })
const Fork = z.object({ full_name: z.string(), private: z.boolean().optional() })
const Release = z.object({ id: z.number() })

const EVIDENCE_NAME = /snapshot|backup|report|readiness|cutover|state/i

const PAGE_LIMIT = 20

function explain(what: string, error: unknown): string {
  const status = (error as { status?: number }).status
  const grant =
    what === 'artifacts' || what === 'caches'
      ? 'give the job permissions: actions: read'
      : 'give the job permissions: contents: read'
  if (status === 403 || status === 404) return `${what} not read (HTTP ${status}): ${grant}`
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
  return `${what} not read: ${message}`
}

/**
 * Reads the repository's GitHub surface with the ecosystem's client (@actions/github, so
 * GITHUB_API_URL, proxies and GHES work as in every action). Loaded here only: most runs of
 * other modes never need it. Every answer is checked (zod) before it is counted.
 */
export async function auditGithubSurface(request: SurfaceRequest): Promise<GithubSurface> {
  const [owner, repo] = request.repository.split('/')
  if (!owner || !repo) {
    return { checked: false, reason: `GITHUB_REPOSITORY (${request.repository}) is not owner/name` }
  }
  const { getOctokit } = await import('@actions/github')
  const octokit = getOctokit(request.token, {
    ...(request.apiUrl ? { baseUrl: request.apiUrl } : {}),
    request: { signal: AbortSignal.timeout(120_000) }
  })
  const params = { owner, repo, per_page: 100 }
  let info: z.infer<typeof Repo>
  try {
    info = Repo.parse((await octokit.request('GET /repos/{owner}/{repo}', { owner, repo })).data)
  } catch (error) {
    return { checked: false, reason: explain('the repository', error) }
  }
  const problems: string[] = []
  // a list past PAGE_LIMIT pages is counted so far: enough to say "delete them"
  const list = async <T>(what: string, route: string, schema: z.ZodType<T>): Promise<T[]> => {
    try {
      const items: unknown[] = []
      let pages = 0
      for await (const page of octokit.paginate.iterator(route, params)) {
        items.push(...(page.data as unknown[]))
        if (++pages >= PAGE_LIMIT) break
      }
      return z.array(schema).parse(items)
    } catch (error) {
      problems.push(explain(what, error))
      return []
    }
  }
  const artifacts = (
    await list('artifacts', 'GET /repos/{owner}/{repo}/actions/artifacts', Artifact)
  ).filter((artifact) => !artifact.expired)
  const evidence = artifacts.filter(
    (artifact) => artifact.name === request.artifactName || EVIDENCE_NAME.test(artifact.name)
  )
  const caches = await list('caches', 'GET /repos/{owner}/{repo}/actions/caches', Cache)
  const forks = await list('forks', 'GET /repos/{owner}/{repo}/forks', Fork)
  const releases = await list('releases', 'GET /repos/{owner}/{repo}/releases', Release)
  return {
    checked: true,
    repository: info.full_name,
    visibility: info.visibility ?? (info.private ? 'private' : 'public'),
    wiki: info.has_wiki ?? false,
    artifacts: evidence.map((artifact) => ({
      name: artifact.name,
      expiresAt: artifact.expires_at ?? null,
      bytes: artifact.size_in_bytes ?? 0
    })),
    otherArtifacts: artifacts.length - evidence.length,
    caches: {
      count: caches.length,
      bytes: caches.reduce((sum, cache) => sum + (cache.size_in_bytes ?? 0), 0)
    },
    forks: forks.map((fork) => ({ name: fork.full_name, private: fork.private ?? false })),
    releases: releases.length,
    problems
  }
}
