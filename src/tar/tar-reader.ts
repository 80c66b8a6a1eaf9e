import { isUtf8 } from 'node:buffer'
import { checkEntryPath, checkLinkTarget, showPath } from './entry-path.js'
import { MAX_ENTRY_SIZE, parsePaxRecords, type PaxFields } from './pax-records.js'
import { decodeHeader, type RawHeader } from './decode-header.js'
import { BLOCK, FIELD, paddingFor } from './layout.js'

export type TarEntryType = 'file' | 'dir' | 'symlink'

/** An admitted entry: name and link target already checked, pax overrides applied. */
export interface TarEntry {
  /** Relative path without a trailing slash. */
  path: string
  type: TarEntryType
  /** Permission bits only (mode & 0o7777). */
  mode: number
  /** Bytes of data that follow; 0 for folders and symlinks. */
  size: number
  mtime: number | undefined
  /** The link target for a symlink, '' otherwise. */
  target: string
}

/** Receives entries in archive order; a throw from any method aborts the read. */
export interface TarSink {
  entry(entry: TarEntry): void
  /** A piece of the current file's data: a view into the input, valid only during the call. */
  data(piece: Buffer): void
  /** The current file's data is complete (called at once for an empty file). */
  fileEnd(): void
}

/** A pax header only ever carries a path, a link target and a few numbers: 1 MiB is ample. */
const MAX_PAX_SIZE = 1024 * 1024
const ZEROS = Buffer.alloc(64 * 1024)

/**
 * Zeros accepted after the end-of-archive marker: a writer pads its last record (GNU tar to
 * 10 KiB, 1 MiB at blocking factor 2048); past that, zstd's RLE blocks make 8 GiB of zeros from
 * 256 KiB, and reading them on would take minutes per MiB of snapshot for nothing.
 */
export const TRAILING_ZEROS_MAX = 1 << 20
const TYPES: Record<string, TarEntryType> = { '0': 'file', '5': 'dir', '2': 'symlink' }
const KINDS: Record<string, string> = {
  '1': 'hard link',
  '3': 'character device',
  '4': 'block device',
  '6': 'fifo',
  '7': 'contiguous file',
  g: 'global pax header',
  L: 'GNU long name header',
  K: 'GNU long link name header',
  N: 'GNU old long name header',
  S: 'GNU sparse file',
  D: 'GNU dump folder',
  M: 'GNU multi-volume continuation',
  V: 'tape volume label',
  A: 'Solaris ACL',
  I: 'inode metadata record',
  X: 'Solaris extended header',
  '\0': 'pre-POSIX file entry'
}

const HEADER = 0
const BODY = 1
const PAX = 2
const SKIP = 3
const END = 4

/** A NUL-terminated header field's bytes. */
function fieldBytes(block: Buffer, start: number, length: number): Buffer {
  const nul = block.indexOf(0, start)
  return block.subarray(start, nul < 0 || nul > start + length ? start + length : nul)
}

/** Name, prefix and link name as bytes: a snapshot writes only UTF-8, and text would merge lookalikes. */
function headerIsUtf8(block: Buffer, off: number): boolean {
  return (
    isUtf8(fieldBytes(block, off + FIELD.name[0], FIELD.name[1])) &&
    isUtf8(fieldBytes(block, off + FIELD.prefix[0], FIELD.prefix[1])) &&
    isUtf8(fieldBytes(block, off + FIELD.linkname[0], FIELD.linkname[1]))
  )
}

/** A real header always has checksum digits: test that byte before comparing all 512. */
function isZeroBlock(block: Buffer, off: number): boolean {
  return (
    block[off + FIELD.checksum[0]] === 0 && block.compare(ZEROS, 0, BLOCK, off, off + BLOCK) === 0
  )
}

/**
 * A strict, streaming reader of the snapshot tar format over 512-byte blocks. It copies only
 * headers that straddle input chunks and pax bodies; file data reaches the sink as views of the
 * input, so memory stays flat whatever the file sizes. Every problem is a one-line Error.
 */
