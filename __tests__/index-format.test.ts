import { digestOfIndex, indexLine, parseIndexLine } from '../src/format/index-format.js'
import { IndexBuilder } from '../src/snapshot/index-builder.js'

describe('index format', () => {
  it('writes fields in a fixed order whatever the object order', () => {
    const line = indexLine({
      sha256: 'a'.repeat(64),
      size: 3,
      mode: 0o644,
      type: 'file',
      path: 'x'
    } as never)
    expect(line).toBe(`{"path":"x","type":"file","mode":420,"size":3,"sha256":"${'a'.repeat(64)}"}`)
  })

  it('digests the index bytes, the same for the same entries', () => {
    const build = () => {
      const b = new IndexBuilder()
      b.add({ path: 'state', type: 'dir', mode: 0o755 })
      b.add({ path: 'state/a', type: 'file', mode: 0o644, size: 1, sha256: 'b'.repeat(64) })
      b.add({ path: 'state/l', type: 'symlink', mode: 0o777, target: 'a' })
      return b
    }
    const one = build()
    const two = build()
    expect(one.digest()).toBe(two.digest())
    expect(digestOfIndex(one.bytesOfIndex())).toBe(one.digest())
    expect(one.files).toBe(1)
    expect(one.entries).toBe(3)
    one.remove()
    two.remove()
  })

  it('refuses a line that is not canonical or not in the schema', () => {
    expect(() => parseIndexLine('{"type":"dir","path":"a","mode":493}', 4)).toThrow(
      /line 4 is not in canonical form/
    )
    expect(() => parseIndexLine('{"path":"a","type":"fifo","mode":493}', 2)).toThrow(
      /line 2 does not fit/
    )
    expect(() => parseIndexLine('nope', 9)).toThrow(/line 9 is not JSON/)
    expect(parseIndexLine('{"path":"a","type":"dir","mode":493}', 1)).toEqual({
      path: 'a',
      type: 'dir',
      mode: 493
    })
  })
})
