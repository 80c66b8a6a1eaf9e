// The action's post step aborts the multipart upload of a run proven dead (its marker names a
// process that is gone), and never the upload of a live run: a marker naming a live process stays.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {
  bucketName,
  createBucket,
  describeWithMoto,
  startMoto,
  TEST_AWS_ENV,
  type MotoServer
} from '../__fixtures__/moto-server.js'
import { ROOT } from '../__fixtures__/run-action.js'
import { tempDir } from '../__fixtures__/trees.js'
import { openStore } from '../src/store/store-client.js'
import { markerPath } from '../src/store/upload-marker.js'
import { identityOf, selfIdentity, type ProcessIdentity } from '../src/util/process-identity.js'

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
    const post = spawnSync(process.execPath, [path.join(ROOT, 'dist/post.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        ...TEST_AWS_ENV,
        'STATE_temp-dir': runnerTemp,
        GITHUB_ACTIONS: 'true'
      },
      encoding: 'utf8'
    })
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
})
