import { createHash, type Hash } from 'node:crypto'

/** The two object formats git has: ids are SHA-1 (40 hex) or SHA-256 (64 hex). */
export type ObjectFormat = 'sha1' | 'sha256'

/**
 * The git blob ids of files' bytes (`git hash-object` without filters: the hash of `blob <size>\0`
 * and the content), counted by id: what the exposure audit looks up in the object database. Filled
 * by whoever reads the files anyway (the snapshot, as it archives them), so the audit makes no
 * second pass over the data.
 */
export class BlobIdTally {
  /** Blob id -> how many files have those bytes. */
  readonly counts: BlobIdCounts
  /** Regular files seen, looked up or not. */
  files = 0

  /**
   * `format`: the repository's object format; `minBytes`: files smaller than this are counted but
   * not looked up.
   */
  constructor(
    readonly format: ObjectFormat,
    readonly minBytes: number
  ) {
    this.counts = new BlobIdCounts(format === 'sha1' ? 20 : 32)
  }

  /** Counts a file of `size` bytes; the hash to feed its bytes to, unless it is too small. */
  begin(size: number): Hash | undefined {
    this.files++
    if (size < this.minBytes) return undefined
    return createHash(this.format).update(`blob ${size}\0`)
  }

  /** The id of a file whose bytes `begin`'s hash has had, all of them. */
  add(hash: Hash): void {
    this.counts.count(hash.digest())
  }
}

/**
 * Blob ids and how many files have each, held flat: the ids' bytes in one arena, the counts and
 * an open-addressed table (slotted by the id's own first bytes, already uniform) in typed arrays,
 * about 30 to 50 bytes per distinct id and no object of its own. It lives from the snapshot's
 * read to the audit, through the restore-test: a Map of hex strings took ~100 bytes per id.
 * Read like a Map of hex id -> count.
 */
export class BlobIdCounts {
  readonly #width: number
  #ids: Buffer
  #counts = new Uint32Array(256)
  #size = 0
  /** Id number + 1 by slot; 0 is empty. At most half full. */
  #table = new Int32Array(512)

  /** `width`: bytes per id (20 for SHA-1, 32 for SHA-256). */
  constructor(width: number) {
    this.#width = width
    this.#ids = Buffer.allocUnsafe(256 * width)
  }

  get size(): number {
    return this.#size
  }

  /** Bytes of memory held: the arena and the typed arrays, nothing per id. */
  get heldBytes(): number {
    return this.#ids.length + this.#counts.byteLength + this.#table.byteLength
  }

  /** Counts one more file with the id `id` (its bytes). */
  count(id: Buffer): void {
    const found = this.#find(id)
    if (found >= 0) {
      this.#counts[found]!++
      return
    }
    const n = this.#size
    if (n === this.#counts.length) this.#grow()
    id.copy(this.#ids, n * this.#width, 0, this.#width)
    this.#counts[n] = 1
    this.#size++
    if (this.#size * 2 > this.#table.length) this.#rehash()
    else this.#put(n)
  }

  has(hex: string): boolean {
    return this.get(hex) !== undefined
  }

  /** How many files have the id `hex`, or undefined. */
  get(hex: string): number | undefined {
    if (hex.length !== 2 * this.#width || !/^[0-9a-f]+$/.test(hex)) return undefined
    const found = this.#find(Buffer.from(hex, 'hex'))
    return found < 0 ? undefined : this.#counts[found]
  }

  *keys(): IterableIterator<string> {
    for (let n = 0; n < this.#size; n++)
      yield this.#ids.toString('hex', n * this.#width, (n + 1) * this.#width)
  }

  *values(): IterableIterator<number> {
    for (let n = 0; n < this.#size; n++) yield this.#counts[n]!
  }

  #slot(id: Buffer, at: number): number {
    return id.readUInt32LE(at) & (this.#table.length - 1)
  }

  #find(id: Buffer): number {
    const mask = this.#table.length - 1
    for (let at = this.#slot(id, 0); ; at = (at + 1) & mask) {
      const entry = this.#table[at]!
      if (entry === 0) return -1
      const n = entry - 1
      if (id.compare(this.#ids, n * this.#width, (n + 1) * this.#width, 0, this.#width) === 0)
        return n
    }
  }

  #put(n: number): void {
    const mask = this.#table.length - 1
    let at = this.#ids.readUInt32LE(n * this.#width) & mask
    while (this.#table[at] !== 0) at = (at + 1) & mask
    this.#table[at] = n + 1
  }

  #grow(): void {
    const counts = new Uint32Array(this.#counts.length * 2)
    counts.set(this.#counts)
    this.#counts = counts
    const ids = Buffer.allocUnsafe(counts.length * this.#width)
    this.#ids.copy(ids)
    this.#ids = ids
  }

  #rehash(): void {
    this.#table = new Int32Array(this.#table.length * 2)
    for (let n = 0; n < this.#size; n++) this.#put(n)
  }
}
