import type { Identity, Recipient } from './recipients.js'

// What keys a new age file, and what opens one: a passphrase (scrypt) or native recipients,
// never both in one file (the age spec forbids an scrypt stanza beside others).

export type EncryptionKey =
  | { readonly kind: 'passphrase'; readonly passphrase: Uint8Array; readonly workFactor: number }
  | { readonly kind: 'recipients'; readonly recipients: readonly Recipient[] }

export type DecryptionKey =
  | { readonly kind: 'passphrase'; readonly passphrase: Uint8Array }
  | { readonly kind: 'identities'; readonly identities: readonly Identity[] }
