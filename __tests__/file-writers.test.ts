import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { TarBuilder } from '../__fixtures__/tar-hostile.js'
import { extractSnapshotTar } from '../src/restore/extract.js'
import { FileWriters } from '../src/restore/file-writers.js'
import { removeTree } from '../src/util/remove-tree.js'

let base: string
beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-file-writers-'))
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

/** Bytes each of this process's threads has written so far, by thread id, from the kernel. */
function writtenByThread(): Map<string, number> {
  const out = new Map<string, number>()
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      const io = fs.readFileSync(`/proc/self/task/${tid}/io`, 'utf8')
      out.set(tid, Number(/^wchar: (\d+)$/m.exec(io)?.[1] ?? 0))
    } catch {
      // a thread that ended meanwhile
    }
  }
  return out
}

/** Threads that wrote at least `least` bytes since `before`, and how much each. */
function grownSince(before: Map<string, number>, least: number): number[] {
  return [...writtenByThread()]
    .map(([tid, bytes]) => bytes - (before.get(tid) ?? 0))
    .filter((bytes) => bytes >= least)
}

describe('FileWriters', () => {
  it('writes what was queued, in order, across batch boundaries (pieces of 3.5 MiB, 20,000 entries)', async () => {
    const dest = freshDest()
    const thread = new FileWriters(dest)
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
    const thread = new FileWriters(dest)
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

  it('on one thread, reports the first failure naming the entry, and stops everything after it', async () => {
    const dest = freshDest()
    const thread = new FileWriters(dest, 1)
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
      (t: FileWriters) => t.mkdir('no/such', 'no/such/file'),
      'cannot create parent folder of entry "no/such/file": ENOENT'
    ],
    [
      'a symlink over an existing name',
      (t: FileWriters) => {
        t.mkdir('d')
        t.symlink('d', 'target')
      },
      'cannot create symlink entry "d": EEXIST'
    ],
    [
      "a folder's mode, on a folder that is not there",
      (t: FileWriters) => t.chmod('gone', 0o755, undefined),
      'cannot set mode of entry "gone": ENOENT'
    ],
    [
      'a unicode name',
      (t: FileWriters) => t.open('nö/ファイル'),
      'cannot create file entry "nö/ファイル": ENOENT'
    ],
    [
      'a name longer than a batch (2 MiB), cut when shown',
      (t: FileWriters) => t.open('x'.repeat(2 * 1024 * 1024)),
      /^cannot create file entry "x{80}…x{60}": ENAMETOOLONG$/
    ]
  ])('names the entry when %s fails', async (_what, queue, message) => {
    const thread = new FileWriters(freshDest())
    try {
      // folders and links are made at once (a failure throws there), files on the threads
      const run = async (): Promise<void> => {
        queue(thread)
        await thread.settle()
      }
      await expect(run()).rejects.toThrow(message)
      expect(() => thread.open('after')).toThrow(message)
    } finally {
      await thread.stop()
    }
  })

  it('an existing name is never opened through (O_EXCL), even as a symlink', async () => {
    const dest = freshDest()
    fs.writeFileSync(path.join(base, 'outside'), 'keep')
    fs.symlinkSync(path.join(base, 'outside'), path.join(dest, 'planted'))
    const thread = new FileWriters(dest)
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
    const thread = new FileWriters(dest)
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
  it.each([1, 2, 3, 4])(
    'a generated tree on %i threads lands whole: every file in place with its mode and time, folder modes set after their files',
    async (threads) => {
      const dest = freshDest()
      let seed = 977 * threads
      const next = (n: number): number => {
        seed = (seed * 1103515245 + 12345) >>> 0
        return seed % n
      }
      const writers = new FileWriters(dest, threads)
      const files = new Map<string, { content: Buffer; mode: number; mtime: number }>()
      const folders: string[] = []
      try {
        for (let d = 0; d < 12; d++) {
          const folder = d < 4 ? `d${d}` : `d${d % 4}/sub${d}`
          writers.mkdir(folder)
          folders.push(folder)
          for (let f = 0; f < 25; f++) {
            // mostly small files, now and then one of up to 3 MiB (several batches)
            const size = 4 * (next(10) === 0 ? next(768 * 1024) : next(1250))
            const content = pattern(size, seed)
            const name = `${folder}/f${f}`
            writers.open(name)
            for (let at = 0; at < size;) {
              const n = Math.min(1 + next(200_000), size - at)
              writers.write(content.subarray(at, at + n))
              at += n
            }
            const mode = [0o600, 0o640, 0o644, 0o400][next(4)]!
            const mtime = 1_000_000 + next(1_000_000)
            writers.finishFile(mode, mtime)
            files.set(name, { content, mode, mtime })
            if (f % 7 === 0) await writers.backpressure()
          }
        }
        // children first, as the tree writer queues them; read-only folders must not block files
        for (const folder of [...folders].reverse()) writers.chmod(folder, 0o555, 3_000_000)
        await writers.settle()
      } finally {
        await writers.stop()
      }
      for (const [name, { content, mode, mtime }] of files) {
        const full = path.join(dest, name)
        expect(sha256(fs.readFileSync(full))).toBe(sha256(content))
        const stat = fs.statSync(full)
        expect(stat.mode & 0o7777).toBe(mode)
        expect(stat.mtimeMs).toBe(mtime * 1000)
      }
      for (const folder of folders) {
        const stat = fs.statSync(path.join(dest, folder))
        expect(stat.mode & 0o7777).toBe(0o555)
        expect(stat.mtimeMs).toBe(3_000_000_000)
        fs.chmodSync(path.join(dest, folder), 0o755)
      }
    }
  )

  it('a file of another folder goes to the least busy thread: two threads each write one', async () => {
    const dest = freshDest()
    const writers = new FileWriters(dest, 2)
    const before = writtenByThread()
    const size = 8 * 1024 * 1024
    try {
      for (let i = 0; i < 2; i++) {
        writers.mkdir(`d${i}`)
        writers.open(`d${i}/f`)
        writers.write(pattern(size, i))
        writers.finishFile(0o600, undefined)
      }
      await writers.settle()
      expect(grownSince(before, size)).toHaveLength(2)
      // this thread wrote neither file
      const mine = String(process.pid)
      expect((writtenByThread().get(mine) ?? 0) - (before.get(mine) ?? 0)).toBeLessThan(size)
    } finally {
      await writers.stop()
    }
  })

  it('this thread writes files itself while the writing threads are behind, until one is idle', async () => {
    const dest = freshDest()
    const writers = new FileWriters(dest, 1)
    const mine = (): number => writtenByThread().get(String(process.pid)) ?? 0
    const size = 4 * 1024 * 1024
    const contents = [0, 1, 2, 3].map((i) => pattern(size, 40 + i))
    let mineBefore = 0
    let mineBehind = 0
    try {
      writers.mkdir('a')
      writers.mkdir('b')
      // 4 MiB in 1 MiB batches, all handed over: the thread is 4 batches behind
      writers.open('a/queued')
      writers.write(contents[0]!)
      writers.finishFile(0o600, undefined)
      mineBefore = mine()
      // another folder while it is behind: written here, and the folder's next file too
      writers.open('b/here')
      writers.write(contents[1]!)
      writers.finishFile(0o640, 1_000_000)
      writers.open('b/here-too')
      writers.write(contents[2]!)
      writers.finishFile(0o600, undefined)
      mineBehind = mine()
      await writers.settle()
      // the thread is idle now: the folder's next file goes to it
      writers.open('b/queued-again')
      writers.write(contents[3]!)
      writers.finishFile(0o600, undefined)
      await writers.settle()
    } finally {
      await writers.stop()
    }
    expect(mineBehind - mineBefore).toBeGreaterThanOrEqual(2 * size)
    expect(mine() - mineBehind).toBeLessThan(size)
    const names = ['a/queued', 'b/here', 'b/here-too', 'b/queued-again']
    names.forEach((name, i) => {
      expect(sha256(fs.readFileSync(path.join(dest, name)))).toBe(sha256(contents[i]!))
    })
    const stat = fs.statSync(path.join(dest, 'b/here'))
    expect(stat.mode & 0o7777).toBe(0o640)
    expect(stat.mtimeMs).toBe(1_000_000_000)
  })

  it('a failure in a file this thread writes itself names the entry at once and stops the threads', async () => {
    const before = openFds()
    const dest = freshDest()
    const writers = new FileWriters(dest, 1)
    try {
      writers.mkdir('a')
      writers.open('a/queued')
      writers.write(pattern(4 * 1024 * 1024, 9))
      writers.finishFile(0o600, undefined)
      expect(() => writers.open('missing/here')).toThrow(
        'cannot create file entry "missing/here": ENOENT'
      )
      await expect(writers.settle()).rejects.toThrow('missing/here')
      expect(() => writers.open('a/later')).toThrow('missing/here')
    } finally {
      await writers.stop()
    }
    expect(fs.existsSync(path.join(dest, 'a/later'))).toBe(false)
    expect(openFds()).toBeLessThanOrEqual(before)
  })

  it('files of one folder stay on one thread (they would wait on the folder lock), whatever their size', async () => {
    const dest = freshDest()
    const writers = new FileWriters(dest, 2)
    const size = 4 * 1024 * 1024
    try {
      const before = writtenByThread()
      writers.mkdir('one')
      for (let i = 0; i < 6; i++) {
        writers.open(`one/f${i}`)
        writers.write(pattern(size, i))
        writers.finishFile(0o600, undefined)
        await writers.backpressure()
      }
      await writers.settle()
      // one thread wrote all 24 MiB: no other thread of this process wrote as much as a file
      expect(grownSince(before, size)).toEqual([expect.any(Number)])
      expect(grownSince(before, 6 * size)).toHaveLength(1)
    } finally {
      await writers.stop()
    }
    expect(fs.readdirSync(path.join(dest, 'one'))).toHaveLength(6)
  })

  it('a failure on one thread stops the others: settle names it, nothing more is taken, no descriptor stays open', async () => {
    const before = openFds()
    const dest = freshDest()
    const writers = new FileWriters(dest, 2)
    fs.mkdirSync(path.join(dest, 'd'))
    try {
      writers.open('missing/first')
      writers.finishFile(0o600, undefined)
      for (let i = 0; i < 3000; i++) {
        writers.open(`d/f${i}`)
        writers.write(Buffer.alloc(4096, 1))
        writers.finishFile(0o600, undefined)
      }
      await expect(writers.settle()).rejects.toThrow(
        'cannot create file entry "missing/first": ENOENT'
      )
      expect(() => writers.open('d/later')).toThrow('missing/first')
    } finally {
      await writers.stop()
    }
    const count = fs.readdirSync(path.join(dest, 'd')).length
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(fs.readdirSync(path.join(dest, 'd')).length).toBe(count)
    expect(fs.existsSync(path.join(dest, 'd/later'))).toBe(false)
    expect(openFds()).toBeLessThanOrEqual(before)
  })
  it('once stopped, every operation is refused and nothing is made', async () => {
    const dest = freshDest()
    const writers = new FileWriters(dest)
    await writers.stop()
    const refused = 'the restore writers were stopped'
    expect(() => writers.mkdir('d')).toThrow(refused)
    expect(() => writers.symlink('l', 'x')).toThrow(refused)
    expect(() => writers.open('f')).toThrow(refused)
    expect(() => writers.chmod('d', 0o755, undefined)).toThrow(refused)
    expect(fs.readdirSync(dest)).toEqual([])
    await expect(writers.settle()).rejects.toThrow(refused)
    await expect(writers.backpressure()).rejects.toThrow(refused)
  })

  it('a settle() still waiting when stop() is called is refused, not resolved as if the tree were whole', async () => {
    const writers = new FileWriters(freshDest(), 1)
    writers.mkdir('d')
    for (let i = 0; i < 2000; i++) {
      writers.open(`d/f${i}`)
      writers.write(Buffer.alloc(8192, 3))
      writers.finishFile(0o600, undefined)
    }
    const settled = expect(writers.settle()).rejects.toThrow('the restore writers were stopped')
    await writers.stop()
    await settled
  })
})
