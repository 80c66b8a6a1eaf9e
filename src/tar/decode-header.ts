import { Header } from 'tar/header'
import { showPath } from './entry-path.js'
import { FIELD, USTAR_MAGIC } from './layout.js'

/** One ustar header block, decoded but not yet combined with a preceding pax header. */
export interface RawHeader {
  typeflag: string
  name: string
  linkname: string
  mode: number
  /** Seconds since the epoch, or undefined when the field is unreadable (mtime is not verified). */
  mtime: number | undefined
  /** The ustar size field; undefined when unreadable or negative (a pax size may supply it). */
  size: number | undefined
}

const [NAME, NAME_LEN] = FIELD.name
const [SIZE, SIZE_LEN] = FIELD.size
const [TYPEFLAG] = FIELD.typeflag
const [LINKNAME, LINKNAME_LEN] = FIELD.linkname
const [MAGIC, MAGIC_LEN] = FIELD.magic
const [PREFIX, PREFIX_LEN] = FIELD.prefix

/** A NUL-terminated header string: bytes after the first NUL are ignored, as GNU tar does. */
function field(block: Buffer, start: number, length: number): string {
  const nul = block.indexOf(0, start)
  const end = nul < 0 || nul > start + length ? start + length : nul
  return block.toString('utf8', start, end)
}

/** Strict octal or base-256 size: node-tar's parseInt accepts trailing garbage ("12x" is 10). */
function sizeField(block: Buffer, off: number): number | undefined {
  const first = block[off + SIZE]!
  if (first === 0x80) {
    let value = 0
    for (let i = off + SIZE + 1; i < off + SIZE + SIZE_LEN; i++) value = value * 256 + block[i]!
    return value
  }
  const text = block.toString('latin1', off + SIZE, off + SIZE + SIZE_LEN)
  const match = /^ *([0-7]{1,12})[ \0]*$/.exec(text)
  return match ? Number.parseInt(match[1]!, 8) : undefined
}

/**
 * Decodes the header block at block[off..off+512]. node-tar's Header decodes the numbers and
 * the checksum; names are read here because Header's NUL trimming regex stops at a newline, so
 * it can keep bytes after a NUL that GNU tar ignores. Throws a one-line Error.
 */
export function decodeHeader(block: Buffer, off: number, at: number): RawHeader {
  const prefix = block[off + PREFIX] === 0 ? '' : field(block, off + PREFIX, PREFIX_LEN)
  const base = field(block, off + NAME, NAME_LEN)
  const name = prefix === '' ? base : `${prefix}/${base}`
  let header: Header
  try {
    header = new Header(block, off)
  } catch {
    throw new Error(
      `archive is corrupt: the header of entry ${showPath(name)} at byte ${at} is unreadable`
    )
  }
  if (!header.cksumValid) {
    throw new Error(
      `archive is corrupt: entry ${showPath(name)} at byte ${at} has a bad header checksum`
    )
  }
  if (
    block.compare(USTAR_MAGIC, 0, USTAR_MAGIC.length, off + MAGIC, off + MAGIC + MAGIC_LEN) !== 0
  ) {
    throw new Error(`entry ${showPath(name)} at byte ${at} is not a POSIX ustar header`)
  }
  if (header.mode === undefined) {
    throw new Error(`entry ${showPath(name)} at byte ${at} has an unreadable mode`)
  }
  const mtime = header.mtime?.getTime()
  return {
    typeflag: String.fromCharCode(block[off + TYPEFLAG]!),
    name,
    linkname: field(block, off + LINKNAME, LINKNAME_LEN),
    mode: header.mode,
    mtime: mtime === undefined || Number.isNaN(mtime) ? undefined : mtime / 1000,
    size: sizeField(block, off)
  }
}
