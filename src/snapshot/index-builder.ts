import { indexLine, type IndexEntry } from '../format/index-format.js'
import { SpillFile } from '../runtime/spill-file.js'

/**
 * The index as the walk goes: each line written to a spill file and hashed, so a snapshot of
 * 1,000,000 entries holds 64 KiB of it in memory, not ~130 MiB; the archive copies it from the
 * file as its last entry.
 */
export class IndexBuilder {
  readonly #spill: SpillFile
  files = 0
  bytes = 0
  entries = 0

  constructor(tempDir?: string) {
    this.#spill = new SpillFile(tempDir)
  }

  add(entry: IndexEntry): string {
    const line = indexLine(entry) + '\n'
    this.#spill.append(line)
    this.entries++
    if (entry.type === 'file') {
      this.files++
      this.bytes += entry.size
    }
    return line
  }

  /** Bytes of the index so far. */
  get size(): number {
    return this.#spill.size
  }

  /** Copies index bytes from `position` into `into`; returns how many. */
  read(into: Buffer, offset: number, length: number, position: number): number {
    return this.#spill.read(into, offset, length, position)
  }

  /** The whole index in memory (tests). */
  bytesOfIndex(): Buffer {
    return this.#spill.bytes()
  }

  /** The content digest; add nothing after the first call. */
  digest(): string {
    return this.#spill.digest()
  }

  /** Deletes the spill file. */
  remove(): void {
    this.#spill.remove()
  }
}
