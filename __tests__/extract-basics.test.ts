import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { END, entry, header, padded, paxRecord, TarBuilder } from '../__fixtures__/tar-hostile.js'
import { compareIndexes } from '../src/restore/compare-index.js'
import { extractSnapshotTar } from '../src/restore/extract.js'
import { INDEX_PATH, indexLine } from '../src/format/index-format.js'
import { removeTree } from '../src/util/remove-tree.js'

let base: string
beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-extract-'))
})
afterAll(() => removeTree(base))

const freshDest = (): string => fs.mkdtempSync(path.join(base, 'dest-'))

async function* split(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let from = 0
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    yield bytes.subarray(from, cut)
    from = cut
  }
  yield bytes.subarray(from)
}

/** Files sized around block edges, long names, links and implied parents. */
function sampleArchive(): TarBuilder {
  return new TarBuilder()
    .dir('reports/private')
    .file('reports/private/a', Buffer.alloc(511, 1))
    .dir('state', 0o750)
    .file('state/512', Buffer.alloc(512, 2), 0o600)
    .file('state/513', Buffer.alloc(513, 3), 0o755)
    .file('state/empty', '')
    .file(`state/${'é'.repeat(70)}`, 'unicode name over 100 bytes')
    .symlink('state/link', `${'../state/'.repeat(20)}512`)
    .dir('state/ro', 0o555)
    .file('state/ro/inside', 'x', 0o444)
}

