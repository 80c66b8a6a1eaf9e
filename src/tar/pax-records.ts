/** The pax keys a snapshot entry may carry that change how it is read. */
export interface PaxFields {
  path?: string
  linkpath?: string
  size?: number
}

/** Largest entry size believed: 1 PiB is more than any disk a runner has; beyond is hostile. */
export const MAX_ENTRY_SIZE = 2 ** 50

/** Keys GNU tar and the snapshot writer may add that do not change what is restored. */
const IGNORED_KEYS = new Set(['mtime', 'atime', 'ctime', 'uid', 'gid', 'uname', 'gname', 'comment'])

const NEWLINE = 0x0a
const SPACE = 0x20
const EQUALS = 0x3d
const MAX_LENGTH_DIGITS = 12

/**
 * Parses a pax extended header body strictly. node-tar's Pax.parse is not used: it silently skips
 * malformed records, cuts values at NUL and drops bad sizes, so another tar could read the same
 * bytes differently. Throws an Error whose message completes "entry X has ...".
 */
export function parsePaxRecords(body: Buffer): PaxFields {
  const fields: PaxFields = {}
  const seen = new Set<string>()
  let pos = 0
  while (pos < body.length) {
    const space = body.indexOf(SPACE, pos)
    const digits = space < 0 ? '' : body.toString('latin1', pos, space)
    if (digits.length === 0 || digits.length > MAX_LENGTH_DIGITS || !/^[1-9][0-9]*$/.test(digits)) {
      throw new Error(`a malformed pax record at byte ${pos} of its pax header`)
    }
    const end = pos + Number(digits)
    if (end > body.length || end <= space + 1 || body[end - 1] !== NEWLINE) {
      throw new Error(`a malformed pax record at byte ${pos} of its pax header`)
    }
    const equals = body.indexOf(EQUALS, space + 1)
    if (equals < 0 || equals >= end - 1 || equals === space + 1) {
      throw new Error(`a malformed pax record at byte ${pos} of its pax header`)
    }
    const key = body.toString('utf8', space + 1, equals)
    const value = body.toString('utf8', equals + 1, end - 1)
    pos = end
    if (seen.has(key)) throw new Error(`pax key ${JSON.stringify(key)} twice`)
    seen.add(key)
    applyRecord(fields, key, value)
  }
  return fields
}

function applyRecord(fields: PaxFields, key: string, value: string): void {
  if (key === 'path') fields.path = value
  else if (key === 'linkpath') fields.linkpath = value
  else if (key === 'size') fields.size = parsePaxSize(value)
  else if (key.startsWith('GNU.sparse.')) throw new Error('GNU sparse pax keys (a sparse file)')
  else if (!IGNORED_KEYS.has(key)) {
    throw new Error(`pax key ${JSON.stringify(key)}, which a snapshot never writes`)
  }
}

function parsePaxSize(value: string): number {
  const size = /^[0-9]{1,16}$/.test(value) ? Number(value) : NaN
  if (!(size <= MAX_ENTRY_SIZE)) {
    throw new Error(`an absurd pax size ${JSON.stringify(value.slice(0, 40))}`)
  }
  return size
}
