import { randomBytes } from 'node:crypto'
import { decodeBech32, encodeBech32 } from '../src/age/bech32.js'

// Generated bad variants of an age key string, one per class of mistake a recipients or
// identity file can hold. Checksum-valid variants are built with our encoder, which the tests
// cross-check against typage's own key strings.

export interface Variant {
  readonly name: string
  readonly text: string
}

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'

/** An X25519 identity string for a raw scalar, as age-keygen writes it. */
export function encodeX25519Identity(scalar: Uint8Array): string {
  return encodeBech32('age-secret-key-', scalar).toUpperCase()
}

function caseLike(model: string, text: string): string {
  return model === model.toUpperCase() ? text.toUpperCase() : text
}

/** Replaces the character at `at` (counted in the data part) with another bech32 character. */
function flip(text: string, at: number): string {
  const sep = text.lastIndexOf('1')
  const i = sep + 1 + (at % (text.length - sep - 1))
  const c = text[i]!.toLowerCase()
  const other = CHARSET[(CHARSET.indexOf(c) + 1 + (at % 31)) % 32]!
  return text.slice(0, i) + caseLike(text, other) + text.slice(i + 1)
}

/**
 * Variants of the valid key `good` that must all be refused: wrong checksum (several
 * positions), other prefixes and lengths with a valid checksum, mixed case, the other case,
 * whitespace inside, truncation.
 */
export function badVariants(good: string, otherPrefixes: readonly string[]): Variant[] {
  const { hrp, bytes } = decodeBech32(good)
  const variants: Variant[] = []
  for (const at of [0, 1, 7, 20, good.length - 8, good.length - 1]) {
    variants.push({ name: `checksum broken at data char ${at}`, text: flip(good, at) })
  }
  for (const prefix of otherPrefixes) {
    variants.push({ name: `prefix ${prefix}`, text: caseLike(good, encodeBech32(prefix, bytes)) })
  }
  for (const delta of [-1, 1, -bytes.length, 32]) {
    const n = bytes.length + delta
    const other =
      n < bytes.length
        ? bytes.subarray(0, n)
        : Buffer.concat([bytes, randomBytes(n - bytes.length)])
    variants.push({ name: `${n} bytes`, text: caseLike(good, encodeBech32(hrp, other)) })
  }
  const mid = Math.floor(good.length / 2)
  // the first letter from the middle on (digits have no case)
  const letter = mid + good.slice(mid).search(/[a-zA-Z]/)
  const c = good[letter]!
  const swapped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()
  variants.push({
    name: 'one character in the other case',
    text: good.slice(0, letter) + swapped + good.slice(letter + 1)
  })
  variants.push({
    name: 'all in the other case',
    text: good === good.toUpperCase() ? good.toLowerCase() : good.toUpperCase()
  })
  for (const ws of [' ', '\t', '\u00a0']) {
    variants.push({
      name: `whitespace ${JSON.stringify(ws)} inside`,
      text: good.slice(0, mid) + ws + good.slice(mid)
    })
  }
  variants.push({ name: 'two keys on one line', text: `${good} ${good}` })
  variants.push({ name: 'truncated by one', text: good.slice(0, -1) })
  variants.push({ name: 'one character too many', text: good + caseLike(good, 'q') })
  variants.push({ name: 'separator removed', text: good.replace(/1(?=[^1]*$)/, '') })
  return variants
}
