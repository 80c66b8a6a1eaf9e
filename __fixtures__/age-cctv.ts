import { inflateSync } from 'node:zlib'

/** One C2SP CCTV age test vector (see node_modules/cctv-age/README.md for the format). */
export interface Vector {
  readonly name: string
  readonly expect:
    'success' | 'no match' | 'HMAC failure' | 'header failure' | 'payload failure' | 'armor failure'
  /** sha256 hex of the plaintext released, even on failure; absent when nothing is checked. */
  readonly payload?: string
  readonly fileKey: Buffer
  readonly passphrases: readonly string[]
  readonly identities: readonly string[]
  readonly armored: boolean
  readonly comment?: string
  /** The age file itself, decompressed when the vector is zlib-compressed. */
  readonly file: Buffer
}

const KNOWN_KEYS = new Set([
  'expect',
  'payload',
  'file key',
  'identity',
  'passphrase',
  'armored',
  'compressed',
  'comment'
])

/** Parses a vector file: `key: value` lines, a blank line, then the (maybe zlib) age file. */
export function parseVector(name: string, bytes: Uint8Array): Vector {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const split = buf.indexOf('\n\n')
  if (split < 0) throw new Error(`${name}: no blank line after the vector header`)
  const fields = new Map<string, string[]>()
  for (const line of buf.toString('utf8', 0, split).split('\n')) {
    const colon = line.indexOf(': ')
    if (colon < 0) throw new Error(`${name}: bad vector header line ${JSON.stringify(line)}`)
    const key = line.slice(0, colon)
    // The README says files with unknown keys should be ignored: make that loud instead.
    if (!KNOWN_KEYS.has(key)) throw new Error(`${name}: unknown vector key ${JSON.stringify(key)}`)
    fields.set(key, [...(fields.get(key) ?? []), line.slice(colon + 2)])
  }
  const one = (key: string): string | undefined => fields.get(key)?.[0]
  let file = buf.subarray(split + 2)
  const compressed = one('compressed')
  if (compressed === 'zlib') file = inflateSync(file)
  else if (compressed !== undefined) throw new Error(`${name}: unknown compression ${compressed}`)
  return {
    name,
    expect: one('expect') as Vector['expect'],
    payload: one('payload'),
    fileKey: Buffer.from(one('file key') ?? '', 'hex'),
    passphrases: fields.get('passphrase') ?? [],
    identities: fields.get('identity') ?? [],
    armored: one('armored') === 'yes',
    comment: one('comment'),
    file
  }
}

const BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----'
const END = '-----END AGE ENCRYPTED FILE-----'

/**
 * A deliberately lenient de-armor (strip the PEM lines and all whitespace, decode base64), used
 * only to reach the binary file inside armored vectors that are not about armor strictness.
 */
export function looseDearmor(armored: Buffer): Buffer {
  const text = armored.toString('latin1')
  const begin = text.indexOf(BEGIN)
  const end = text.indexOf(END)
  if (begin < 0 || end < begin) throw new Error('no PEM block')
  return Buffer.from(text.slice(begin + BEGIN.length, end).replace(/\s+/g, ''), 'base64')
}
