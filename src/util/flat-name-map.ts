import { hash, randomBytes } from 'node:crypto'

/**
 * Names (latin1 strings, one char per byte) mapped to 64 bits of the SHA-256 of a value, held flat:
 * the names in one byte arena, the digests and an open-addressed table in typed arrays. About 24
 * bytes plus the name per entry and no object of its own, where a Map of two strings took
 * hundreds: the per-entry state a lane holds across its phases (the includes' fingerprint, the
 * git index and the tracked files' content) stays out of the collector's way, and 1,000,000
 * entries fit in tens of MB instead of hundreds.
 *
 * A name is matched by its bytes, never by a hash alone. A value is told by its digest: 64 bits
 * of SHA-256, which a hostile migration cannot choose to collide with what it replaced.
 */
export class FlatNameMap {
  #count = 0
  #names = Buffer.allocUnsafe(16 * 1024)
  #used = 0
  #nameAt = new Float64Array(256)
  #nameLength = new Uint32Array(256)
  #digest = new Uint32Array(2 * 256)
  /** Entry number + 1 by slot; 0 is an empty slot. At most half full. */
  #table = new Int32Array(512)

  get size(): number {
    return this.#count
  }

  /** Bytes of memory held: the arena and the typed arrays, nothing per entry. */
  get heldBytes(): number {
    return (
      this.#names.length +
      this.#nameAt.byteLength +
      this.#nameLength.byteLength +
      this.#digest.byteLength +
      this.#table.byteLength
    )
  }

  /** Maps `name` to `value`'s digest; a name set twice keeps its first value. */
  set(name: string, value: string): void {
    if (this.#find(name) >= 0) return
    const entry = this.#count
    if (entry === this.#nameAt.length) this.#growEntries()
    const length = Buffer.byteLength(name, 'latin1')
    if (this.#used + length > this.#names.length) this.#growNames(length)
    this.#names.write(name, this.#used, 'latin1')
    this.#nameAt[entry] = this.#used
    this.#nameLength[entry] = length
    this.#used += length
    const [hi, lo] = digestOf(value)
    this.#digest[2 * entry] = hi
    this.#digest[2 * entry + 1] = lo
    this.#count++
    if (this.#count * 2 > this.#table.length) this.#growTable()
    else this.#put(entry)
  }

  has(name: string): boolean {
    return this.#find(name) >= 0
  }

  /** Whether `name` is here with the value `value`. */
  holds(name: string, value: string): boolean {
    const entry = this.#find(name)
    if (entry < 0) return false
    const [hi, lo] = digestOf(value)
    return this.#digest[2 * entry] === hi && this.#digest[2 * entry + 1] === lo
  }

  /** Whether `name` has the same value here as in `other` (absent from both counts as the same). */
  sameIn(other: FlatNameMap, name: string): boolean {
    const here = this.#find(name)
    const there = other.#find(name)
    if (here < 0 || there < 0) return here === there
    return (
      this.#digest[2 * here] === other.#digest[2 * there] &&
      this.#digest[2 * here + 1] === other.#digest[2 * there + 1]
    )
  }

  /** The names, in the order they were set. */
  *names(): IterableIterator<string> {
    for (let entry = 0; entry < this.#count; entry++) yield this.#nameOf(entry)
  }

  /**
   * The entry number of `name` (0 to size - 1, in the order set), or -1: a caller marks entries
   * in a typed array of `size` instead of a set of names.
   */
  index(name: string): number {
    return this.#find(name)
  }

  nameAt(entry: number): string {
    return this.#nameOf(entry)
  }

  #find(name: string): number {
    const mask = this.#table.length - 1
    for (let at = nameHash(name) & mask; ; at = (at + 1) & mask) {
      const slot = this.#table[at]!
      if (slot === 0) return -1
      if (this.#equals(slot - 1, name)) return slot - 1
    }
  }

  #equals(entry: number, name: string): boolean {
    const length = this.#nameLength[entry]!
    if (length !== name.length) return false
    const at = this.#nameAt[entry]!
    for (let i = 0; i < length; i++) if (this.#names[at + i] !== name.charCodeAt(i)) return false
    return true
  }

  #nameOf(entry: number): string {
    const at = this.#nameAt[entry]!
    return this.#names.toString('latin1', at, at + this.#nameLength[entry]!)
  }

  #put(entry: number): void {
    const mask = this.#table.length - 1
    let at = nameHash(this.#nameOf(entry)) & mask
    while (this.#table[at] !== 0) at = (at + 1) & mask
    this.#table[at] = entry + 1
  }

  #growEntries(): void {
    const n = this.#nameAt.length * 2
    const nameAt = new Float64Array(n)
    nameAt.set(this.#nameAt)
    this.#nameAt = nameAt
    const nameLength = new Uint32Array(n)
    nameLength.set(this.#nameLength)
    this.#nameLength = nameLength
    const digest = new Uint32Array(2 * n)
    digest.set(this.#digest)
    this.#digest = digest
  }

  #growNames(need: number): void {
    const names = Buffer.allocUnsafe(Math.max(2 * this.#names.length, this.#used + need))
    this.#names.copy(names, 0, 0, this.#used)
    this.#names = names
  }

  #growTable(): void {
    this.#table = new Int32Array(this.#table.length * 2)
    for (let entry = 0; entry < this.#count; entry++) this.#put(entry)
  }
}

const SEED = randomBytes(4).readUInt32LE(0)

/** A 32-bit hash of a name's chars, seeded per process: only the slot a search starts at. */
function nameHash(name: string): number {
  let h = SEED ^ name.length
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  return (h ^ (h >>> 13)) >>> 0
}

/** 64 bits of a value's SHA-256. */
function digestOf(value: string): [number, number] {
  const digest = hash('sha256', value, 'buffer')
  return [digest.readUInt32LE(0), digest.readUInt32LE(4)]
}
