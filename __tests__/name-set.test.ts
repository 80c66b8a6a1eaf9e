import fc from 'fast-check'
import { NameSet } from '../src/restore/name-set.js'

describe('NameSet', () => {
  it('finds every name added and, among distinct names, no other', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ maxLength: 30 }), { maxLength: 2000 }), (names) => {
        const half = Math.floor(names.length / 2)
        const set = new NameSet()
        for (const name of names.slice(0, half)) set.add(name)
        for (const name of names.slice(0, half)) set.add(name) // twice is once
        expect(set.size).toBe(half)
        for (const name of names.slice(0, half)) expect(set.has(name)).toBe(true)
        for (const name of names.slice(half)) expect(set.has(name)).toBe(false)
      }),
      { numRuns: 20 }
    )
  })

  // what keeps a restore-test of 1,000,000 files flat: no string is kept, whatever its length
  it('takes at most 32 bytes per name, whatever the names are like', () => {
    for (const length of [10, 400]) {
      const set = new NameSet()
      const count = 20_000
      for (let i = 0; i < count; i++) set.add(`${'d/'.repeat(length / 2)}${i}`)
      expect(set.size).toBe(count)
      expect(set.tableBytes).toBeLessThanOrEqual(32 * count + 8192)
    }
  })
})
