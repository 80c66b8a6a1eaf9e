// age's base64: RFC 4648 standard alphabet, no `=` padding, and decoders must reject
// non-canonical encodings (unused trailing bits set), which Buffer's lenient decoder accepts.

const ALPHABET = /^[A-Za-z0-9+/]*$/

/** Unpadded standard base64. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('base64')
    .replace(/=+$/, '')
}

/** Decodes canonical unpadded base64, or returns undefined if `text` is anything else. */
export function decodeBase64(text: string): Buffer | undefined {
  // Length 4k+1 can't come from any byte string; the alphabet check also rules out padding.
  if (text.length % 4 === 1 || !ALPHABET.test(text)) return undefined
  const bytes = Buffer.from(text, 'base64')
  // Re-encoding gives the one canonical form; a mismatch means non-zero unused bits.
  return encodeBase64(bytes) === text ? bytes : undefined
}

/** Length of the unpadded base64 text for `n` bytes. */
export function base64Length(n: number): number {
  return Math.ceil((n * 4) / 3)
}
