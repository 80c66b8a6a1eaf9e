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
  readonly counts = new Map<string, number>()
  /** Regular files seen, looked up or not. */
  files = 0

  /**
   * `format`: the repository's object format; `minBytes`: files smaller than this are counted but
   * not looked up.
   */
  constructor(
    readonly format: ObjectFormat,
    readonly minBytes: number
  ) {}

  /** Counts a file of `size` bytes; the hash to feed its bytes to, unless it is too small. */
  begin(size: number): Hash | undefined {
    this.files++
    if (size < this.minBytes) return undefined
    return createHash(this.format).update(`blob ${size}\0`)
  }

  /** The id of a file whose bytes `begin`'s hash has had, all of them. */
  add(hash: Hash): void {
    const id = hash.digest('hex')
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1)
  }
}
