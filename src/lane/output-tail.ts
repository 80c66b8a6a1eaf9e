import { StringDecoder } from 'node:string_decoder'

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

/** Splits a byte stream into lines for live logging, holding back a partial last line. */
export class LineSplitter {
  private decoder = new StringDecoder('utf8')
  private partial = ''

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    const parts = (this.partial + this.decoder.write(chunk)).split('\n')
    this.partial = parts.pop() ?? ''
    for (const line of parts) this.onLine(line.replace(/\r$/, ''))
  }

  end(): void {
    const rest = this.partial + this.decoder.end()
    this.partial = ''
    if (rest) this.onLine(rest.replace(/\r$/, ''))
  }
}
