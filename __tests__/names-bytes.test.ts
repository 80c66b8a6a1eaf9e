import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import fc from 'fast-check'
import { NoGoError } from '../src/outcome/step-result.js'
import { extractSnapshotTar } from '../src/restore/extract.js'
import { archiveStream } from '../src/snapshot/archive-stream.js'
import { IndexBuilder } from '../src/snapshot/index-builder.js'
import { walkIncludes } from '../src/snapshot/walk.js'
import { END, header, paxRecord, rawPax } from '../__fixtures__/tar-hostile.js'
import { tempDir } from '../__fixtures__/trees.js'

/** Replaces the marker byte 'X' of a header block's names by `bad` and fixes the checksum. */
function withBadByte(block: Buffer, bad: number): Buffer {
  const out = Buffer.from(block)
  for (let i = 0; i < 500; i++) if (out[i] === 0x58) out[i] = bad
  out.fill(0x20, 148, 156)
  const sum = out.reduce((a, b) => a + b, 0)
  out.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
  return out
}

async function restoreError(tar: Buffer): Promise<Error> {
  const dest = tempDir()
  try {
    await extractSnapshotTar(Readable.from([tar]), dest)
  } catch (error) {
    return error as Error
  } finally {
    fs.rmSync(dest, { recursive: true, force: true })
  }
  throw new Error('the restore took the archive')
}

const isUtf8 = (b: Buffer): boolean => Buffer.from(b.toString('utf8'), 'utf8').equals(b)
const abs = (root: string, ...parts: Buffer[]): Buffer =>
  Buffer.concat([
    Buffer.from(`${root}/`),
    ...parts.flatMap((p, i) => (i ? [Buffer.from('/'), p] : [p]))
  ])

async function snapshotOf(repo: string): Promise<{ files: Set<string>; error?: Error }> {
  const index = new IndexBuilder()
  try {
    for await (const _ of archiveStream(
      walkIncludes(repo, ['state'], () => {}),
      index
    ))
      void _
  } catch (error) {
    index.remove()
    return { files: new Set(), error: error as Error }
  }
  const lines = index.bytesOfIndex().toString('utf8').trim().split('\n')
  index.remove()
  return { files: new Set(lines.map((l) => JSON.parse(l).path as string)) }
}

// a name byte string: no '/', no NUL, not '.' or '..'
const nameBytes = fc
  .uint8Array({ minLength: 1, maxLength: 12 })
  .map((a) => Buffer.from(a.map((b) => (b === 0 || b === 0x2f ? 0x61 : b))))
  .filter((b) => b.toString('latin1') !== '.' && b.toString('latin1') !== '..')

describe('file names as bytes: a name that is not UTF-8 is a NO-GO naming it, never a dropped file', () => {
  it('dup\\xff beside its U+FFFD lookalike, and a lone bad\\xffname: NO-GO naming folder and name', async () => {
    for (const names of [
      [Buffer.from('dup\xff', 'latin1'), Buffer.from('dup\uFFFD')],
      [Buffer.from('bad\xffname', 'latin1')]
    ]) {
      const repo = tempDir()
      fs.mkdirSync(path.join(repo, 'state/x'), { recursive: true })
      for (const n of names) fs.writeFileSync(abs(repo, Buffer.from('state/x'), n), n)
      const { error } = await snapshotOf(repo)
      expect(error).toBeInstanceOf(NoGoError)
      expect(error!.message).toMatch(
        /^folder state\/x holds a name that is not UTF-8 \((dup|bad)\\xff(name)?, shown with \\x escapes\): rename it to UTF-8 and rerun$/
      )
      expect(error!.message).not.toMatch(/vanished/)
    }
  })

  it('generated names at various depths and positions: every file archived, or NO-GO naming a bad name', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(nameBytes, { minLength: 0, maxLength: 3 }),
        fc.array(nameBytes, { minLength: 1, maxLength: 5 }),
        async (dirs, leaves) => {
          const repo = tempDir()
          const folder = abs(repo, Buffer.from('state'), ...dirs)
          fs.mkdirSync(folder, { recursive: true })
          const written = new Set<string>()
          for (const leaf of leaves) {
            // a bad name beside its lookalike: the one fs keeps apart and text would merge
            const twins = isUtf8(leaf) ? [leaf] : [leaf, Buffer.from(leaf.toString('utf8'))]
            for (const n of twins) {
              const p = Buffer.concat([folder, Buffer.from('/'), n])
              if (!fs.existsSync(p)) fs.writeFileSync(p, n)
              written.add(
                Buffer.concat([
                  Buffer.from('state/'),
                  ...dirs.map((d) => Buffer.concat([d, Buffer.from('/')])),
                  n
                ]).toString('latin1')
              )
            }
          }
          const bad = [...dirs, ...leaves].some((n) => !isUtf8(n))
          const { files, error } = await snapshotOf(repo)
          fs.rmSync(repo, { recursive: true, force: true })
          if (bad) {
            expect(error).toBeInstanceOf(NoGoError)
            expect(error!.message).toMatch(
              /holds a name that is not UTF-8 \(.*\\x[89a-f][0-9a-f].*\)/
            )
          } else {
            expect(error).toBeUndefined()
            for (const w of written)
              expect(files).toContain(Buffer.from(w, 'latin1').toString('utf8'))
          }
        }
      ),
      { numRuns: 60 }
    )
  })

  it('a symlink whose target is not UTF-8 (at any position): NO-GO naming the link, never a changed target', async () => {
    for (const target of ['\xff', 'a\xfeb', 'dir/\xc3', 'x/\xed\xa0\x80/y']) {
      const repo = tempDir()
      fs.mkdirSync(path.join(repo, 'state/deep/er'), { recursive: true })
      fs.symlinkSync(Buffer.from(target, 'latin1'), path.join(repo, 'state/deep/er/link'))
      const { error } = await snapshotOf(repo)
      expect(error).toBeInstanceOf(NoGoError)
      expect(error!.message).toMatch(
        /^symlink state\/deep\/er\/link has a target that is not UTF-8 \(.*\\x[89a-f][0-9a-f].*, shown with \\x escapes\)/
      )
    }
  })

  it('restore: a name or link target that is not UTF-8 (ustar field or pax record) is refused, not decoded to U+FFFD', async () => {
    const dir = header({ path: 'state/', type: '5', mode: 0o755 })
    for (const bad of [0x80, 0xbf, 0xc0, 0xc3, 0xed, 0xf8, 0xff]) {
      for (const spec of [
        { path: 'state/dupX', type: '0' },
        { path: 'state/sub/X/deep', type: '0' },
        { path: 'state/link', type: '2', linkpath: 'aXb' }
      ]) {
        const error = await restoreError(Buffer.concat([dir, withBadByte(header(spec), bad), END]))
        expect(error.message).toMatch(/has a name or link target that is not UTF-8/)
      }
      const record = Buffer.from(paxRecord('path', 'state/dupX'), 'latin1')
      record[record.indexOf(0x58)] = bad
      const error = await restoreError(
        Buffer.concat([dir, rawPax(record), header({ path: 'state/placeholder', type: '0' }), END])
      )
      expect(error.message).toMatch(/has a pax header that is not UTF-8/)
    }
  })
})
