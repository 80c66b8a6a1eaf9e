import type { SnapshotKeys } from '../src/format/snapshot-keys.js'

/** The keys of a passphrase-only run, as the doors resolve them for one. */
export function passphraseKeys(passphrase: string): SnapshotKeys {
  return {
    passphrase,
    recipients: [],
    identities: [],
    passphraseSource: 'the passphrase',
    identitySource: 'an identity'
  }
}