export class TarReader {
  private state = HEADER
  private readonly carry = Buffer.alloc(BLOCK)
  private carryLen = 0
  private offset = 0
  private left = 0
  private skip = 0
  private current: TarEntry | undefined
  private lastPath: string | undefined
  private zeroBlocks = 0
  /** Where the end-of-archive marker ended (input offset). */
  private endAt = 0
  private paxAt = -1
  private pax: PaxFields | undefined
  private paxError: string | undefined
  private paxBody = ZEROS
  private paxFill = 0

  constructor(private readonly sink: TarSink) {}

  /** Bytes of input consumed so far. */
  get bytesRead(): number {
    return this.offset
  }

  push(chunk: Buffer): void {
    let pos = 0
    while (pos < chunk.length) {
      const avail = chunk.length - pos
      if (this.state === HEADER) {
        if (this.carryLen === 0 && avail >= BLOCK) {
          pos += BLOCK
          this.offset += BLOCK
          this.onBlock(chunk, pos - BLOCK, this.offset - BLOCK)
        } else {
          const n = Math.min(BLOCK - this.carryLen, avail)
          chunk.copy(this.carry, this.carryLen, pos, pos + n)
          this.carryLen += n
          pos += n
          this.offset += n
          if (this.carryLen === BLOCK) {
            this.carryLen = 0
            this.onBlock(this.carry, 0, this.offset - BLOCK)
          }
        }
      } else if (this.state === BODY) {
        const n = Math.min(this.left, avail)
        this.left -= n
        this.offset += n
        this.sink.data(chunk.subarray(pos, (pos += n)))
        if (this.left === 0) this.endBody()
      } else if (this.state === PAX) {
        const n = Math.min(this.left, avail)
        chunk.copy(this.paxBody, this.paxFill, pos, pos + n)
        this.paxFill += n
        this.left -= n
        this.offset += n
        pos += n
        if (this.left === 0) this.endPax()
      } else if (this.state === SKIP) {
        const n = Math.min(this.skip, avail)
        this.skip -= n
        this.offset += n
        pos += n
        if (this.skip === 0) this.state = HEADER
      } else {
        this.checkTrailingZeros(chunk, pos)
        pos = chunk.length
      }
    }
  }

  /** Call when the input ends: throws unless the end-of-archive marker was read. */
  finish(): void {
    if (this.state === END) return
    const after =
      this.lastPath === undefined ? 'at its start' : `after entry ${showPath(this.lastPath)}`
    if (this.state === BODY && this.current) {
      const { path, size } = this.current
      throw new Error(
        `archive is truncated: the stream ends inside entry ${showPath(path)} (${size - this.left} of ${size} bytes)`
      )
    }
    if (this.state === PAX || this.pax || this.paxError !== undefined) {
      throw new Error(`archive is truncated: the stream ends inside a pax header ${after}`)
    }
    if (this.carryLen > 0) {
      throw new Error(`archive is truncated: the stream ends inside a header block ${after}`)
    }
    throw new Error(
      `archive is truncated: the stream ends ${after} without an end-of-archive marker`
    )
  }

