// HeaderLastFile: the body goes to disk before the header exists; the finished file and its
// SHA-256 must be exactly header + body whenever the header turns up.
import { jest } from '@jest/globals'
import { createHash, randomBytes } from 'node:crypto'
import { open } from 'node:fs/promises'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { FLUSH_EVERY, HeaderLastFile } from '../src/util/header-last-file.js'

let dir: string
let n = 0
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'header-last-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const fresh = (): string => path.join(dir, `file-${n++}`)
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

/** A promise and the functions that settle it. */
function deferred<T>(): {
  promise: Promise<T>
  resolve: (v: T) => void
  reject: (e: Error) => void
} {
  let resolve!: (v: T) => void
  let reject!: (e: Error) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** Writes one chunk and waits until it is on disk (the write callback has run). */
function writeAndWait(stream: HeaderLastFile, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    stream.write(chunk, (error) => (error ? reject(error) : resolve()))
  )
}

function finished(stream: HeaderLastFile): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on('finish', resolve)
    stream.on('error', reject)
  })
}

function expectWhole(file: string, stream: HeaderLastFile, header: Buffer, body: Buffer): void {
  const onDisk = readFileSync(file)
  expect(onDisk.equals(Buffer.concat([header, body]))).toBe(true)
  expect(stream.size).toBe(onDisk.length)
  expect(stream.digestHex()).toBe(sha256(onDisk))
}

test('header known from the start: header then body, hashed in order, mode 0600', async () => {
  const file = fresh()
  const header = Buffer.from('HEADER\n')
  const body = randomBytes(300_000)
  const stream = new HeaderLastFile(file, header.length, Promise.resolve(header))
  await pipeline(Readable.from([body.subarray(0, 1000), body.subarray(1000)]), stream)
  expectWhole(file, stream, header, body)
  expect(statSync(file).mode & 0o777).toBe(0o600)
})

test('header arriving after megabytes of body are on disk: read back and hashed in order', async () => {
  const file = fresh()
  const header = randomBytes(177)
  const late = deferred<Buffer>()
  const stream = new HeaderLastFile(file, header.length, late.promise)
  const done = finished(stream)
  // more than the 1 MiB read-back buffer, in odd sizes, so the read-back loops
  const before = randomBytes(3 * 1024 * 1024 + 12_345)
  for (let at = 0; at < before.length; at += 700_001) {
    await writeAndWait(stream, before.subarray(at, at + 700_001))
  }
  // the body is already in the file, after a gap the header will fill
  const early = readFileSync(file)
  expect(early.length).toBe(header.length + before.length)
  expect(early.subarray(header.length).equals(before)).toBe(true)
  expect(early.subarray(0, header.length).equals(Buffer.alloc(header.length))).toBe(true)

  late.resolve(header)
  const after = randomBytes(500_000)
  await writeAndWait(stream, after.subarray(0, 1))
  stream.end(after.subarray(1))
  await done
  expectWhole(file, stream, header, Buffer.concat([before, after]))
})

test('header arriving only after end(): the stream waits for it before finishing', async () => {
  const file = fresh()
  const header = Buffer.from('late header\n')
  const late = deferred<Buffer>()
  const stream = new HeaderLastFile(file, header.length, late.promise)
  let isFinished = false
  const done = finished(stream).then(() => (isFinished = true))
  const body = randomBytes(70_000)
  stream.end(body)
  await new Promise((resolve) => setTimeout(resolve, 50))
  expect(isFinished).toBe(false)
  late.resolve(header)
  await done
  expectWhole(file, stream, header, body)
})

test('an empty body: the file is the header alone', async () => {
  const file = fresh()
  const header = Buffer.from('only\n')
  const stream = new HeaderLastFile(file, header.length, Promise.resolve(header))
  await pipeline(Readable.from([]), stream)
  expectWhole(file, stream, header, Buffer.alloc(0))
})

test('a header that fails fails the stream with its error, even mid-write', async () => {
  const file = fresh()
  const late = deferred<Buffer>()
  const stream = new HeaderLastFile(file, 10, late.promise)
  const failure = new Error('scrypt ran out of memory')
  const source = new Readable({ read() {} })
  const run = pipeline(source, stream)
  source.push(randomBytes(100_000))
  await new Promise((resolve) => setTimeout(resolve, 20))
  late.reject(failure)
  await expect(run).rejects.toBe(failure)
  expect(() => stream.digestHex()).toThrow(/not finished/)
})

test('a header of another length than reserved is an error, not a shifted file', async () => {
  const stream = new HeaderLastFile(fresh(), 8, Promise.resolve(Buffer.from('nine byte')))
  await expect(pipeline(Readable.from([Buffer.from('body')]), stream)).rejects.toThrow(
    /is 9 bytes, 8 were reserved/
  )
})

test('never writes over an existing file', async () => {
  const file = fresh()
  writeFileSync(file, 'precious')
  const stream = new HeaderLastFile(file, 1, Promise.resolve(Buffer.from('h')))
  await expect(pipeline(Readable.from([Buffer.from('body')]), stream)).rejects.toMatchObject({
    code: 'EEXIST'
  })
  expect(readFileSync(file, 'utf8')).toBe('precious')
})

/** FileHandle's prototype (the class is not exported), to watch or fail its datasync. */
async function fileHandlePrototype(): Promise<{ datasync(): Promise<void> }> {
  const handle = await open(fresh(), 'w')
  await handle.close()
  return Object.getPrototypeOf(handle) as { datasync(): Promise<void> }
}

/** `count` pieces of FLUSH_EVERY / 2 bytes, written one after the other. */
async function writeHalves(stream: HeaderLastFile, count: number): Promise<Buffer> {
  const pieces = Array.from({ length: count }, () => randomBytes(FLUSH_EVERY / 2))
  for (const piece of pieces) await writeAndWait(stream, piece)
  return Buffer.concat(pieces)
}

test('flushes to disk as it goes, not only at the end, and the file stays whole', async () => {
  const datasync = jest.spyOn(await fileHandlePrototype(), 'datasync')
  try {
    const file = fresh()
    const header = Buffer.from('H')
    const stream = new HeaderLastFile(file, header.length, Promise.resolve(header))
    const done = finished(stream)
    const body = await writeHalves(stream, 5)
    // 2.5 × FLUSH_EVERY written: flushes started on the way, before end()
    expect(datasync.mock.calls.length).toBeGreaterThanOrEqual(1)
    stream.end()
    await done
    expectWhole(file, stream, header, body)
  } finally {
    datasync.mockRestore()
  }
})

test('a background flush that fails fails the stream with its error; nothing claims success', async () => {
  const failure = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })
  const datasync = jest.spyOn(await fileHandlePrototype(), 'datasync').mockRejectedValue(failure)
  try {
    const stream = new HeaderLastFile(fresh(), 1, Promise.resolve(Buffer.from('H')))
    const source = Readable.from(Array.from({ length: 6 }, () => Buffer.alloc(FLUSH_EVERY / 2, 7)))
    await expect(pipeline(source, stream)).rejects.toBe(failure)
    expect(datasync).toHaveBeenCalled()
    expect(() => stream.digestHex()).toThrow(/not finished/)
  } finally {
    datasync.mockRestore()
  }
})
