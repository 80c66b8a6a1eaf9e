// The action's post step aborts the multipart upload of a run proven dead (its marker names a
// process that is gone), and never the upload of a live run: a marker naming a live process stays.
// A dead run's upload whose store cannot be reached now stops neither the post step's sweep of
// plaintext nor a later run's snapshot: it is warned about and its marker kept for a later try.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {
  bucketName,
  createBucket,
  describeWithMoto,
  freePort,
  startMoto,
  TEST_AWS_ENV,
  type MotoServer
} from '../__fixtures__/moto-server.js'
import { ROOT } from '../__fixtures__/run-action.js'
import { cliSync } from '../__fixtures__/run-cli.js'
import { ageKeygen } from '../__fixtures__/stock-tools.js'
import { exampleRepo } from '../__fixtures__/example-repo.js'
import { RESTORE_TEST_PREFIX } from '../src/restore/restore-test.js'
import { MARKER_SUFFIX } from '../src/runtime/leftover-marker.js'
import { tempDir } from '../__fixtures__/trees.js'
import { openStore } from '../src/store/store-client.js'
import { markerPath } from '../src/store/upload-marker.js'
import {
  formatIdentity,
  identityOf,
  selfIdentity,
  type ProcessIdentity
} from '../src/util/process-identity.js'

/** The action's post step, bundled, as the runner starts it with the run's temp folder saved. */
function runPost(runnerTemp: string) {
  return spawnSync(process.execPath, [path.join(ROOT, 'dist/post.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      ...TEST_AWS_ENV,
      'STATE_temp-dir': runnerTemp,
      GITHUB_ACTIONS: 'true'
    },
    encoding: 'utf8'
  })
}

/** The identity of a process that has run and exited: proven dead. */
async function deadIdentity(): Promise<ProcessIdentity> {
  const child = spawn('sleep', ['30'])
  const identity = identityOf(child.pid!)!
  child.kill('SIGKILL')
  await new Promise((resolve) => child.on('exit', resolve))
  return identity
}

describeWithMoto('the post step and leftover uploads', () => {
  let moto: MotoServer
  beforeAll(async () => {
    moto = await startMoto()
  })
  afterAll(async () => {
    await moto?.stop()
  })

  it('aborts the upload of a dead run and leaves a live run’s alone', async () => {
    const bucket = bucketName('post')
    await createBucket(moto.endpoint, bucket)
    const store = await openStore(
      {
        bucket,
        prefix: 'p/',
        endpoint: moto.endpoint,
        region: 'us-east-1',
        retentionDays: 0,
        lockMode: 'governance'
      },
      { env: TEST_AWS_ENV }
    )
    const runnerTemp = tempDir('cg-post-temp-')
    const makers = { dead: await deadIdentity(), live: selfIdentity() }
    const ids: Record<string, string> = {}
    for (const [who, maker] of Object.entries(makers)) {
      const key = `p/snapshot-${who}.tar.zst.age`
      const made = await store.client.send(
        new store.s3.CreateMultipartUploadCommand({ Bucket: bucket, Key: key })
      )
      ids[who] = made.UploadId!
      fs.writeFileSync(
        markerPath(runnerTemp, key),
        JSON.stringify({
          maker,
          bucket,
          prefix: 'p/',
          key,
          uploadId: made.UploadId,
          endpoint: moto.endpoint,
          region: 'us-east-1'
        })
      )
    }
    const post = runPost(runnerTemp)
    expect(post.status).toBe(0)
    expect(post.stdout).toContain(
      `post-run hygiene: aborted s3://${bucket}/p/snapshot-dead.tar.zst.age`
    )
    const left = await store.client.send(
      new store.s3.ListMultipartUploadsCommand({ Bucket: bucket })
    )
    expect((left.Uploads ?? []).map((u) => u.UploadId)).toEqual([ids.live])
    expect(fs.existsSync(markerPath(runnerTemp, 'p/snapshot-dead.tar.zst.age'))).toBe(false)
    expect(fs.existsSync(markerPath(runnerTemp, 'p/snapshot-live.tar.zst.age'))).toBe(true)
  })

  it('a snapshot to this store goes on past a dead upload whose store cannot be reached', async () => {
    const bucket = bucketName('past')
    await createBucket(moto.endpoint, bucket)
    const runnerTemp = tempDir('cg-store-past-')
    const key = await unreachableLeftover(runnerTemp)
    const run = cliSync(
      [
        'snapshot',
        '--repo',
        exampleRepo(),
        '--store',
        `s3://${bucket}/cutover/`,
        '--store-endpoint',
        moto.endpoint,
        '--recipient',
        (await ageKeygen(runnerTemp, 'key.txt')).recipient
      ],
      { ...TEST_AWS_ENV, TMPDIR: runnerTemp }
    )
    expect([run.code, run.code === 0 ? '' : run.stdout + run.stderr]).toEqual([0, ''])
    expect((run.stdout + run.stderr).replace(/\s+/g, ' ')).toContain(
      `could not abort the upload of a run that was killed, s3://cg-gone-bucket/${key}`
    )
    expect(fs.existsSync(markerPath(runnerTemp, key))).toBe(true)
  }, 60_000)
})

/** A dead run's upload marker whose store is an endpoint where nothing listens. */
async function unreachableLeftover(runnerTemp: string): Promise<string> {
  const key = `p/snapshot-gone-${process.pid}.tar.zst.age`
  fs.writeFileSync(
    markerPath(runnerTemp, key),
    JSON.stringify({
      maker: await deadIdentity(),
      bucket: 'cg-gone-bucket',
      prefix: 'p/',
      key,
      uploadId: 'upload-of-a-store-gone',
      endpoint: `http://127.0.0.1:${await freePort()}`,
      region: 'us-east-1'
    })
  )
  return key
}

it('the post step warns about a dead upload it cannot reach, keeps its marker, and still sweeps the plaintext after it', async () => {
  const runnerTemp = tempDir('cg-post-gone-')
  const key = await unreachableLeftover(runnerTemp)
  // a restore-test folder a killed run left, plaintext inside: the sweep after the uploads
  const restored = path.join(runnerTemp, `${RESTORE_TEST_PREFIX}killed`)
  fs.mkdirSync(path.join(restored, 'state'), { recursive: true })
  fs.writeFileSync(path.join(restored, 'state', 'secret.txt'), 'plaintext')
  fs.writeFileSync(restored + MARKER_SUFFIX, formatIdentity(await deadIdentity()))
  const post = runPost(runnerTemp)
  expect(post.status).toBe(0)
  expect(post.stdout).toContain(
    `::warning::post-run hygiene: could not abort s3://cg-gone-bucket/${key}: `
  )
  expect(post.stdout).not.toContain('post-run hygiene failed')
  expect(fs.existsSync(restored)).toBe(false)
  expect(fs.existsSync(markerPath(runnerTemp, key))).toBe(true)
}, 60_000)
