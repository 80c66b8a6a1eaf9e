import { compareIndexes } from '../src/restore/compare-index.js'
import { indexLine, type IndexEntry } from '../src/format/index-format.js'

const sha = (c: string): string => c.repeat(64)
const ENTRIES: IndexEntry[] = [
  { path: 'state', type: 'dir', mode: 0o755 },
  { path: 'state/a', type: 'file', mode: 0o644, size: 3, sha256: sha('a') },
  { path: 'state/b', type: 'file', mode: 0o755, size: 0, sha256: sha('b') },
  { path: 'state/l', type: 'symlink', mode: 0o777, target: 'a' }
]
const bytesOf = (entries: IndexEntry[]): Buffer =>
  Buffer.from(entries.map((e) => `${indexLine(e)}\n`).join(''), 'utf8')
const observed = bytesOf(ENTRIES)
const withEntry = (i: number, change: Partial<IndexEntry>): IndexEntry[] =>
  ENTRIES.map((e, j) => (j === i ? ({ ...e, ...change } as IndexEntry) : e))

describe('compareIndexes', () => {
  it('agrees when the index lists exactly what was restored', () => {
    expect(compareIndexes(bytesOf(ENTRIES), observed)).toEqual([])
    expect(compareIndexes(Buffer.alloc(0), Buffer.alloc(0))).toEqual([])
  })

  it('names an entry the archive lacks', () => {
    expect(compareIndexes(observed, bytesOf(ENTRIES.slice(0, 3)))).toEqual([
      'entry "state/l" is in the index but missing from the archive'
    ])
  })

  it('names an entry the index lacks', () => {
    expect(compareIndexes(bytesOf(ENTRIES.slice(1)), observed)).toEqual([
      'entry "state" is in the archive but not in its index'
    ])
  })

  it('names a changed sha256, size, mode and link target', () => {
    expect(
      compareIndexes(bytesOf(withEntry(1, { sha256: sha('c') } as Partial<IndexEntry>)), observed)
    ).toEqual(['entry "state/a" differs: its content differs from the sha256 in the index'])
    expect(
      compareIndexes(bytesOf(withEntry(1, { size: 4 } as Partial<IndexEntry>)), observed)
    ).toEqual(['entry "state/a" differs: 3 bytes in the archive, 4 in the index'])
    expect(compareIndexes(bytesOf(withEntry(2, { mode: 0o644 })), observed)).toEqual([
      'entry "state/b" differs: mode 0o755 in the archive, 0o644 in the index'
    ])
    expect(
      compareIndexes(bytesOf(withEntry(3, { target: 'b' } as Partial<IndexEntry>)), observed)
    ).toEqual(['entry "state/l" differs: target "a" in the archive, "b" in the index'])
  })

  it('names a changed type', () => {
    const archived = withEntry(3, { type: 'dir', target: undefined } as Partial<IndexEntry>)
    delete (archived[3] as { target?: string }).target
    expect(compareIndexes(bytesOf(archived), observed)).toEqual([
      'entry "state/l" is a symlink in the archive but a dir in the index'
    ])
  })

  it('names a reordering', () => {
    const swapped = [ENTRIES[0]!, ENTRIES[2]!, ENTRIES[1]!, ENTRIES[3]!]
    expect(compareIndexes(bytesOf(swapped), observed)).toEqual([
      'entry "state/a" is out of order: the index lists "state/b" there (index line 2)'
    ])
  })

  it('names non-canonical, non-JSON and off-schema lines without a second report', () => {
    const lines = observed.toString().split('\n')
    lines[1] = '{"type":"file","path":"state/a","mode":420,"size":3,"sha256":"' + sha('a') + '"}'
    lines[2] = 'not json'
    lines[3] = '{"path":"state/l","type":"fifo","mode":420}'
    expect(compareIndexes(Buffer.from(lines.join('\n')), observed)).toEqual([
      'archive index line 2 is not in canonical form',
      'archive index line 3 is not JSON',
      'archive index line 4 does not fit the schema',
      'entry "state/b" is in the archive but not in its index'
    ])
  })

  it('names a missing final newline, invalid UTF-8 and a duplicate line', () => {
    const text = observed.toString()
    expect(compareIndexes(Buffer.from(text.slice(0, -1)), observed)).toEqual([
      'archive index does not end with a newline'
    ])
    const dup = Buffer.concat([observed, Buffer.from(`${indexLine(ENTRIES[0]!)}\n`)])
    expect(compareIndexes(dup, observed)).toEqual([
      'archive index lists "state" twice (lines 1 and 5)'
    ])
    const bad = Buffer.concat([observed, Buffer.from([0xff, 0x0a])])
    expect(compareIndexes(bad, observed)[0]).toBe('archive index is not valid UTF-8')
  })

  it('names at most ten problems, then counts the rest', () => {
    const many: IndexEntry[] = Array.from({ length: 25 }, (_, i) => ({
      path: `x${i}`,
      type: 'dir',
      mode: 0o755
    }))
    const problems = compareIndexes(bytesOf(many), Buffer.alloc(0))
    expect(problems).toHaveLength(11)
    expect(problems[10]).toBe('and 15 more')
  })
})
