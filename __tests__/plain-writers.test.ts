import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { TarBuilder } from '../__fixtures__/tar-hostile.js'
import { extractSnapshotTar } from '../src/restore/extract.js'
import { PlainWriters } from '../src/restore/plain-writers.js'
import { removeTree } from '../src/util/remove-tree.js'

let base: string
beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-plain-writers-'))
})
afterAll(() => removeTree(base))

const freshDest = (): string => fs.mkdtempSync(path.join(base, 'dest-'))
const openFds = (): number => fs.readdirSync('/proc/self/fd').length

describe('PlainWriters', () => {
  it('a generated tree lands whole: every file in place with its mode and time, folder modes after their files', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(3), fc.uint8Array({ maxLength: 3000 }), fc.nat(0o777)), {
          minLength: 1,
          maxLength: 30
        }),
        async (files) => {
          const dest = freshDest()
          const w = new PlainWriters(dest)
          for (let d = 0; d < 4; d++) w.mkdir(`d${d}`)
          files.forEach(([folder, bytes, mode], i) => {
            w.open(`d${folder}/f${i}`)
            for (let at = 0; at < bytes.length; at += 700)
              w.write(Buffer.from(bytes.subarray(at, at + 700)))
            w.finishFile(mode | 0o400, 1_000_000 + i)
          })
          // a read-only folder: its files were written before its mode is set
          for (let d = 0; d < 4; d++) w.chmod(`d${d}`, 0o555, 2_000_000)
          await w.settle()
          await w.stop()
          files.forEach(([folder, bytes, mode], i) => {
            const file = path.join(dest, `d${folder}`, `f${i}`)
            expect(fs.readFileSync(file).equals(Buffer.from(bytes))).toBe(true)
            const stat = fs.statSync(file)
            expect(stat.mode & 0o7777).toBe(mode | 0o400)
            expect(stat.mtimeMs).toBe((1_000_000 + i) * 1000)
          })
          for (let d = 0; d < 4; d++) {
            const stat = fs.statSync(path.join(dest, `d${d}`))
            expect(stat.mode & 0o7777).toBe(0o555)
            expect(stat.mtimeMs).toBe(2_000_000_000)
            fs.chmodSync(path.join(dest, `d${d}`), 0o755)
          }
          removeTree(dest)
        }
      ),
      { numRuns: 15 }
    )
  })

  it.each([
    [
      'a file in a missing folder',
      (w: PlainWriters) => w.open('missing-folder/second'),
      'cannot create file entry "missing-folder/second": ENOENT'
    ],
    [
      'a missing parent, for the entry it was made for',
      (w: PlainWriters) => w.mkdir('no/such', 'no/such/file'),
      'cannot create parent folder of entry "no/such/file": ENOENT'
    ],
    [
      'a symlink over an existing name',
      (w: PlainWriters) => {
        w.mkdir('d')
        w.symlink('d', 'target')
      },
      'cannot create symlink entry "d": EEXIST'
    ],
    [
      'a unicode name',
      (w: PlainWriters) => w.open('nö/ファイル'),
      'cannot create file entry "nö/ファイル": ENOENT'
    ],
    [
      'a very long name, cut when shown',
      (w: PlainWriters) => w.open('x'.repeat(2 * 1024 * 1024)),
      /^cannot create file entry "x{80}…x{60}": ENAMETOOLONG$/
    ]
  ])('names the entry when %s fails, and refuses everything after', async (_what, run, message) => {
    const dest = freshDest()
    const w = new PlainWriters(dest)
    expect(() => run(w)).toThrow(message)
    expect(() => w.open('after')).toThrow(message)
    await expect(w.settle()).rejects.toThrow(message)
    await w.stop()
    expect(fs.existsSync(path.join(dest, 'after'))).toBe(false)
  })

  it("a folder's mode on a folder that is not there fails at settle(), naming it", async () => {
    const w = new PlainWriters(freshDest())
    w.chmod('gone', 0o755, undefined)
    await expect(w.settle()).rejects.toThrow('cannot set mode of entry "gone": ENOENT')
  })

  it('an existing name is never opened through (O_EXCL), even as a symlink', async () => {
    const dest = freshDest()
    fs.writeFileSync(path.join(base, 'outside'), 'keep')
    fs.symlinkSync(path.join(base, 'outside'), path.join(dest, 'planted'))
    const w = new PlainWriters(dest)
    expect(() => w.open('planted')).toThrow('cannot create file entry "planted": EEXIST')
    await w.stop()
    expect(fs.readFileSync(path.join(base, 'outside'), 'utf8')).toBe('keep')
  })

  it('stop() mid-file closes the file, and every call after it is refused', async () => {
    const dest = freshDest()
    const before = openFds()
    const w = new PlainWriters(dest)
    w.open('unfinished')
    w.write(Buffer.alloc(4096, 2))
    expect(openFds()).toBe(before + 1)
    await w.stop()
    expect(openFds()).toBe(before)
    expect(() => w.open('later')).toThrow('stopped')
    expect(() => w.mkdir('later')).toThrow('stopped')
    expect(fs.readdirSync(dest)).toEqual(['unfinished'])
  })

  it('a failed extraction leaves no descriptor open', async () => {
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
    expect(openFds()).toBeLessThanOrEqual(before)
  })
})
