import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { extractSnapshotTar } from '../src/restore/extract.js'
import { TarBuilder } from '../__fixtures__/tar-hostile.js'
import { tempDir } from '../__fixtures__/trees.js'

/** File bytes on disk under dir (sizes of the regular files written). */
function bytesOnDisk(dir: string): { bytes: number; files: number } {
  let bytes = 0
  let files = 0
  for (const name of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const stat = fs.lstatSync(path.join(dir, name))
    if (stat.isFile()) {
      bytes += stat.size
      files++
    }
  }
  return { bytes, files }
}

async function* inPieces(tar: Buffer, piece: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < tar.length; at += piece) yield tar.subarray(at, at + piece)
}

function archiveOf(sizes: number[]): { tar: Buffer; bytes: number } {
  const builder = new TarBuilder().dir('state')
  sizes.forEach((size, i) => builder.file(`state/f${i}.bin`, Buffer.alloc(size, i + 1)))
  return { tar: builder.build(), bytes: sizes.reduce((a, b) => a + b, 0) }
}

describe('extraction is bounded as it writes, not at the end of an entry', () => {
  it('a manifest understating content.bytes by any amount: stops within one piece of the claim, naming it and the overshoot', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 << 20 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 1 << 20 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (sizes, piece, at) => {
          const { tar, bytes } = archiveOf(sizes)
          fc.pre(bytes > 0)
          const claim = Math.min(bytes - 1, Math.floor(bytes * at))
          const dest = tempDir()
          const done = extractSnapshotTar(inPieces(tar, piece), dest, { maxBytes: claim })
          await expect(done).rejects.toThrow(
            new RegExp(
              `holds more file data than the manifest's ${claim} bytes \\(content.bytes\\): entry "state/f\\d+\\.bin" goes \\d+ bytes past it`
            )
          )
          expect(bytesOnDisk(dest).bytes).toBeLessThanOrEqual(claim + piece)
          fs.rmSync(dest, { recursive: true, force: true })
        }
      ),
      { numRuns: 25 }
    )
  })

  it('a manifest understating content.files: stops at the first file past the count', async () => {
    for (const [count, claim] of [
      [3, 0],
      [3, 2],
      [8, 5],
      [20, 1]
    ] as const) {
      const { tar } = archiveOf(Array.from({ length: count }, (_, i) => 100 * i))
      const dest = tempDir()
      await expect(
        extractSnapshotTar(inPieces(tar, 4096), dest, { maxFiles: claim })
      ).rejects.toThrow(
        `more files than the manifest's content.files of ${claim}: entry "state/f${claim}.bin" is file ${claim + 1}`
      )
      expect(bytesOnDisk(dest).files).toBeLessThanOrEqual(claim)
    }
  })

  it('an honest claim still extracts everything', async () => {
    const { tar, bytes } = archiveOf([0, 1, 512, 70_000])
    const dest = tempDir()
    const result = await extractSnapshotTar(inPieces(tar, 1000), dest, {
      maxBytes: bytes,
      maxFiles: 4
    })
    expect(result.bytes).toBe(bytes)
    expect(bytesOnDisk(dest)).toEqual({ bytes, files: 4 })
  })

  describe('on a 4 MiB filesystem (a real tmpfs)', () => {
    const mount = tempDir('cg-small-')
    beforeAll(() => execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount]))
    afterAll(() => execFileSync('umount', [mount]))

    it.each([
      ['one big file', [8 << 20]],
      ['many small files', Array.from({ length: 100 }, () => 64 * 1024)],
      ['a file that just does not fit after others', [2 << 20, 1 << 20, 1 << 20]]
    ])(
      '%s with no claim to stop it: refused before the disk is full, not ENOSPC',
      async (_, sizes) => {
        const { tar } = archiveOf(sizes)
        const dest = fs.mkdtempSync(path.join(mount, 'restore-'))
        const free = fs.statfsSync(dest).bavail * fs.statfsSync(dest).bsize
        await expect(extractSnapshotTar(inPieces(tar, 256 * 1024), dest)).rejects.toThrow(
          /^the restore folder has \d+ bytes free \(\d+ usable after a margin\) and entry "state\/f\d+\.bin" would take the restore \d+ bytes past that; stopped before writing it/
        )
        expect(bytesOnDisk(dest).bytes).toBeLessThan(free)
        fs.rmSync(dest, { recursive: true, force: true })
      }
    )
  })
})
