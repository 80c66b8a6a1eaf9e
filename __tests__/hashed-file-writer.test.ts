// HashedFileWriter: the file is written once, in order, and its SHA-256 is taken on the way:
// whatever the chunking, the digest and size must be those of the bytes on disk.
import { jest } from '@jest/globals'
import fc from 'fast-check'
import { createHash, randomBytes } from 'node:crypto'
import { open } from 'node:fs/promises'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { FLUSH_EVERY, HashedFileWriter } from '../src/util/hashed-file-writer.js'

let dir: string
let n = 0
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'hashed-file-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const fresh = (): string => path.join(dir, `file-${n++}`)
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

/** Writes one chunk and waits until it is on disk (the write callback has run). */
function writeAndWait(stream: HashedFileWriter, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    stream.write(chunk, (error) => (error ? reject(error) : resolve()))
  )
}

function finished(stream: HashedFileWriter): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on('finish', resolve)
    stream.on('error', reject)
  })
}

function expectWhole(file: string, stream: HashedFileWriter, body: Buffer): void {
  const onDisk = readFileSync(file)
  expect(onDisk.equals(body)).toBe(true)
  expect(stream.size).toBe(onDisk.length)
  expect(stream.digestHex()).toBe(sha256(onDisk))
}

test('any chunking, single writes or batched (writev): file and digest are the bytes in order', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 70_000 }), { maxLength: 12 }),
      fc.boolean(),
      async (sizes, corked) => {
        const file = fresh()
        const chunks = sizes.map((size) => randomBytes(size))
        const stream = new HashedFileWriter(file)
        const done = finished(stream)
        // corked, the writes reach the file as one writev of many chunks
        if (corked) stream.cork()
        for (const chunk of chunks) stream.write(chunk)
        if (corked) process.nextTick(() => stream.uncork())
        stream.end()
        await done
        expectWhole(file, stream, Buffer.concat(chunks))
        expect(statSync(file).mode & 0o777).toBe(0o600)
      }
    ),
    { numRuns: 25 }
  )
})

test('an empty stream makes an empty file with the empty digest', async () => {
  const file = fresh()
  const stream = new HashedFileWriter(file)
  await pipeline(Readable.from([]), stream)
  expectWhole(file, stream, Buffer.alloc(0))
})

test('the digest is refused before the file is finished', async () => {
  const stream = new HashedFileWriter(fresh())
  await writeAndWait(stream, Buffer.from('part'))
  expect(() => stream.digestHex()).toThrow(/not finished/)
  stream.destroy()
})

test('never writes over an existing file', async () => {
  const file = fresh()
  writeFileSync(file, 'precious')
  const stream = new HashedFileWriter(file)
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
async function writeHalves(stream: HashedFileWriter, count: number): Promise<Buffer> {
  const pieces = Array.from({ length: count }, () => randomBytes(FLUSH_EVERY / 2))
  for (const piece of pieces) await writeAndWait(stream, piece)
  return Buffer.concat(pieces)
}

test('flushes to disk as it goes, not only at the end, and the file stays whole', async () => {
  const datasync = jest.spyOn(await fileHandlePrototype(), 'datasync')
  try {
    const file = fresh()
    const stream = new HashedFileWriter(file)
    const done = finished(stream)
    const body = await writeHalves(stream, 5)
    // 2.5 × FLUSH_EVERY written: flushes started on the way, before end()
    expect(datasync.mock.calls.length).toBeGreaterThanOrEqual(1)
    stream.end()
    await done
    expectWhole(file, stream, body)
  } finally {
    datasync.mockRestore()
  }
})

test('a background flush that fails fails the stream with its error; nothing claims success', async () => {
  const failure = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })
  const datasync = jest.spyOn(await fileHandlePrototype(), 'datasync').mockRejectedValue(failure)
  try {
    const stream = new HashedFileWriter(fresh())
    const source = Readable.from(Array.from({ length: 6 }, () => Buffer.alloc(FLUSH_EVERY / 2, 7)))
    await expect(pipeline(source, stream)).rejects.toBe(failure)
    expect(datasync).toHaveBeenCalled()
    expect(() => stream.digestHex()).toThrow(/not finished/)
  } finally {
    datasync.mockRestore()
  }
})
