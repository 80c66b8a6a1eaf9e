/**
 * A fake of the GitHub REST endpoints the exposure audit reads, on 127.0.0.1, so the real
 * @actions/github client runs against it (GITHUB_API_URL): the repository, workflow artifacts,
 * Actions caches, forks and releases, paginated with Link headers as GitHub does.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeGithubState {
  repo: { full_name: string; private: boolean; visibility: string; has_wiki: boolean }
  artifacts: {
    id: number
    name: string
    expired: boolean
    expires_at: string
    size_in_bytes: number
  }[]
  caches: { id: number; key: string; ref: string; size_in_bytes: number }[]
  forks: { full_name: string; private: boolean }[]
  releases: { id: number; tag_name: string }[]
  /** HTTP status to answer on a route (by its last segment: repo, artifacts, caches, forks, releases). */
  fail: Partial<Record<'repo' | 'artifacts' | 'caches' | 'forks' | 'releases', number>>
}

export interface FakeGithubApi {
  readonly url: string
  readonly state: FakeGithubState
  readonly requests: { method: string; path: string; headers: IncomingHttpHeaders }[]
  close(): Promise<void>
}

export function emptyGithubState(fullName = 'octo/private-state'): FakeGithubState {
  return {
    repo: { full_name: fullName, private: true, visibility: 'private', has_wiki: false },
    artifacts: [],
    caches: [],
    forks: [],
    releases: [],
    fail: {}
  }
}

export async function startFakeGithubApi(
  state: FakeGithubState = emptyGithubState()
): Promise<FakeGithubApi> {
  const requests: FakeGithubApi['requests'] = []
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers })
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
      res.end(JSON.stringify(body))
    }
    const match =
      /^\/repos\/([^/]+)\/([^/]+)(?:\/(actions\/artifacts|actions\/caches|forks|releases))?$/.exec(
        url.pathname
      )
    if (req.method !== 'GET' || !match || `${match[1]}/${match[2]}` !== state.repo.full_name) {
      return send(404, { message: 'Not Found' })
    }
    const route = (match[3]?.split('/').pop() ?? 'repo') as keyof FakeGithubState['fail']
    const failing = state.fail[route]
    if (failing) return send(failing, { message: 'Resource not accessible by integration' })
    if (route === 'repo') return send(200, state.repo)
    const all: unknown[] = state[route]
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100)
    const page = Number(url.searchParams.get('page') ?? 1)
    const items = all.slice((page - 1) * perPage, page * perPage)
    const last = Math.max(1, Math.ceil(all.length / perPage))
    const headers: Record<string, string> = {}
    if (page < last) {
      const next = new URL(url)
      next.host = req.headers.host ?? next.host
      next.searchParams.set('page', String(page + 1))
      headers.link = `<${next.toString()}>; rel="next"`
    }
    if (route === 'artifacts')
      return send(200, { total_count: all.length, artifacts: items }, headers)
    if (route === 'caches')
      return send(200, { total_count: all.length, actions_caches: items }, headers)
    return send(200, items, headers)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
