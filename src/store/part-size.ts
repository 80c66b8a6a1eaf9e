const MiB = 1024 * 1024

/** S3's limits: at most 10,000 parts, each (but the last) at least 5 MiB and at most 5 GiB. */
export const MAX_PARTS = 10_000
export const MIN_PART_SIZE = 5 * MiB
export const MAX_PART_SIZE = 5 * 1024 * MiB

/** The first parts: big enough that small snapshots need few requests, small enough for memory. */
const FIRST_PART_SIZE = 8 * MiB
/** Part sizes hold for a run of this many parts, so the buffers of a run are reused. */
const PARTS_PER_STEP = 100
/** ...then grow by this much: 10,000 parts then hold 1.26 TiB, the largest part is 255.5 MiB. */
const STEP_GROWTH = 2.5 * MiB

/**
 * Size of part `partNumber` (from 1) of an upload whose length is unknown until it ends. Growing
 * linearly (not doubling) keeps the largest part, and so memory (parts in flight × part size),
 * as small as 1 TiB in 10,000 parts allows: 1 TiB needs 105 MiB per part on average.
 */
export function partSize(partNumber: number): number {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PARTS)
    throw new RangeError(`part number ${partNumber} is outside 1-${MAX_PARTS}`)
  const step = Math.floor((partNumber - 1) / PARTS_PER_STEP)
  return Math.min(MAX_PART_SIZE, FIRST_PART_SIZE + step * STEP_GROWTH)
}

/** How many bytes parts 1..n hold together. */
export function bytesInParts(n: number): number {
  let total = 0
  for (let i = 1; i <= n; i++) total += partSize(i)
  return total
}
