import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { SpillFile } from '../src/runtime/spill-file.js'

const spillDirs = (): string[] =>
  fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('cutover-gate-spill-'))

describe('SpillFile', () => {
  it('gives back exactly what was appended, at any position, in lines, with its digest', () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 40 }).map((s) => `${s}\n`),
      fc.uint8Array({ maxLength: 70_000 }).map((a) => Buffer.from(a))
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.nat(), fc.nat(), (pieces, p, l) => {
        const spill = new SpillFile()
        try {
          for (const x of pieces) spill.append(x)
          const all = Buffer.concat(pieces.map((x) => Buffer.from(x)))
          expect(spill.size).toBe(all.length)
          expect(spill.bytes().equals(all)).toBe(true)
          const position = all.length === 0 ? 0 : p % all.length
          const length = l % (all.length - position + 1)
          const into = Buffer.alloc(length)
          expect(spill.read(into, 0, length, position)).toBe(length)
          expect(into.equals(all.subarray(position, position + length))).toBe(true)
          expect(spill.equalsAt(position, all.subarray(position, position + length))).toBe(true)
          if (length > 0) {
            const other = Buffer.from(all.subarray(position, position + length))
            other[length - 1]! ^= 1
            expect(spill.equalsAt(position, other)).toBe(false)
          }
          const text = all.toString('utf8')
          const lines = text.split('\n')
          if (lines.at(-1) === '') lines.pop()
          if (Buffer.from(text, 'utf8').equals(all)) expect([...spill.lines()]).toEqual(lines)
          expect(spill.digest()).toBe(`sha256:${createHash('sha256').update(all).digest('hex')}`)
        } finally {
          spill.remove()
        }
      }),
      { numRuns: 60 }
    )
  })

  // the mechanism that keeps snapshot and restore-test flat in the entry count
  it('holds at most 64 KiB in memory however many lines it is given', () => {
    for (const count of [1_000, 100_000]) {
      const spill = new SpillFile()
      let most = 0
      for (let i = 0; i < count; i++) {
        spill.append(`{"path":"state/d${i}/f${i}","type":"file","mode":420,"size":0}\n`)
        most = Math.max(most, spill.inMemory)
      }
      expect(most).toBeLessThanOrEqual(64 * 1024)
      expect(spill.size).toBeGreaterThan(count * 50)
      spill.remove()
    }
  })

  it('touches no disk while small, and leaves nothing behind after remove()', () => {
    const before = spillDirs()
    const small = new SpillFile()
    small.append('a line\n')
    expect(spillDirs()).toEqual(before)
    const big = new SpillFile()
    big.append(Buffer.alloc(100_000))
    const made = spillDirs().filter((n) => !before.includes(n))
    expect(made).toHaveLength(1)
    const dir = path.join(os.tmpdir(), made[0]!)
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700)
    big.remove()
    small.remove()
    expect(spillDirs()).toEqual(before)
  })
})
