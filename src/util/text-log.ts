/**
 * Text appended as UTF-8 into one growing buffer. An index of many thousand lines kept as strings
 * is that many objects on the JavaScript heap, which the collector lets grow to several times
 * their size; kept here it is its bytes, outside the heap.
 */
export class TextLog {
  #buffer = Buffer.allocUnsafe(64 * 1024)
  #length = 0

  append(text: string): void {
    const most = text.length * 3
    if (this.#length + most > this.#buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.#buffer.length, this.#length + most))
      this.#buffer.copy(grown, 0, 0, this.#length)
      this.#buffer = grown
    }
    this.#length += this.#buffer.write(text, this.#length, 'utf8')
  }

  /** The bytes so far: a view, valid until the next append. */
  bytes(): Buffer {
    return this.#buffer.subarray(0, this.#length)
  }
}
