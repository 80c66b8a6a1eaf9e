import { base64Length, decodeBase64, encodeBase64 } from './base64.js'
import { AgeError, badHeader, truncated } from './errors.js'
import { headerMac } from './keys.js'

/** One recipient stanza: `args[0]` is its type (e.g. `scrypt`), `body` the decoded body. */
export interface Stanza {
  readonly args: readonly string[]
  readonly body: Buffer
}

export interface Header {
  readonly stanzas: readonly Stanza[]
  /** The header bytes up to and including `---`: exactly what the header MAC covers. */
  readonly macInput: Buffer
  readonly mac: Buffer
  /** Bytes from the start of the file through the MAC line's LF: the payload starts here. */
  readonly length: number
}

export const VERSION_LINE = 'age-encryption.org/v1'
const VERSION_PREFIX = 'age-encryption.org/'
const ARMOR_PREFIX = '-----BEGIN AGE ENCRYPTED FILE-----'
/** Our own headers are ~150 bytes; this leaves room for many-recipient files yet stops a runaway. */
export const MAX_HEADER_SIZE = 256 * 1024
const BODY_COLUMNS = 64
const MAC_SIZE = 32
const LF = 0x0a

const ARGUMENT = /^[\x21-\x7e]+$/
const BASE64_LINE = /^[A-Za-z0-9+/]*$/

type State = 'version' | 'stanza-or-end' | 'body'

/**
 * Incremental, strict parser of the age v1 header (spec "ABNF definition of file header").
 * Feed it the file's leading bytes as they grow; it checks each line as soon as it is complete,
 * so a non-age file is refused after its first bytes rather than after MAX_HEADER_SIZE.
 */
export class HeaderParser {
  private state: State = 'version'
  /** Start of the first line not yet parsed. */
  private lineStart = 0
  /** Bytes before this offset hold no LF past lineStart (saves rescanning a long partial line). */
  private scanned = 0
  private readonly stanzas: Stanza[] = []
  private args: string[] = []
  private bodyLines: string[] = []
  private header: Header | undefined

  /**
   * `bytes` is the start of the file; each call must pass a buffer that extends the previous
   * one. Returns the header once its MAC line is complete, undefined if more bytes are needed.
   * Throws AgeError BAD_HEADER.
   */
  parse(bytes: Buffer): Header | undefined {
    // Past the header come payload bytes, which are not lines: never read on into them.
    if (this.header) return this.header
    for (;;) {
      const lf = bytes.indexOf(LF, Math.max(this.lineStart, this.scanned))
      if (lf >= MAX_HEADER_SIZE) throw tooLong()
      if (lf < 0) {
        this.scanned = bytes.length
        this.checkPartial(bytes)
        return undefined
      }
      const line = bytes.toString('latin1', this.lineStart, lf)
      const start = this.lineStart
      this.lineStart = lf + 1
      this.header = this.line(line, bytes, start)
      if (this.header) return this.header
    }
  }

  /** The input ended before the header did: why that is an error. */
  end(bytes: Buffer): AgeError {
    try {
      this.checkPartial(bytes)
    } catch (err) {
      return err as AgeError
    }
    if (bytes.length === 0) return truncated('before the age header starts (the file is empty)')
    return truncated('inside the age header')
  }

  private checkPartial(bytes: Buffer): void {
    // Only called while the current line is incomplete, so all of `bytes` is header so far.
    if (bytes.length > MAX_HEADER_SIZE) throw tooLong()
    if (this.state === 'version') {
      // Reject a foreign file from its first bytes instead of waiting for a LF that may never come.
      const head = bytes.toString('latin1', 0, Math.min(bytes.length, ARMOR_PREFIX.length))
      if (!VERSION_PREFIX.startsWith(head.slice(0, VERSION_PREFIX.length))) throw notAgeFile(head)
    }
  }

