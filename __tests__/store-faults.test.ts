// The store's client against a real S3 (moto_server) behind a fault proxy: what networks and S3
// clones do to requests, and what the operator is told about it (one line: store, action, code, fix).
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  bucketName,
  createBucket,
  describeWithMoto,
  startMoto,
  TEST_AWS_ENV,
  type MotoServer
} from '../__fixtures__/moto-server.js'
import { firstOf, startFaultProxy, type FaultProxy } from '../__fixtures__/s3-fault-proxy.js'
import type { StoreSettings } from '../src/config/config.js'
import { openStore, type Store } from '../src/store/store-client.js'
import { UploadSink } from '../src/store/upload-sink.js'
import { openStoredObject } from '../src/store/object-source.js'
import { proveWriteOnce } from '../src/store/write-once-probe.js'
import { putOnce } from '../src/store/put-once.js'
import { readStoreCatalogue } from '../src/store/store-catalogue.js'

const MiB = 1024 * 1024

describeWithMoto('the store through a fault proxy', () => {
  let moto: MotoServer
  let proxy: FaultProxy
  beforeAll(async () => {
    moto = await startMoto()
    proxy = await startFaultProxy(moto.endpoint)
  })
  afterAll(async () => {
    await proxy?.close()
    await moto?.stop()
  })

  async function store(
    tag: string,
    extra: Partial<StoreSettings> = {},
    lock = false
  ): Promise<Store> {
    const bucket = bucketName(tag)
    proxy.setRule(() => undefined)
    await createBucket(moto.endpoint, bucket, lock)
    return openStore(
      {
        bucket,
        prefix: 'ops/gate/',
        endpoint: proxy.endpoint,
        region: 'us-east-1',
        retentionDays: 0,
        lockMode: 'governance',
        ...extra
      },
      { env: TEST_AWS_ENV, maxAttempts: 3 }
    )
  }

  async function state(s: Store): Promise<{ objects: string[]; uploads: number }> {
    const direct = await openStore(
      { ...s.settings, endpoint: moto.endpoint },
      { env: TEST_AWS_ENV }
    )
    const list = await direct.client.send(new direct.s3.ListObjectsV2Command({ Bucket: s.bucket }))
    const ups = await direct.client.send(
      new direct.s3.ListMultipartUploadsCommand({ Bucket: s.bucket })
    )
    return {
      objects: (list.Contents ?? []).map((c) => c.Key!),
      uploads: (ups.Uploads ?? []).length
    }
  }

  async function upload(s: Store, data: Buffer, name = 'snap.bin'): Promise<UploadSink> {
    const sink = new UploadSink(s, name, { partsInFlight: 2 })
    try {
      await pipeline(Readable.from([data]), sink)
    } finally {
      await sink.settled()
    }
    return sink
  }

  async function readBack(s: Store, name: string, size: number): Promise<Buffer> {
    const source = await openStoredObject(s, name, size)
    const parts: Buffer[] = []
    const buffer = Buffer.alloc(MiB)
    try {
      for (let n; (n = await source.read(buffer)) > 0;)
        parts.push(Buffer.from(buffer.subarray(0, n)))
    } finally {
      await source.close()
    }
    return Buffer.concat(parts)
  }

  it.each([
    ['a connection cut in the middle of a part', { kind: 'cut-mid-body' } as const],
    ['a 500 InternalError', { kind: 'error', status: 500, code: 'InternalError' } as const],
    ['a 503 SlowDown', { kind: 'error', status: 503, code: 'SlowDown' } as const]
  ])('retries %s and the object is whole', async (_name, fault) => {
    const s = await store('retry')
    const data = randomBytes(17 * MiB)
    proxy.setRule(firstOf('UploadPart', 1, fault))
    await upload(s, data)
    expect(proxy.log.some((l) => l.fault === fault.kind)).toBe(true)
    proxy.setRule(() => undefined)
    expect((await readBack(s, 'snap.bin', data.length)).equals(data)).toBe(true)
    expect((await state(s)).uploads).toBe(0)
  })

  it('names throttling that outlasts the retries, and leaves no object and no upload', async () => {
    const s = await store('throttle')
    proxy.setRule((r) =>
      r.action === 'UploadPart' ? { kind: 'error', status: 503, code: 'SlowDown' } : undefined
    )
    await expect(upload(s, randomBytes(9 * MiB))).rejects.toThrow(
      new RegExp(
        `^store s3://${s.bucket}/ops/gate/: UploadPart failed with SlowDown \\(HTTP 503\\): the store kept throttling after 3 attempts: rerun later`
      )
    )
    proxy.setRule(() => undefined)
    expect(await state(s)).toEqual({ objects: [], uploads: 0 })
  })

  it('a store that ignores If-None-Match is NO-GO by the write-once probe, naming it', async () => {
    const s = await store('overwrite')
    proxy.setRule((r) =>
      r.action === 'PutObject' ? { kind: 'drop-header', header: 'if-none-match' } : undefined
    )
    await expect(proveWriteOnce(s)).rejects.toThrow(
      new RegExp(
        `^store s3://${s.bucket}/ops/gate/ accepted a second write of s3://${s.bucket}/ops/gate/\\.cutover-gate/write-once-probe despite If-None-Match: \\*: it does not enforce write-once`
      )
    )
  })

  it('a GET cut short is named as truncated, never passed as whole', async () => {
    const s = await store('truncate')
    const data = randomBytes(3 * MiB)
    await upload(s, data)
    proxy.setRule(firstOf('GetObject', 1, { kind: 'truncate-response', keep: MiB + 7 }))
    await expect(readBack(s, 'snap.bin', data.length)).rejects.toThrow(
      new RegExp(`^snapshot s3://${s.bucket}/ops/gate/snap\\.bin was cut short`)
    )
  })

  it('a byte changed on the way is refused by a checksum, and no object is left', async () => {
    const s = await store('flip')
    proxy.setRule(firstOf('UploadPart', 1, { kind: 'flip-byte' }))
    // S3 refuses the part (BadDigest); a store that takes it is caught by the object's checksum
    await expect(upload(s, randomBytes(6 * MiB))).rejects.toThrow(
      new RegExp(
        `^store s3://${s.bucket}/ops/gate/: (UploadPart failed with BadDigest|the stored object's SHA-256 checksum .* is not the .* of the parts sent)`
      )
    )
    proxy.setRule(() => undefined)
    expect(await state(s)).toEqual({ objects: [], uploads: 0 })
  })

  it.each([
    ['NoSuchBucket', 404, 'PutObject', /the bucket does not exist: create it/],
    [
      'AccessDenied',
      403,
      'PutObject',
      /the credentials may not PutObject here: allow s3:PutObject/
    ],
    [
      'RequestTimeTooSkewed',
      403,
      'PutObject',
      /clock differs from the store's by more than 15 minutes/
    ],
    ['InvalidAccessKeyId', 403, 'PutObject', /credentials are missing, wrong or expired/],
    [
      'InvalidBucketObjectLockConfiguration',
      400,
      'PutObject',
      /Object Lock is not enabled on the bucket: create the bucket with Object Lock, or set store-retention-days: 0/
    ],
    ['AccessDenied', 403, 'CreateMultipartUpload', /allow s3:PutObject/],
    ['AccessDenied', 403, 'ListObjectsV2', /allow s3:ListBucket/]
  ])('names %s (HTTP %d) on %s with the store and the fix', async (code, status, action, fix) => {
    const s = await store('errors')
    proxy.setRule((r) => (r.action === action ? { kind: 'error', status, code } : undefined))
    const attempt =
      action === 'PutObject'
        ? putOnce(s, 'x.json', Buffer.from('{}'))
        : action === 'ListObjectsV2'
          ? s.call('ListObjectsV2', (c) =>
              c.send(new s.s3.ListObjectsV2Command({ Bucket: s.bucket, Prefix: s.prefix }))
            )
          : upload(s, Buffer.from('x'))
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e as Error
    )
    expect(error?.message).toMatch(
      new RegExp(
        `^store s3://${s.bucket}/ops/gate/: ${action} failed with ${code} \\(HTTP ${status}\\): `
      )
    )
    expect(error?.message).toMatch(fix)
    expect(error?.message).not.toMatch(/\n/)
  })

  it.each(['PutObject', 'ListObjectsV2'])(
    'an endpoint that answers %s with a web page is named as not S3',
    async (action) => {
      const s = await store('nots3')
      proxy.setRule(() => ({ kind: 'not-s3' }))
      const attempt = action === 'PutObject' ? proveWriteOnce(s) : readStoreCatalogue(s)
      await expect(attempt).rejects.toThrow(
        new RegExp(`^store s3://${s.bucket}/ops/gate/: ${action} failed with NotS3`)
      )
    }
  )
})
