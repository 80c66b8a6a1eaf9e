import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import fc from 'fast-check'
import {
  bucketName,
  createBucket,
  describeWithMoto,
  startMoto,
  TEST_AWS_ENV,
  type MotoServer
} from '../__fixtures__/moto-server.js'
import type { StoreSettings } from '../src/config/config.js'
import { openStore, type Store } from '../src/store/store-client.js'
import { UploadSink } from '../src/store/upload-sink.js'
import { openStoredObject } from '../src/store/object-source.js'
import { proveWriteOnce, PROBE_NAME } from '../src/store/write-once-probe.js'
import { partSize } from '../src/store/part-size.js'

const MiB = 1024 * 1024

describeWithMoto('store on a real S3 (moto_server)', () => {
  let moto: MotoServer
  beforeAll(async () => {
    moto = await startMoto()
  })
  afterAll(async () => {
    await moto?.stop()
  })

  async function freshStore(tag: string, extra: Partial<StoreSettings> = {}): Promise<Store> {
    const bucket = bucketName(tag)
    await createBucket(moto.endpoint, bucket, (extra.retentionDays ?? 0) > 0)
    return openStore(
      {
        bucket,
        prefix: 'team/cutover/',
        endpoint: moto.endpoint,
        region: 'us-east-1',
        retentionDays: 0,
        lockMode: 'governance',
        ...extra
      },
      { env: TEST_AWS_ENV, maxAttempts: 2 }
    )
  }

  async function keys(store: Store): Promise<string[]> {
    const page = await store.client.send(
      new store.s3.ListObjectsV2Command({ Bucket: store.bucket })
    )
    return (page.Contents ?? []).map((c) => c.Key!).sort()
  }

  async function uploads(store: Store): Promise<number> {
    const page = await store.client.send(
      new store.s3.ListMultipartUploadsCommand({ Bucket: store.bucket })
    )
    return (page.Uploads ?? []).length
  }

  it('proves write-once: the probe is written once, and a second run proves it again', async () => {
    const store = await freshStore('probe')
    await proveWriteOnce(store)
    await proveWriteOnce(store)
    expect(await keys(store)).toEqual([`team/cutover/${PROBE_NAME}`])
  })

  it('streams any length into a multipart object whose bytes and SHA-256 read back whole', async () => {
    const store = await freshStore('roundtrip')
    // around the part boundaries: empty, 1 byte, a part less one, a part, a part and a bit
    const first = partSize(1)
    let written = 0
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 1, first - 1, first, first + 1, 2 * first + 12345),
        fc.integer({ min: 1, max: 3 }),
        async (length, inFlight) => {
          const data = randomBytes(length)
          const name = `snapshot-${length}-${inFlight}-${++written}.bin`
          const sink = new UploadSink(store, name, { partsInFlight: inFlight })
          // chunks of odd sizes, as the encrypter writes them
          await pipeline(Readable.from(chunksOf(data, 65_557)), sink)
          expect(sink.size).toBe(length)
          const sha = createHash('sha256').update(data).digest('hex')
          expect(sink.digestHex()).toBe(sha)
          const source = await openStoredObject(store, name, length)
          const back: Buffer[] = []
          const buffer = Buffer.alloc(1 << 20)
          for (let n; (n = await source.read(buffer)) > 0;)
            back.push(Buffer.from(buffer.subarray(0, n)))
          await source.close()
          expect(Buffer.concat(back).equals(data)).toBe(true)
        }
      ),
      { numRuns: 8 }
    )
    expect(await uploads(store)).toBe(0)
  })

  it('refuses to complete over an existing object (If-None-Match: *) and leaves no upload', async () => {
    const store = await freshStore('exists')
    await pipeline(Readable.from([Buffer.from('first')]), new UploadSink(store, 'a.bin'))
    await expect(
      pipeline(Readable.from([Buffer.from('second')]), new UploadSink(store, 'a.bin'))
    ).rejects.toThrow(/CompleteMultipartUpload failed with PreconditionFailed/)
    const source = await openStoredObject(store, 'a.bin', 5)
    expect((await source.head(5)).toString()).toBe('first')
    await source.close()
    expect(await uploads(store)).toBe(0)
  })

  it('a writer that fails mid-stream leaves no object and no open upload', async () => {
    const store = await freshStore('abort')
    async function* failing() {
      yield randomBytes(9 * MiB)
      throw new Error('the archive failed')
    }
    const sink = new UploadSink(store, 'x.bin')
    await expect(pipeline(Readable.from(failing()), sink)).rejects.toThrow('the archive failed')
    await sink.settled()
    expect(await keys(store)).toEqual([])
    expect(await uploads(store)).toBe(0)
  })

  it('a size unlike the manifest is refused before any byte is used', async () => {
    const store = await freshStore('size')
    await pipeline(Readable.from([Buffer.from('12345')]), new UploadSink(store, 'y.bin'))
    await expect(openStoredObject(store, 'y.bin', 6)).rejects.toThrow(
      /y\.bin is 5 bytes but the manifest says 6: it is truncated/
    )
  })

  it('puts Object Lock retention on the object when retention days are set', async () => {
    const store = await freshStore('lock', { retentionDays: 2, lockMode: 'compliance' })
    const sink = new UploadSink(store, 'locked.bin')
    await pipeline(Readable.from([Buffer.from('locked')]), sink)
    const head = await store.client.send(
      new store.s3.HeadObjectCommand({ Bucket: store.bucket, Key: store.key('locked.bin') })
    )
    expect(head.ObjectLockMode).toBe('COMPLIANCE')
    expect(head.ObjectLockRetainUntilDate?.getTime()).toBe(sink.retainUntil?.getTime())
    expect(sink.retainUntil!.getTime() - Date.now()).toBeGreaterThan(2 * 86400_000 - 60_000)
  })
})

function* chunksOf(data: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size)
}
