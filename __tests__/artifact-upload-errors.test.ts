import { jest } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  applyEnv,
  startFakeResultsService,
  type FakeResultsService
} from '../__fixtures__/fake-results-service.js'
import { NOT_ON_RUNNER, uploadEvidence } from '../src/artifact/upload-evidence.js'

describe('uploadEvidence failures', () => {
  let fake: FakeResultsService
  let restoreEnv: () => void
  let root: string

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'artifact-errors-'))
    await writeFile(join(root, 'latest-manifest.json'), '{"version":1}\n')
  })
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  beforeEach(async () => {
    fake = await startFakeResultsService()
    restoreEnv = applyEnv(fake.runnerEnv())
    // Keep @actions/core's stdout log lines out of the test output.
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  })
  afterEach(async () => {
    jest.restoreAllMocks()
    restoreEnv()
    await fake.close()
  })

  const upload = (name = 'cutover-snapshot', files = [join(root, 'latest-manifest.json')]) =>
    uploadEvidence({ name, files, rootDirectory: root, retentionDays: 0 })

  /** The error's message, checked to be one line. */
  const failure = async (promise: Promise<unknown>): Promise<string> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(Error)
    const message = (error as Error).message
    expect(message).not.toMatch(/[\r\n]/)
    return message
  }

  it.each(['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL'])(
    'says it needs a runner when %s is not set, before any request',
    async (variable) => {
      const restore = applyEnv({ [variable]: undefined })
      try {
        expect(await failure(upload())).toBe(NOT_ON_RUNNER)
      } finally {
        restore()
      }
      expect(NOT_ON_RUNNER).toBe(
        'upload-artifact needs a GitHub Actions runner (ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set); set upload-artifact: false or run inside a workflow'
      )
      expect(fake.requests).toHaveLength(0)
    }
  )

  it('names a forbidden character in the artifact name, before any request', async () => {
    expect(await failure(upload('evidence/main'))).toMatch(
      /^artifact-name "evidence\/main" contains a forward slash \//
    )
    expect(await failure(upload('  '))).toBe('artifact-name is empty')
    expect(fake.requests).toHaveLength(0)
  })

  it('reports a name already used in this run (409 from CreateArtifact)', async () => {
    await upload()
    expect(await failure(upload())).toBe(
      "uploading artifact 'cutover-snapshot' failed: Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run"
    )
  })

  it('reports FinalizeArtifact answering ok: false', async () => {
    fake.inject('FinalizeArtifact', { notOk: true })
    expect(await failure(upload())).toBe(
      "uploading artifact 'cutover-snapshot' failed: FinalizeArtifact: response from backend was not ok"
    )
  })

  it('reports a full artifact storage quota', async () => {
    fake.inject('CreateArtifact', { status: 403, msg: 'insufficient usage to create artifact' })
    expect(await failure(upload())).toBe(
      "uploading artifact 'cutover-snapshot' failed: Failed to CreateArtifact: Artifact storage quota has been hit. Unable to upload any new artifacts."
    )
  })

  it('reports blob storage refusing the upload', async () => {
    fake.inject('StageBlock', {
      status: 403,
      code: 'AuthenticationFailed',
      msg: 'Signature not valid in the specified time frame'
    })
    expect(await failure(upload())).toBe(
      "uploading artifact 'cutover-snapshot' failed: blob storage answered 403 AuthenticationFailed: Signature not valid in the specified time frame"
    )
    expect(fake.twirpBodies('FinalizeArtifact')).toHaveLength(0)
  })

  it('reports a missing file by path', async () => {
    const missing = join(root, 'gone.age')
    expect(await failure(upload('cutover-snapshot', [missing]))).toBe(
      `uploading artifact 'cutover-snapshot' failed: File ${missing} does not exist`
    )
  })

  it('reports GitHub Enterprise Server, which the artifact service does not support', async () => {
    const restore = applyEnv({ GITHUB_SERVER_URL: 'https://ghes.example.com' })
    try {
      expect(await failure(upload())).toMatch(/failed: .*not currently supported on GHES\.$/)
    } finally {
      restore()
    }
  })
})
