import { jest } from '@jest/globals'
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import {
  applyEnv,
  readZip,
  startFakeResultsService,
  type FakeResultsService
} from '../__fixtures__/fake-results-service.js'
import { uploadEvidence } from '../src/artifact/upload-evidence.js'

// Over the client's 8 MiB block size, so the blob arrives as several blocks to reassemble.
const SNAPSHOT_BYTES = 9 * 1024 * 1024 + 123

describe('uploadEvidence against a fake results service', () => {
  let fake: FakeResultsService
  let restoreEnv: () => void
  let root: string
  let evidence: Map<string, Buffer>
  let stdout: string[]

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'artifact-upload-'))
    evidence = new Map([
      ['backup/snapshots/snapshot-20261125T214700Z.tar.zst.age', randomBytes(SNAPSHOT_BYTES)],
      ['backup/snapshots/latest-manifest.json', Buffer.from('{"version":1}\n')],
      ['reports/publicization/backup-readiness.md', Buffer.from('# GO\n')],
      ['reports/publicization/backup-readiness.json', Buffer.from('{"decision":"GO"}\n')]
    ])
    for (const [relative, bytes] of evidence) {
      await mkdir(dirname(join(root, relative)), { recursive: true })
      await writeFile(join(root, relative), bytes)
    }
  })
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  beforeEach(async () => {
    fake = await startFakeResultsService()
    restoreEnv = applyEnv({ ...fake.runnerEnv(), GITHUB_RETENTION_DAYS: undefined })
    stdout = []
    // @actions/core logs workflow commands on stdout: keep them for assertions, off the console.
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk))
      return true
    })
  })
  afterEach(async () => {
    jest.restoreAllMocks()
    restoreEnv()
    await fake.close()
  })

  const upload = (retentionDays: number) =>
    uploadEvidence({
      name: 'cutover-snapshot',
      files: [...evidence.keys()].map((relative) => join(root, relative)),
      rootDirectory: root,
      retentionDays
    })

  it('uploads the files as one stored zip and returns the id, size and GitHub URL', async () => {
    const result = await upload(0)

    const artifact = fake.artifacts.get('cutover-snapshot')
    const blob = artifact?.blob
    expect(blob).toBeDefined()
    expect(result).toEqual({
      id: 4100,
      url: 'https://github.com/octo-org/octo-repo/actions/runs/987654321/artifacts/4100',
      name: 'cutover-snapshot',
      size: blob?.length
    })

    const entries = readZip(blob as Buffer)
    expect(entries.map((e) => e.name).sort()).toEqual([...evidence.keys()].sort())
    for (const entry of entries) {
      expect(entry.method).toBe(0) // compressionLevel 0: stored, not deflated again
      expect(entry.data.equals(evidence.get(entry.name) as Buffer)).toBe(true)
    }

    const blocks = fake.requests.filter((r) => r.operation === 'StageBlock')
    expect(blocks.length).toBeGreaterThanOrEqual(2)
    expect(artifact?.blobContentType).toBe('application/zip')
    expect(artifact?.finalizeSize).toBe(String(blob?.length))
    const digest = createHash('sha256')
      .update(blob as Buffer)
      .digest('hex')
    expect(artifact?.finalizeHash).toBe(`sha256:${digest}`)
    // The signed URL's signature must be masked in the job log.
    expect(stdout.join('')).toContain('::add-mask::ZmFrZS1zaWduYXR1cmU=')
  })

  it('sends no expiry for retention 0, so the repository default applies', async () => {
    await upload(0)
    const [create] = fake.twirpBodies('CreateArtifact')
    expect(create).toMatchObject({
      name: 'cutover-snapshot',
      version: 7,
      mime_type: 'application/zip'
    })
    expect(create).not.toHaveProperty('expires_at')
  })

  it('sends an expiry retention-days ahead when retention is set', async () => {
    const before = Date.now()
    await upload(7)
    const [create] = fake.twirpBodies('CreateArtifact')
    const expiresAt = Date.parse(String(create?.expires_at))
    const week = 7 * 24 * 3600 * 1000
    // The client adds calendar days in local time: allow for a DST shift.
    expect(Math.abs(expiresAt - before - week)).toBeLessThan(2 * 3600 * 1000)
  })

  it('rides out one transient 500 through the client retry (about 3 s backoff)', async () => {
    fake.inject('CreateArtifact', { status: 500, msg: 'transient' })
    const started = Date.now()
    const result = await upload(0)
    expect(result.id).toBe(4100)
    expect(fake.requests.filter((r) => r.operation === 'CreateArtifact')).toHaveLength(2)
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900)
  })
})
