import { randomBytes } from 'node:crypto'

const seeds = randomBytes(8)
const SEED_A = seeds.readUInt32LE(0)
const SEED_B = seeds.readUInt32LE(4)

/** Two 32-bit multiplicative hashes of the UTF-16 code units, seeded per process: 64 bits. */
function hashes(name: string): [number, number] {
  let a = SEED_A ^ name.length
  let b = SEED_B ^ Math.imul(name.length, 0x9e3779b1)
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995)
    b ^= b >>> 15
  }
  a ^= a >>> 16
  a = Math.imul(a, 0x85ebca6b)
  a ^= a >>> 13
  b ^= b >>> 13
  b = Math.imul(b, 0xc2b2ae35)
  b ^= b >>> 16
  const hi = a >>> 0
  const lo = b >>> 0
  // 0/0 marks an empty slot
  return hi === 0 && lo === 0 ? [0, 1] : [hi, lo]
}

/**
 * The names of the files a restore wrote, as 64-bit hashes in an open-addressed table: 16 to 32
 * bytes each (the table at most half full) where a Map of 1,000,000 path strings took ~130 MiB.
 * `has` can say yes for a name never added (two names, one hash: about 3 in 10^8 for a restore
 * of 1,000,000 files, seeds chosen per run), so a yes only ever refuses, never admits: a false
 * yes fails a restore; it never lets an entry through a link.
 */
export class NameSet {
  #hi = new Uint32Array(1024)
  #lo = new Uint32Array(1024)
  #count = 0

  get size(): number {
    return this.#count
  }

  /** Bytes the table takes: 16 to 32 per name, nothing for a name's length. */
  get tableBytes(): number {
    return this.#hi.byteLength + this.#lo.byteLength
  }

  add(name: string): void {
    const [hi, lo] = hashes(name)
    if (this.#find(hi, lo) >= 0) return
    if ((this.#count + 1) * 2 > this.#hi.length) this.#grow()
    this.#put(hi, lo)
    this.#count++
  }

  has(name: string): boolean {
    const [hi, lo] = hashes(name)
    return this.#find(hi, lo) >= 0
  }

  #find(hi: number, lo: number): number {
    const mask = this.#hi.length - 1
    for (let at = (hi ^ lo) & mask; ; at = (at + 1) & mask) {
      const h = this.#hi[at]!
      const l = this.#lo[at]!
      if (h === 0 && l === 0) return -1
      if (h === hi && l === lo) return at
    }
  }

  #put(hi: number, lo: number): void {
    const mask = this.#hi.length - 1
    let at = (hi ^ lo) & mask
    while (this.#hi[at] !== 0 || this.#lo[at] !== 0) at = (at + 1) & mask
    this.#hi[at] = hi
    this.#lo[at] = lo
  }

  #grow(): void {
    const [hi, lo] = [this.#hi, this.#lo]
    this.#hi = new Uint32Array(hi.length * 2)
    this.#lo = new Uint32Array(lo.length * 2)
    for (let i = 0; i < hi.length; i++) if (hi[i] !== 0 || lo[i] !== 0) this.#put(hi[i]!, lo[i]!)
  }
}
