import type { Identity, Recipient, RecipientType } from './recipients.js'

// What keys a new age file, and what opens one: a passphrase (scrypt) or native recipients,
// never both in one file (the age spec forbids an scrypt stanza beside others).

export type EncryptionKey =
  | { readonly kind: 'passphrase'; readonly passphrase: Uint8Array; readonly workFactor: number }
  | { readonly kind: 'recipients'; readonly recipients: readonly Recipient[] }

export type DecryptionKey =
  | { readonly kind: 'passphrase'; readonly passphrase: Uint8Array }
  | { readonly kind: 'identities'; readonly identities: readonly Identity[] }

/** What a manifest may record about a file's encryption: the stanza type and count, no keys. */
export interface EncryptionSummary {
  readonly recipient: 'scrypt' | RecipientType
  readonly recipients: number
}

export function summarizeEncryption(key: EncryptionKey): EncryptionSummary {
  if (key.kind === 'passphrase') return { recipient: 'scrypt', recipients: 1 }
  return { recipient: key.recipients[0]?.type ?? 'x25519', recipients: key.recipients.length }
}