  private line(line: string, bytes: Buffer, start: number): Header | undefined {
    if (line.endsWith('\r')) {
      throw badHeader(
        'its header lines end in CR LF; the file was likely converted as text (age files are binary)'
      )
    }
    switch (this.state) {
      case 'version':
        if (line !== VERSION_LINE) {
          if (line.startsWith(VERSION_PREFIX)) {
            throw badHeader(
              `unsupported version line ${quote(line)}; only ${VERSION_LINE} is known`
            )
          }
          throw notAgeFile(line)
        }
        this.state = 'stanza-or-end'
        return undefined
      case 'stanza-or-end':
        if (line.startsWith('-> ')) {
          const args = line.slice(3).split(' ')
          if (!args.every((a) => ARGUMENT.test(a))) {
            throw badHeader(`malformed stanza line ${quote(line)}`)
          }
          this.args = args
          this.bodyLines = []
          this.state = 'body'
          return undefined
        }
        if (line.startsWith('---')) return this.macLine(line, bytes, start)
        throw badHeader(`expected a stanza ("-> ") or the MAC line ("--- "), found ${quote(line)}`)
      case 'body':
        if (line.length > BODY_COLUMNS || !BASE64_LINE.test(line)) {
          throw badHeader(`malformed stanza body line ${quote(line)}`)
        }
        this.bodyLines.push(line)
        // A full-width line means the body goes on; the body ends with a shorter (maybe empty) one.
        if (line.length === BODY_COLUMNS) return undefined
        this.stanzas.push({ args: this.args, body: this.decodeBody() })
        this.state = 'stanza-or-end'
        return undefined
    }
  }

  private decodeBody(): Buffer {
    const body = decodeBase64(this.bodyLines.join(''))
    if (!body)
      throw badHeader(`stanza ${quote(this.args[0] ?? '')} has a non-canonical base64 body`)
    return body
  }

  private macLine(line: string, bytes: Buffer, start: number): Header {
    if (this.stanzas.length === 0) throw badHeader('the header has no recipient stanza')
    const text = line.slice(4)
    const mac =
      line.startsWith('--- ') && text.length === base64Length(MAC_SIZE)
        ? decodeBase64(text)
        : undefined
    if (!mac) throw badHeader(`malformed MAC line ${quote(line)}`)
    return {
      stanzas: this.stanzas,
      macInput: Buffer.from(bytes.subarray(0, start + 3)),
      mac,
      length: this.lineStart
    }
  }
}

/** The header text up to and including `---`, i.e. the MAC input, for these stanzas. */
export function encodeHeaderWithoutMac(stanzas: readonly Stanza[]): Buffer {
  const parts = [VERSION_LINE, '\n']
  for (const stanza of stanzas) {
    parts.push('-> ', stanza.args.join(' '), '\n')
    const body = encodeBase64(stanza.body)
    // Wrap at 64 columns; the last line is always short, empty when the body fills its lines.
    for (let i = 0; i <= body.length; i += BODY_COLUMNS) {
      parts.push(body.slice(i, i + BODY_COLUMNS), '\n')
    }
  }
  parts.push('---')
  return Buffer.from(parts.join(''), 'latin1')
}

/** The complete header, MAC line included, authenticated with `fileKey`. */
export function encodeHeader(stanzas: readonly Stanza[], fileKey: Uint8Array): Buffer {
  const macInput = encodeHeaderWithoutMac(stanzas)
  const macLine = ` ${encodeBase64(headerMac(fileKey, macInput))}\n`
  return Buffer.concat([macInput, Buffer.from(macLine, 'latin1')])
}

function tooLong(): AgeError {
  return badHeader(`the header is longer than ${MAX_HEADER_SIZE} bytes`)
}

function notAgeFile(head: string): AgeError {
  if (head.startsWith('-----BEGIN')) {
    return badHeader(
      'it is ASCII-armored (PEM); only binary age files are read here, so de-armor it first'
    )
  }
  return badHeader(`it does not start with ${quote(VERSION_LINE)}`)
}

/** A header fragment fit for an error message: quoted, short, printable. */
function quote(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 40)}...` : text
  return JSON.stringify(short).replace(/[^\x20-\x7e]/g, '?')
}
