import { badHeader, badKey, noIdentityMatch, passphraseFile } from './errors.js'
import type { Stanza } from './header.js'
import {
  encodeHybridRecipient,
  hybridEnc,
  MLKEM768X25519_TYPE,
  parseHybridIdentity,
  parseHybridRecipient,
  unwrapHybrid,
  wrapHybrid,
  type HybridIdentity,
  type HybridRecipient
} from './mlkem768x25519.js'
import { SCRYPT_TYPE } from './scrypt.js'
import {
  encodeX25519Recipient,
  parseX25519Identity,
  parseX25519Recipient,
  unwrapX25519,
  wrapX25519,
  X25519_TYPE,
  x25519Share,
  type X25519Identity,
  type X25519Recipient
} from './x25519.js'

// age's native recipients and identities as `age -R` and `age -i` read them, and the file key
// wrapped to / unwrapped from their stanzas.

export type Recipient = X25519Recipient | HybridRecipient
export type Identity = X25519Identity | HybridIdentity

const RECIPIENT_FORMS = 'an age1... (X25519) or age1pq1... (ML-KEM-768 + X25519) recipient'
const IDENTITY_FORMS = 'an AGE-SECRET-KEY-1... or AGE-SECRET-KEY-PQ-1... identity'

/** Non-blank lines that are not `#` comments, with their 1-based numbers; ends trimmed (CR LF). */
function keyLines(text: string): { line: string; number: number }[] {
  return text
    .split('\n')
    .map((raw, i) => ({ line: raw.trim(), number: i + 1 }))
    .filter(({ line }) => line !== '' && !line.startsWith('#'))
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

export function parseRecipient(text: string): Recipient {
  return text.startsWith('age1pq1') ? parseHybridRecipient(text) : parseX25519Recipient(text)
}

/**
 * A recipients text as `age -R` reads it: one recipient a line, `#` comments, blank lines.
 * `source` names it in errors (e.g. "recipients line"). Refuses X25519 beside hybrid
 * recipients: a classic stanza would undo the file's post-quantum protection.
 */
export function parseRecipients(text: string, source = 'recipients'): Recipient[] {
  const recipients = keyLines(text).map(({ line, number }) => {
    try {
      return parseRecipient(line)
    } catch (err) {
      throw badKey(`${source} line ${number} ${reason(err)}: expected ${RECIPIENT_FORMS}`)
    }
  })
  if (recipients.length === 0) throw badKey(`${source} holds no recipient: add ${RECIPIENT_FORMS}`)
  checkRecipientMix(recipients)
  return recipients
}

/** Hybrid and X25519 recipients must not share a file (age spec, mlkem768x25519 recipient). */
export function checkRecipientMix(recipients: readonly Recipient[]): void {
  const types = new Set(recipients.map((r) => r.type))
  if (types.size > 1) {
    throw badKey(
      'recipients mix X25519 (age1...) with post-quantum (age1pq1...) keys, which would undo the post-quantum protection: use only one kind'
    )
  }
}

export function parseIdentity(text: string): Identity {
  return text.startsWith('AGE-SECRET-KEY-PQ-1')
    ? parseHybridIdentity(text)
    : parseX25519Identity(text)
}

/** An identities text as age-keygen writes it; errors name the line, never echo the secret. */
export function parseIdentities(text: string, source = 'identity file'): Identity[] {
  const identities = keyLines(text).map(({ line, number }) => {
    try {
      return parseIdentity(line)
    } catch (err) {
      throw badKey(`${source} line ${number} ${reason(err)}: expected ${IDENTITY_FORMS}`)
    }
  })
  if (identities.length === 0) throw badKey(`${source} holds no identity: add ${IDENTITY_FORMS}`)
  return identities
}

/** The recipient string that `identity` opens, as age-keygen -y prints it. */
export function identityToRecipient(identity: Identity): string {
  return identity.type === 'x25519'
    ? encodeX25519Recipient(identity.publicKey)
    : encodeHybridRecipient(identity.key.publicKey)
}

/** One stanza per recipient, in order. */
export function wrapFileKey(fileKey: Uint8Array, recipients: readonly Recipient[]): Stanza[] {
  if (recipients.length === 0) throw badKey('no recipient to encrypt to: give at least one')
  checkRecipientMix(recipients)
  return recipients.map((r) =>
    r.type === 'x25519' ? wrapX25519(fileKey, r) : wrapHybrid(fileKey, r)
  )
}

/**
 * The file key from the first stanza one of `identities` opens. Every X25519 and hybrid stanza
 * is checked for shape first, so a malformed one is BAD_HEADER whichever identity is given.
 * Throws PASSPHRASE_FILE for a lone scrypt stanza, NO_IDENTITY_MATCH when nothing opens.
 */
export function unwrapFileKey(stanzas: readonly Stanza[], identities: readonly Identity[]): Buffer {
  if (stanzas.some((s) => s.args[0] === SCRYPT_TYPE)) {
    if (stanzas.length !== 1)
      throw badHeader('an scrypt stanza must be the only stanza in the header')
    throw passphraseFile()
  }
  for (const stanza of stanzas) {
    if (stanza.args[0] === X25519_TYPE) x25519Share(stanza)
    else if (stanza.args[0] === MLKEM768X25519_TYPE) hybridEnc(stanza)
  }
  for (const stanza of stanzas) {
    for (const identity of identities) {
      const fileKey =
        stanza.args[0] === X25519_TYPE && identity.type === 'x25519'
          ? unwrapX25519(stanza, identity)
          : stanza.args[0] === MLKEM768X25519_TYPE && identity.type === 'mlkem768x25519'
            ? unwrapHybrid(stanza, identity)
            : undefined
      if (fileKey) return fileKey
    }
  }
  throw noIdentityMatch()
}
