// The blob ids the snapshot takes for the exposure audit, counted flat (src/hashing/blob-ids.ts):
// read like a Map of hex id -> count, it must answer as one does, for generated ids with
// duplicates in both widths, and hold no object per id.
import fc from 'fast-check'
import { BlobIdCounts } from '../src/hashing/blob-ids.js'

describe.each([
  ['sha1', 20],
  ['sha256', 32]
])('%s ids', (_format, width) => {
  it('answers as a Map of hex id -> count does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: width, maxLength: width }), { maxLength: 3000 }),
        fc.array(fc.nat(), { maxLength: 200 }),
        (fresh, repeats) => {
          const ids = fresh.map((b) => Buffer.from(b))
          // duplicates of ids already seen, as identical files give
          for (const r of repeats) if (ids.length > 0) ids.push(ids[r % ids.length]!)
          const counts = new BlobIdCounts(width)
          const reference = new Map<string, number>()
          for (const id of ids) {
            counts.count(id)
            const hex = id.toString('hex')
            reference.set(hex, (reference.get(hex) ?? 0) + 1)
          }
          expect(counts.size).toBe(reference.size)
          expect(new Map(zip([...counts.keys()], [...counts.values()]))).toEqual(reference)
          for (const [hex, n] of reference) {
            expect(counts.has(hex)).toBe(true)
            expect(counts.get(hex)).toBe(n)
          }
          // an id never counted, of either width, or not hex at all
          const absent = Buffer.alloc(width, 0xee).toString('hex')
          if (!reference.has(absent)) expect(counts.get(absent)).toBeUndefined()
          expect(counts.has('zz'.repeat(width))).toBe(false)
          expect(counts.has(absent.slice(2))).toBe(false)
        }
      ),
      { numRuns: 40 }
    )
  })
})

it('holds ids in typed memory: 300,000 of them in under 60 bytes each', () => {
  const counts = new BlobIdCounts(20)
  const id = Buffer.alloc(20)
  for (let i = 0; i < 300_000; i++) {
    id.writeUInt32LE(Math.imul(i, 0x9e3779b1) >>> 0, 0)
    id.writeUInt32LE(i, 16)
    counts.count(id)
  }
  expect(counts.size).toBe(300_000)
  expect(counts.heldBytes / counts.size).toBeLessThan(60)
})

function zip<A, B>(a: A[], b: B[]): [A, B][] {
  return a.map((x, i) => [x, b[i]!])
}
