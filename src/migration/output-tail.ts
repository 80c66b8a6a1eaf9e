/** Keeps the last bytes and lines of a command's combined output: enough to explain a failure. */
export class OutputTail {
  private chunks: Buffer[] = []
  private held = 0
  /** Every byte seen, kept or not. */
  totalBytes = 0

  constructor(
    readonly maxBytes = 64 * 1024,
    readonly maxLines = 200
  ) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.held += chunk.length
    this.totalBytes += chunk.length
    // Drop whole chunks from the front while what stays is still at least maxBytes.
    while (
      this.chunks.length > 1 &&
      this.held - (this.chunks[0] as Buffer).length >= this.maxBytes
    ) {
      this.held -= (this.chunks.shift() as Buffer).length
    }
  }

  /** The tail as text, with a first line saying how much was left out, if anything was. */
  text(): string {
    let bytes = Buffer.concat(this.chunks)
    if (bytes.length > this.maxBytes) bytes = bytes.subarray(bytes.length - this.maxBytes)
    let text = bytes.toString('utf8')
    let cut = bytes.length < this.totalBytes
    // A cut in the middle of a line (or a UTF-8 sequence) starts at the next whole line.
    if (cut) text = text.slice(text.indexOf('\n') + 1)
    const lines = text.split('\n')
    if (lines.at(-1) === '') lines.pop()
    if (lines.length > this.maxLines) {
      lines.splice(0, lines.length - this.maxLines)
      cut = true
    }
    const shown = lines.join('\n')
    if (!cut) return shown
    const hidden = this.totalBytes - Buffer.byteLength(shown, 'utf8')
    return `[output truncated: ${hidden} earlier bytes not shown]\n${shown}`
  }
}

/** A logged line longer than this shows its start and how many bytes were left out. */
export const MAX_LINE_BYTES = 4 * 1024

/**
 * Splits a byte stream into lines for live logging. It holds at most MAX_LINE_BYTES of the line in
 * progress, whatever its length: a command printing 100 MB without a newline must not cost 100 MB
 * (or, re-joined on every chunk, quadratic time).
 */
export class LineSplitter {
  private readonly head = Buffer.alloc(MAX_LINE_BYTES)
  private held = 0
  private dropped = 0
  private lastByte = -1

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    let start = 0
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start)
      const end = newline === -1 ? chunk.length : newline
      this.take(chunk, start, end)
      if (newline === -1) return
      this.emit()
      start = newline + 1
    }
  }

  end(): void {
    if (this.held > 0 || this.dropped > 0) this.emit()
  }

  private take(chunk: Buffer, start: number, end: number): void {
    if (end === start) return
    const room = MAX_LINE_BYTES - this.held
    const kept = Math.min(room, end - start)
    chunk.copy(this.head, this.held, start, start + kept)
    this.held += kept
    this.dropped += end - start - kept
    this.lastByte = chunk[end - 1]!
  }

  private emit(): void {
    let keep = this.held
    let dropped = this.dropped
    // a line ending in CR LF logs without the CR
    if (this.lastByte === 0x0d) {
      if (dropped > 0) dropped--
      else keep--
    }
    if (dropped > 0) {
      // cut at a character boundary: step back over a UTF-8 sequence the cap split
      let lead = keep
      while (lead > 0 && lead > keep - 4 && (this.head[lead - 1]! & 0xc0) === 0x80) lead--
      if (lead > 0 && lead > keep - 4) {
        const first = this.head[lead - 1]!
        const length = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1
        if (lead - 1 + length > keep) {
          dropped += keep - (lead - 1)
          keep = lead - 1
        }
      }
    }
    const text = this.head.toString('utf8', 0, keep)
    this.held = 0
    this.dropped = 0
    this.lastByte = -1
    this.onLine(dropped > 0 ? `${text} \u2026 (${dropped} more bytes)` : text)
  }
}
