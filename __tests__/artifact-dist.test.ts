import fs from 'node:fs'
import path from 'node:path'
import {
  readZip,
  startFakeResultsService,
  type FakeResultsService
} from '../__fixtures__/fake-results-service.js'
import { runAction } from '../__fixtures__/run-action.js'
import { makeRepo } from '../__fixtures__/trees.js'

const PASSPHRASE = 'artifact passphrase'

describe('upload-artifact through the bundled action, against a fake results service on 127.0.0.1', () => {
  let fake: FakeResultsService
  beforeAll(async () => {
    fake = await startFakeResultsService()
  })
  afterAll(() => fake.close())

  it('uploads snapshot, manifest and report, sets artifact-id and artifact-url, and names the artifact in the report', async () => {
    const repo = makeRepo()
    const run = await runAction(
      repo,
      {
        mode: 'snapshot',
        passphrase: PASSPHRASE,
        'scrypt-work-factor': '10',
        'upload-artifact': 'true',
        'artifact-name': 'cutover-evidence',
        'retention-days': '5'
      },
      fake.runnerEnv()
    )
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs['artifact-id']).toMatch(/^\d+$/)
    expect(run.outputs['artifact-url']).toBe(
      `https://github.com/octo-org/octo-repo/actions/runs/987654321/artifacts/${run.outputs['artifact-id']}`
    )
    const artifact = fake.artifacts.get('cutover-evidence')!
    expect(artifact.expiresAt).toBeDefined()
    const names = readZip(artifact.blob!)
      .map((e) => e.name)
      .sort()
    const snapshotName = path.basename(run.outputs['snapshot-path']!)
    expect(names).toEqual([
      'backup/snapshots/latest-manifest.json',
      // its own manifest, so `snapshot: <id>` works on the downloaded artifact
      `backup/snapshots/snapshot-${run.outputs['snapshot-id']}.json`,
      `backup/snapshots/${snapshotName}`,
      'reports/publicization/backup-readiness.json',
      'reports/publicization/backup-readiness.md'
    ])
    const snapshot = readZip(artifact.blob!).find((e) => e.name.endsWith(snapshotName))!
    expect(snapshot.data).toEqual(fs.readFileSync(run.outputs['snapshot-path']!))
    const report = fs.readFileSync(run.outputs['report-path']!, 'utf8')
    expect(report).toContain(run.outputs['artifact-url'])
    expect(run.summary).toContain(run.outputs['artifact-url'])
  })

  it('a failed upload is NO-GO: without the artifact the snapshot would vanish with the runner', async () => {
    const repo = makeRepo()
    fake.inject('CreateArtifact', { status: 400, code: 'invalid_argument', msg: 'bad name' })
    const run = await runAction(
      repo,
      {
        mode: 'snapshot',
        passphrase: PASSPHRASE,
        'scrypt-work-factor': '10',
        'upload-artifact': 'true',
        'artifact-name': 'fails'
      },
      fake.runnerEnv()
    )
    expect(run.code).toBe(1)
    expect(run.outputs.decision).toBe('NO-GO')
    expect(run.stdout).toMatch(
      /::error::NO-GO at upload-artifact: artifact upload failed: uploading artifact 'fails' failed/
    )
    // its own row, named as the failed step, after the snapshot's passed row
    expect(run.outputs['failed-step']).toBe('upload-artifact')
    const json = JSON.parse(fs.readFileSync(run.outputs['report-json-path']!, 'utf8'))
    expect(json.failedStep).toBe('upload-artifact')
    expect(
      json.steps.map((s: { name: string; status: string }) => `${s.name} ${s.status}`)
    ).toEqual(['snapshot-create passed', 'upload-artifact failed'])
    expect(json.steps[1].detail).toMatch(
      /^artifact upload failed: uploading artifact 'fails' failed/
    )
    const report = fs.readFileSync(run.outputs['report-path']!, 'utf8')
    expect(report).toMatch(/NO-GO/)
    expect(report).toMatch(/\| `upload-artifact` \| .*failed/)
  })

  it('after a NO-GO nothing is uploaded, and the upload row says so', async () => {
    const repo = makeRepo()
    const before = fake.requests.length
    const run = await runAction(
      repo,
      {
        mode: 'snapshot',
        include: 'state\nnot-there',
        passphrase: PASSPHRASE,
        'scrypt-work-factor': '10',
        'upload-artifact': 'true',
        'artifact-name': 'never'
      },
      fake.runnerEnv()
    )
    expect(run.outputs.decision).toBe('NO-GO')
    expect(run.outputs['failed-step']).toBe('snapshot-create')
    expect(fake.requests.length).toBe(before)
    const json = JSON.parse(fs.readFileSync(run.outputs['report-json-path']!, 'utf8'))
    expect(
      json.steps.map((s: { name: string; status: string }) => `${s.name} ${s.status}`)
    ).toEqual(['snapshot-create failed', 'upload-artifact skipped'])
  })
})