  private onBlock(block: Buffer, off: number, at: number): void {
    if (isZeroBlock(block, off)) {
      if (this.pax || this.paxError !== undefined) {
        throw new Error(
          `archive is corrupt: the pax header at byte ${this.paxAt} describes no entry`
        )
      }
      if (++this.zeroBlocks === 2) {
        this.state = END
        this.endAt = at + BLOCK
      }
      return
    }
    const raw = decodeHeader(block, off, at)
    if (this.zeroBlocks > 0) {
      throw new Error(
        `archive is corrupt: a lone zero block comes before entry ${showPath(raw.name)} at byte ${at}`
      )
    }
    if (raw.typeflag === 'x') {
      this.startPax(raw, at)
      return
    }
    const pax = this.pax
    this.pax = undefined
    const name = pax?.path ?? raw.name
    if (this.paxError !== undefined) {
      throw new Error(`entry ${showPath(name)} has ${this.paxError}`)
    }
    if (!headerIsUtf8(block, off)) {
      throw new Error(
        `entry ${showPath(name)} at byte ${at} has a name or link target that is not UTF-8, which a snapshot never writes`
      )
    }
    const type = TYPES[raw.typeflag]
    if (!type) throw new Error(this.refusedType(raw, name))
    const path = checkEntryPath(name, type === 'dir')
    const size = pax?.size ?? raw.size
    if (size === undefined) {
      throw new Error(`entry ${showPath(path)} at byte ${at} has an unreadable or negative size`)
    }
    if (size > MAX_ENTRY_SIZE) {
      throw new Error(`entry ${showPath(path)} declares an absurd size of ${size} bytes`)
    }
    if (type !== 'file' && size !== 0) {
      throw new Error(
        `entry ${showPath(path)} is a ${type === 'dir' ? 'folder' : 'symlink'} with ${size} bytes of data, which a snapshot never writes`
      )
    }
    const target = type === 'symlink' ? (pax?.linkpath ?? raw.linkname) : ''
    if (type === 'symlink') checkLinkTarget(path, target)
    const entry: TarEntry = { path, type, mode: raw.mode & 0o7777, size, mtime: raw.mtime, target }
    this.lastPath = path
    this.sink.entry(entry)
    if (type !== 'file') return
    if (size === 0) {
      this.sink.fileEnd()
      return
    }
    this.current = entry
    this.left = size
    this.state = BODY
  }

  private refusedType(raw: RawHeader, name: string): string {
    const kind = KINDS[raw.typeflag]
    const what = kind
      ? `a ${kind}${raw.typeflag === '1' ? ` (to ${showPath(raw.linkname)})` : ''}`
      : `of unknown type ${JSON.stringify(raw.typeflag)}`
    return `entry ${showPath(name)} is ${what}, which a snapshot never contains`
  }

  private startPax(raw: RawHeader, at: number): void {
    if (this.pax || this.paxError !== undefined) {
      throw new Error(
        `archive is corrupt: two pax headers in a row at bytes ${this.paxAt} and ${at}`
      )
    }
    const size = raw.size
    if (size === undefined || size > MAX_PAX_SIZE) {
      throw new Error(
        `archive is corrupt: the pax header at byte ${at} declares ${size ?? 'an unreadable'} bytes, more than any snapshot entry needs`
      )
    }
    this.paxAt = at
    this.paxBody = Buffer.allocUnsafe(size)
    this.paxFill = 0
    this.left = size
    if (size === 0) this.endPax()
    else this.state = PAX
  }

  private endPax(): void {
    if (!isUtf8(this.paxBody)) {
      this.paxError =
        'a pax header that is not UTF-8 (a binary name), which a snapshot never writes'
      this.paxBody = ZEROS
      this.toPadding(this.paxFill)
      return
    }
    try {
      this.pax = parsePaxRecords(this.paxBody)
    } catch (error) {
      this.paxError = (error as Error).message
    }
    this.paxBody = ZEROS
    this.toPadding(this.paxFill)
  }

  private endBody(): void {
    const size = this.current!.size
    this.current = undefined
    this.sink.fileEnd()
    this.toPadding(size)
  }

  private toPadding(size: number): void {
    this.skip = paddingFor(size)
    this.state = this.skip > 0 ? SKIP : HEADER
  }

  private checkTrailingZeros(chunk: Buffer, pos: number): void {
    for (let start = pos; start < chunk.length; start += ZEROS.length) {
      const end = Math.min(start + ZEROS.length, chunk.length)
      if (chunk.compare(ZEROS, 0, end - start, start, end) !== 0) {
        throw new Error(
          `archive is corrupt: data follows the end-of-archive marker (at byte ${this.offset + start - pos})`
        )
      }
    }
    this.offset += chunk.length - pos
    if (this.offset - this.endAt > TRAILING_ZEROS_MAX) {
      throw new Error(
        `archive is corrupt: more than ${TRAILING_ZEROS_MAX} bytes of zeros follow the end-of-archive marker (a compression bomb, or not an archive this tool wrote)`
      )
    }
  }
}
