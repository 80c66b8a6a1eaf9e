import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { TarBuilder } from '../__fixtures__/tar-hostile.js'
import { extractSnapshotTar } from '../src/restore/extract.js'
import { WriteThread } from '../src/restore/write-thread.js'
import { removeTree } from '../src/util/remove-tree.js'

let base: string
beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-write-thread-'))
})
afterAll(() => removeTree(base))

const freshDest = (): string => fs.mkdtempSync(path.join(base, 'dest-'))
const openFds = (): number => fs.readdirSync('/proc/self/fd').length
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

/** Bytes that differ at every offset, so a piece written at the wrong place shows. */
function pattern(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size)
  for (let i = 0; i < size; i += 4) out.writeUInt32LE((i * 2654435761 + seed) >>> 0, i)
  return out
}

describe('WriteThread', () => {
  it('writes what was queued, in order, across batch boundaries (pieces of 3.5 MiB, 20,000 entries)', async () => {
    const dest = freshDest()
    const thread = new WriteThread(dest)
    const big = pattern(3.5 * 1024 * 1024, 7)
    try {
      thread.mkdir('d')
      thread.open('d/big')
      // the caller may reuse its buffer at once: the thread must have copied it
      const scratch = Buffer.from(big)
      thread.write(scratch.subarray(0, 1000))
      thread.write(scratch.subarray(1000))
      scratch.fill(0)
      thread.finishFile(0o640, 1_000_000)
      for (let i = 0; i < 20_000; i++) {
        thread.open(`d/f${i}`)
        thread.write(Buffer.from(`file ${i}\n`))
        thread.finishFile(0o600, undefined)
      }
      thread.symlink('d/link', 'big')
      thread.chmod('d', 0o750, 2_000_000)
      await thread.settle()
    } finally {
      await thread.stop()
    }
    const written = fs.readFileSync(path.join(dest, 'd/big'))
    expect(sha256(written)).toBe(sha256(big))
    const bigStat = fs.statSync(path.join(dest, 'd/big'))
    expect(bigStat.mode & 0o7777).toBe(0o640)
    expect(bigStat.mtimeMs).toBe(1_000_000_000)
    expect(fs.readFileSync(path.join(dest, 'd/f12345'), 'utf8')).toBe('file 12345\n')
    expect(fs.readdirSync(path.join(dest, 'd'))).toHaveLength(20_002)
    expect(fs.readlinkSync(path.join(dest, 'd/link'))).toBe('big')
    expect(fs.statSync(path.join(dest, 'd')).mode & 0o7777).toBe(0o750)
  })

  it('pieces of uneven sizes, one file after another, land whole and in place (writes joined per file)', async () => {
    const dest = freshDest()
    const files = [
      pattern(2.5 * 1024 * 1024, 1),
      Buffer.from('abc'),
      Buffer.alloc(0),
      pattern(1_700_000, 3)
    ]
    const thread = new WriteThread(dest)
    let seed = 12345
    const nextSize = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0
      return 1 + (seed % 70_000)
    }
    try {
      files.forEach((content, i) => {
        thread.open(`f${i}`)
        for (let at = 0; at < content.length;) {
          const n = Math.min(nextSize(), content.length - at)
          thread.write(content.subarray(at, at + n))
          at += n
        }
        thread.finishFile(0o644, undefined)
      })
      await thread.settle()
    } finally {
      await thread.stop()
    }
    files.forEach((content, i) => {
      expect(sha256(fs.readFileSync(path.join(dest, `f${i}`)))).toBe(sha256(content))
    })
  })

  it('reports the first failure naming the entry, and stops everything after it', async () => {
    const dest = freshDest()
    const thread = new WriteThread(dest)
    try {
      thread.open('first')
      thread.write(Buffer.from('one'))
      thread.finishFile(0o600, undefined)
      thread.open('missing-folder/second')
      thread.finishFile(0o600, undefined)
      thread.open('third')
      thread.finishFile(0o600, undefined)
      await expect(thread.settle()).rejects.toThrow(
        'cannot create file entry "missing-folder/second": ENOENT'
      )
      // once failed, nothing more is taken
      expect(() => thread.open('fourth')).toThrow('missing-folder/second')
    } finally {
      await thread.stop()
    }
    expect(fs.readdirSync(dest)).toEqual(['first'])
  })

  it.each([
    [
      'a missing parent, for the entry it was made for',
      (t: WriteThread) => t.mkdir('no/such', 'no/such/file'),
      'cannot create parent folder of entry "no/such/file": ENOENT'
    ],
    [
      'a symlink over an existing name',
      (t: WriteThread) => {
        t.mkdir('d')
        t.symlink('d', 'target')
      },
      'cannot create symlink entry "d": EEXIST'
    ],
    [
      "a folder's mode, on a folder that is not there",
      (t: WriteThread) => t.chmod('gone', 0o755, undefined),
      'cannot set mode of entry "gone": ENOENT'
    ],
    [
      'a unicode name',
      (t: WriteThread) => t.open('nö/ファイル'),
      'cannot create file entry "nö/ファイル": ENOENT'
    ],
    [
      'a name longer than a batch (2 MiB), cut when shown',
      (t: WriteThread) => t.open('x'.repeat(2 * 1024 * 1024)),
      /^cannot create file entry "x{80}…x{60}": ENAMETOOLONG$/
    ]
  ])('names the entry when %s fails', async (_what, queue, message) => {
    const thread = new WriteThread(freshDest())
    try {
      queue(thread)
      await expect(thread.settle()).rejects.toThrow(message)
    } finally {
      await thread.stop()
    }
  })

  it('an existing name is never opened through (O_EXCL), even as a symlink', async () => {
    const dest = freshDest()
    fs.writeFileSync(path.join(base, 'outside'), 'keep')
    fs.symlinkSync(path.join(base, 'outside'), path.join(dest, 'planted'))
    const thread = new WriteThread(dest)
    try {
      thread.open('planted')
      thread.write(Buffer.from('overwritten'))
      thread.finishFile(0o600, undefined)
      await expect(thread.settle()).rejects.toThrow('cannot create file entry "planted": EEXIST')
    } finally {
      await thread.stop()
    }
    expect(fs.readFileSync(path.join(base, 'outside'), 'utf8')).toBe('keep')
  })

  it('stop() mid-file closes the file and nothing is written once it resolves', async () => {
    const dest = freshDest()
    const before = openFds()
    const thread = new WriteThread(dest)
    thread.mkdir('d')
    await thread.settle()
    for (let i = 0; i < 5000; i++) {
      thread.open(`d/f${i}`)
      thread.write(Buffer.alloc(512, 1))
      thread.finishFile(0o600, undefined)
    }
    thread.open('d/unfinished')
    thread.write(Buffer.alloc(4096, 2))
    await thread.backpressure()
    await thread.stop()
    const after = fs.readdirSync(path.join(dest, 'd')).length
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(fs.readdirSync(path.join(dest, 'd')).length).toBe(after)
    // the thread's descriptors are the process's: none is left open
    expect(openFds()).toBeLessThanOrEqual(before)
  })

  it('a failed extraction leaves no thread writing and no descriptor open', async () => {
    const before = openFds()
    const dest = freshDest()
    const archive = new TarBuilder().file('a', 'x').file('a', 'again').build()
    await expect(
      extractSnapshotTar(
        (async function* () {
          yield archive
        })(),
        dest
      )
    ).rejects.toThrow('appears twice')
    removeTree(dest)
    expect(fs.existsSync(dest)).toBe(false)
    expect(openFds()).toBeLessThanOrEqual(before)
  })
})
