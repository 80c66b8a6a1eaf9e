import { expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  bytesInParts,
  MAX_PART_SIZE,
  MAX_PARTS,
  MIN_PART_SIZE,
  partSize
} from '../src/store/part-size.js'

const TiB = 1024 ** 4

it('fits a 1 TiB snapshot of unknown length in 10,000 parts', () => {
  expect(bytesInParts(MAX_PARTS)).toBeGreaterThanOrEqual(TiB)
})

it('keeps every part within S3 limits and never shrinks', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: MAX_PARTS - 1 }), (n) => {
      expect(partSize(n)).toBeGreaterThanOrEqual(MIN_PART_SIZE)
      expect(partSize(n)).toBeLessThanOrEqual(MAX_PART_SIZE)
      expect(partSize(n + 1)).toBeGreaterThanOrEqual(partSize(n))
    })
  )
})

it('keeps the largest part (and so memory per part in flight) under 256 MiB', () => {
  expect(partSize(MAX_PARTS)).toBeLessThan(256 * 1024 * 1024)
})

it('refuses part numbers S3 does not have', () => {
  for (const n of [0, -1, 1.5, MAX_PARTS + 1]) expect(() => partSize(n)).toThrow(RangeError)
})
