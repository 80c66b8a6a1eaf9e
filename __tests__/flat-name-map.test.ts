// The flat name map (src/util/flat-name-map.ts) under the fingerprint and the git drift check:
// for generated names (any byte but NUL, as latin1 chars) and values, it must answer as a Map of
// name -> value does, and hold no object per entry.
import fc from 'fast-check'
import { FlatNameMap } from '../src/util/flat-name-map.js'

const name = fc
  .uint8Array({ minLength: 1, maxLength: 40 })
  .map((bytes) => Buffer.from(bytes.map((b) => b || 1)).toString('latin1'))

it('answers as a Map of name -> value does', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(name, fc.string({ maxLength: 30 })), { maxLength: 2000 }),
      fc.array(fc.tuple(name, fc.string({ maxLength: 30 })), { maxLength: 200 }),
      (pairs, other) => {
        const flat = new FlatNameMap()
        const map = new Map<string, string>()
        for (const [n, v] of pairs) {
          flat.set(n, v)
          if (!map.has(n)) map.set(n, v) // the first value is kept
        }
        expect(flat.size).toBe(map.size)
        expect([...flat.names()]).toEqual([...map.keys()])
        for (const [n, v] of map) {
          expect(flat.has(n)).toBe(true)
          expect(flat.holds(n, v)).toBe(true)
          expect(flat.holds(n, `${v}x`)).toBe(false)
          expect(flat.nameAt(flat.index(n))).toBe(n)
        }
        const second = new FlatNameMap()
        const secondMap = new Map<string, string>()
        for (const [n, v] of other) {
          second.set(n, v)
          if (!secondMap.has(n)) secondMap.set(n, v)
        }
        for (const n of new Set([...map.keys(), ...secondMap.keys(), ...other.map(([n]) => n)])) {
          expect(flat.has(n)).toBe(map.has(n))
          expect(flat.sameIn(second, n)).toBe(map.get(n) === secondMap.get(n))
        }
      }
    ),
    { numRuns: 50 }
  )
})

it('holds 24 bytes plus the name per entry, doubled at most', () => {
  const flat = new FlatNameMap()
  let names = 0
  for (let i = 0; i < 300_000; i++) {
    const n = `state/d${i % 1000}/f${i}`
    names += n.length
    flat.set(n, `100644 ${i} 0`)
  }
  expect(flat.size).toBe(300_000)
  expect(flat.heldBytes).toBeLessThanOrEqual(2 * (names + 32 * flat.size))
})