describe('extractSnapshotTar on well-formed archives', () => {
  it('creates implied parents as 0o755 folders, keeps the index out of dest', async () => {
    const builder = sampleArchive()
    const dest = freshDest()
    const result = await extractSnapshotTar(split(builder.build(), []), dest)
    expect(result.observedIndex.bytes().toString()).toBe(builder.lines.join(''))
    expect(result.archivedIndex.bytes().toString()).toBe(builder.lines.join(''))
    expect(compareIndexes(result.archivedIndex.bytes(), result.observedIndex.bytes())).toEqual([])
    expect(result).toMatchObject({ entries: 10, files: 6, bytes: 511 + 512 + 513 + 27 + 1 })
    expect(fs.readdirSync(dest).sort()).toEqual(['reports', 'state'])
    expect(fs.statSync(path.join(dest, 'reports')).mode & 0o7777).toBe(0o755)
    expect(fs.statSync(path.join(dest, 'state')).mode & 0o7777).toBe(0o750)
    expect(fs.statSync(path.join(dest, 'state/ro')).mode & 0o7777).toBe(0o555)
    expect(fs.statSync(path.join(dest, 'state/513')).mode & 0o7777).toBe(0o755)
    expect(fs.readFileSync(path.join(dest, 'state/ro/inside'), 'utf8')).toBe('x')
    expect(fs.existsSync(path.join(dest, '.cutover-gate'))).toBe(false)
  })

  it('gives the same index however the stream is cut', async () => {
    const builder = sampleArchive()
    const bytes = builder.build()
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 12 }),
        async (cuts) => {
          const dest = freshDest()
          const result = await extractSnapshotTar(split(bytes, cuts), dest)
          removeTree(dest)
          return result.observedIndex.bytes().toString() === builder.lines.join('')
        }
      ),
      { numRuns: 30 }
    )
  })

  it('streams a large file without holding it, hashing as it writes', async () => {
    const size = 48 * 1024 * 1024 + 123
    const chunk = Buffer.alloc(1024 * 1024)
    const hash = createHash('sha256')
    async function* stream(): AsyncGenerator<Buffer> {
      yield entry({ path: 'state/', type: '5', mode: 0o755 })
      yield header({ path: 'state/big', type: '0', size })
      for (let left = size; left > 0; left -= chunk.length) {
        const piece = Buffer.from(chunk.fill(left & 0xff).subarray(0, Math.min(left, chunk.length)))
        hash.update(piece)
        yield piece
      }
      yield Buffer.alloc((512 - (size % 512)) % 512)
      const lines = [
        indexLine({ path: 'state', type: 'dir', mode: 0o755 }),
        indexLine({
          path: 'state/big',
          type: 'file',
          mode: 0o644,
          size,
          sha256: hash.digest('hex')
        })
      ]
      yield entry({ path: INDEX_PATH, type: '0' }, Buffer.from(lines.map((l) => `${l}\n`).join('')))
      yield END
    }
    const dest = freshDest()
    const result = await extractSnapshotTar(stream(), dest)
    expect(compareIndexes(result.archivedIndex.bytes(), result.observedIndex.bytes())).toEqual([])
    expect(fs.statSync(path.join(dest, 'state/big')).size).toBe(size)
    expect(result.bytes).toBe(size)
  })

  it('accepts an archive with no entries but its (empty) index', async () => {
    const result = await extractSnapshotTar(split(new TarBuilder().build(), []), freshDest())
    expect(result).toMatchObject({ entries: 0, files: 0, bytes: 0 })
    expect(result.observedIndex.size).toBe(0)
    expect(result.archivedIndex.size).toBe(0)
  })

  it('accepts zero padding to a 10 KiB record after the end marker', async () => {
    const bytes = Buffer.concat([new TarBuilder().dir('state').build(), Buffer.alloc(8192)])
    await expect(
      extractSnapshotTar(split(bytes, [1000, 3000]), freshDest())
    ).resolves.toMatchObject({ entries: 1 })
  })

  it('lets a folder listed after its own contents take its mode', async () => {
    const builder = new TarBuilder().file('a/b/c', 'x').dir('a', 0o700)
    const dest = freshDest()
    const result = await extractSnapshotTar(split(builder.build(), []), dest)
    expect(result.observedIndex.bytes().toString()).toBe(builder.lines.join(''))
    expect(fs.statSync(path.join(dest, 'a')).mode & 0o7777).toBe(0o700)
    expect(fs.statSync(path.join(dest, 'a/b')).mode & 0o7777).toBe(0o755)
  })

  it('keeps links that stay inside: loops, dangling targets, links to links', async () => {
    const builder = new TarBuilder()
      .dir('s')
      .dir('s/d')
      .symlink('s/d/up', '..')
      .symlink('s/d/via', 'up/d/up/d')
      .symlink('s/dangling', 'missing/../d')
      .symlink('s/loop1', 'loop2')
      .symlink('s/loop2', 'loop1')
      .symlink('s/self', '.')
    const dest = freshDest()
    const result = await extractSnapshotTar(split(builder.build(), []), dest)
    expect(compareIndexes(result.archivedIndex.bytes(), result.observedIndex.bytes())).toEqual([])
    expect(fs.readlinkSync(path.join(dest, 's/d/via'))).toBe('up/d/up/d')
  })

  it('ignores the pax keys GNU tar adds (times, owners, comment)', async () => {
    const body = [
      paxRecord('mtime', '1795649830.52103629'),
      paxRecord('atime', '1795649830.08903629'),
      paxRecord('ctime', '1795649830.08903629'),
      paxRecord('uid', '0'),
      paxRecord('gid', '0'),
      paxRecord('uname', 'x'),
      paxRecord('gname', 'y'),
      paxRecord('comment', 'hey'),
      paxRecord('path', 'state/p')
    ].join('')
    const builder = new TarBuilder().dir('state')
    builder.raw(
      header({ path: 'PaxHeaders/p', type: 'x', size: Buffer.byteLength(body) }),
      padded(Buffer.from(body))
    )
    builder.raw(header({ path: 'ignored-name', type: '0', size: 2 }), padded(Buffer.from('hi')))
    const dest = freshDest()
    await expect(extractSnapshotTar(split(builder.build(), []), dest)).resolves.toBeDefined()
    expect(fs.readFileSync(path.join(dest, 'state/p'), 'utf8')).toBe('hi')
  })

  it('refuses an index larger than the cap', async () => {
    const bytes = Buffer.concat([
      header({ path: INDEX_PATH, type: '0', size: 600 * 1024 * 1024 }),
      END
    ])
    await expect(extractSnapshotTar(split(bytes, []), freshDest())).rejects.toThrow(
      /declares 629145600 bytes, more than the 536870912-byte limit for an index/
    )
  })

  it('closes the open file and rejects when the source fails mid-file', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield header({ path: 'f', type: '0', size: 5000 })
      yield Buffer.alloc(100)
      throw new Error('authentication failed')
    }
    await expect(extractSnapshotTar(failing(), freshDest())).rejects.toThrow(
      'authentication failed'
    )
  })
})
