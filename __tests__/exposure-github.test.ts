// The exposure audit's GitHub part: the real @actions/github client against a fake of the REST
// endpoints on 127.0.0.1, paginated as GitHub paginates.
import { auditGithubSurface } from '../src/exposure/github-surface.js'
import { auditExposure } from '../src/exposure/audit.js'
import {
  emptyGithubState,
  startFakeGithubApi,
  type FakeGithubApi
} from '../__fixtures__/fake-github-api.js'
import { initRepo, write, commitAll, privateContent } from '../__fixtures__/exposure-repos.js'
import { removeTempFolders, tempFolder } from '../__fixtures__/migration-helpers.js'

let api: FakeGithubApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
  await removeTempFolders()
})

const TOKEN = 'ghs_fakeTokenForTheExposureAudit0123456789'

function request(url: string, repository = 'octo/private-state') {
  return { token: TOKEN, repository, apiUrl: url, artifactName: 'cutover-snapshot' }
}

it('lists snapshot artifacts with expiry, caches, forks and releases, over several pages', async () => {
  const state = emptyGithubState()
  state.repo.has_wiki = true
  // 130 artifacts: two pages of 100; the evidence ones among ordinary build output
  for (let i = 0; i < 130; i++) {
    state.artifacts.push({
      id: i,
      name: i === 7 ? 'cutover-snapshot' : i === 120 ? 'nightly-backup' : `build-${i}`,
      expired: i === 3,
      expires_at: `2027-01-${String((i % 28) + 1).padStart(2, '0')}T00:00:00Z`,
      size_in_bytes: 1000 + i
    })
  }
  state.artifacts.push({
    id: 999,
    name: 'old-snapshot',
    expired: true,
    expires_at: '2026-01-01T00:00:00Z',
    size_in_bytes: 5
  })
  state.caches.push({ id: 1, key: 'npm-linux-x', ref: 'refs/heads/main', size_in_bytes: 2048 })
  state.caches.push({ id: 2, key: 'pip-linux-y', ref: 'refs/heads/main', size_in_bytes: 4096 })
  state.forks.push({ full_name: 'mallory/private-state', private: true })
  state.releases.push({ id: 1, tag_name: 'v1' })
  api = await startFakeGithubApi(state)
  const surface = await auditGithubSurface(request(api.url))
  expect(surface).toEqual({
    checked: true,
    repository: 'octo/private-state',
    visibility: 'private',
    wiki: true,
    artifacts: [
      { name: 'cutover-snapshot', expiresAt: '2027-01-08T00:00:00Z', bytes: 1007 },
      { name: 'nightly-backup', expiresAt: '2027-01-09T00:00:00Z', bytes: 1120 }
    ],
    otherArtifacts: 127,
    caches: { count: 2, bytes: 6144 },
    forks: [{ name: 'mallory/private-state', private: true }],
    releases: 1,
    problems: []
  })
  // the real client sent the token and followed the Link header to page 2
  expect(api.requests.every((r) => r.headers.authorization === `token ${TOKEN}`)).toBe(true)
  expect(api.requests.filter((r) => r.path.endsWith('/actions/artifacts'))).toHaveLength(2)
})

it('a token without actions: read: those parts are problems naming the permission, the rest is read', async () => {
  const state = emptyGithubState()
  state.fail = { artifacts: 403, caches: 403 }
  state.forks.push({ full_name: 'a/b', private: false })
  api = await startFakeGithubApi(state)
  const surface = await auditGithubSurface(request(api.url))
  expect(surface.checked).toBe(true)
  if (!surface.checked) return
  expect(surface.forks).toHaveLength(1)
  expect(surface.problems).toEqual([
    'artifacts not read (HTTP 403): give the job permissions: actions: read',
    'caches not read (HTTP 403): give the job permissions: actions: read'
  ])
})

it('a repository the token cannot see: not checked, saying why', async () => {
  api = await startFakeGithubApi()
  const surface = await auditGithubSurface(request(api.url, 'octo/other'))
  expect(surface).toEqual({
    checked: false,
    reason: 'the repository not read (HTTP 404): give the job permissions: contents: read'
  })
})

it('the findings name artifacts, caches and forks with their remedies; the repo needs no git finding', async () => {
  const state = emptyGithubState()
  state.artifacts.push({
    id: 1,
    name: 'cutover-snapshot',
    expired: false,
    expires_at: '2027-02-01T00:00:00Z',
    size_in_bytes: 10
  })
  state.caches.push({ id: 1, key: 'k', ref: 'refs/heads/main', size_in_bytes: 1 })
  state.forks.push({ full_name: 'mallory/private-state', private: true })
  api = await startFakeGithubApi(state)
  const repo = initRepo(await tempFolder('cg-exp-'))
  write(repo, { '.gitignore': 'state/\n', 'state/a.json': privateContent('gh') })
  commitAll(repo, 'start')
  const audit = await auditExposure({ repo, includes: ['state'], github: request(api.url) })
  expect(audit.findings.map((f) => [f.kind, f.count])).toEqual([
    ['artifacts', 1],
    ['caches', 1],
    ['forks', 1]
  ])
  expect(audit.findings[0]!.summary).toContain('cutover-snapshot (expires 2027-02-01)')
  expect(audit.findings[2]!.remedy).toMatch(/detached/)
})
