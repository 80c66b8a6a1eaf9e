// BIP 173 bech32 (not bech32m), as age uses it for keys. age lifts BIP 173's 90-character limit
// because hybrid recipients are ~1960 characters long, so no length limit is applied here.

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
const CHECKSUM_LENGTH = 6

export interface Bech32 {
  /** The human-readable part, lowercase. */
  readonly hrp: string
  readonly bytes: Buffer
}

function polymod(values: readonly number[]): number {
  let chk = 1
  for (const v of values) {
    const top = chk >>> 25
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ (GENERATOR[i] as number)) >>> 0
  }
  return chk
}

function hrpExpand(hrp: string): number[] {
  const codes = [...hrp].map((c) => c.charCodeAt(0))
  return [...codes.map((c) => c >>> 5), 0, ...codes.map((c) => c & 31)]
}

/** Regroups bits; `pad` false refuses leftover bits that are not zero padding under 5 bits. */
function convertBits(data: Iterable<number>, from: number, to: number, pad: boolean): number[] {
  let acc = 0
  let bits = 0
  const out: number[] = []
  const max = (1 << to) - 1
  for (const value of data) {
    acc = (acc << from) | value
    bits += from
    while (bits >= to) {
      bits -= to
      out.push((acc >>> bits) & max)
    }
    acc &= (1 << bits) - 1
  }
  if (pad) {
    if (bits > 0) out.push((acc << (to - bits)) & max)
  } else if (bits >= from || acc !== 0) {
    throw new Error('bech32 data has non-zero or excess padding bits')
  }
  return out
}

/** Lowercase bech32 of `bytes` under `hrp` (callers uppercase it for age identities). */
export function encodeBech32(hrp: string, bytes: Uint8Array): string {
  const lower = hrp.toLowerCase()
  const words = convertBits(bytes, 8, 5, true)
  const mod = polymod([...hrpExpand(lower), ...words, 0, 0, 0, 0, 0, 0]) ^ 1
  const checksum = Array.from({ length: CHECKSUM_LENGTH }, (_, i) => (mod >>> (5 * (5 - i))) & 31)
  return `${lower}1${[...words, ...checksum].map((w) => CHARSET[w]).join('')}`
}

/** Decodes bech32 text, all lowercase or all uppercase; throws an Error saying what is wrong. */
export function decodeBech32(text: string): Bech32 {
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) {
    throw new Error('mixes upper and lower case')
  }
  const lower = text.toLowerCase()
  const sep = lower.lastIndexOf('1')
  if (sep < 1 || lower.length - sep - 1 < CHECKSUM_LENGTH) throw new Error('is not bech32')
  const hrp = lower.slice(0, sep)
  if (![...hrp].every((c) => c >= '!' && c <= '~')) throw new Error('has a bad prefix character')
  const words: number[] = []
  for (const [i, c] of [...lower.slice(sep + 1)].entries()) {
    const w = CHARSET.indexOf(c)
    // the position, not the character: the text may be a secret key
    if (w < 0) throw new Error(`has a character outside bech32 at position ${sep + 2 + i}`)
    words.push(w)
  }
  if (polymod([...hrpExpand(hrp), ...words]) !== 1) throw new Error('has a wrong checksum')
  const bytes = convertBits(words.slice(0, -CHECKSUM_LENGTH), 5, 8, false)
  return { hrp, bytes: Buffer.from(bytes) }
}
