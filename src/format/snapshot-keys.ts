import type { DecryptionKey, EncryptionKey } from '../age/key-source.js'
import type { Identity, Recipient } from '../age/recipients.js'
import { NO_IDENTITY_GIVEN, NO_PASSPHRASE_GIVEN } from '../age/errors.js'
import { NoGoError } from '../outcome/step-result.js'
import type { EncryptionRecord } from './encryption-record.js'

/**
 * The secrets and public keys one run holds, as the doors resolved them. A new snapshot is
 * encrypted to the recipients if there are any, else with the passphrase; an existing one is
 * opened with whichever its manifest says it needs.
 */
export interface SnapshotKeys {
  /** '' when none was given. */
  readonly passphrase: string
  readonly recipients: readonly Recipient[]
  readonly identities: readonly Identity[]
  /** Where each secret comes from, in the door's words, for a NO-GO that says what is missing. */
  readonly passphraseSource: string
  readonly identitySource: string
}

/** How a new snapshot is keyed: recipients when given (no secret needed), else the passphrase. */
export function encryptionKeyOf(keys: SnapshotKeys, workFactor: number): EncryptionKey {
  if (keys.recipients.length > 0) return { kind: 'recipients', recipients: keys.recipients }
  return { kind: 'passphrase', passphrase: Buffer.from(keys.passphrase, 'utf8'), workFactor }
}

/** What the manifest will record of that key: never the key itself. */
export function encryptionRecordOf(key: EncryptionKey): EncryptionRecord {
  if (key.kind === 'passphrase')
    return { format: 'age-v1', recipient: 'scrypt', workFactor: key.workFactor }
  return { format: 'age-v1', recipient: key.recipients[0]!.type, recipients: key.recipients.length }
}

/**
 * The key that opens a snapshot whose manifest says `record`; a NO-GO naming the missing secret
 * when this run holds the other kind only.
 */
export function decryptionKeyFor(
  keys: SnapshotKeys,
  record: EncryptionRecord,
  snapshotPath: string
): DecryptionKey {
  if (record.recipient === 'scrypt') {
    if (keys.passphrase === '') {
      throw new NoGoError(
        `snapshot ${snapshotPath} is passphrase-encrypted (scrypt) ${NO_PASSPHRASE_GIVEN}: give ${keys.passphraseSource}`
      )
    }
    return { kind: 'passphrase', passphrase: Buffer.from(keys.passphrase, 'utf8') }
  }
  if (keys.identities.length === 0) {
    throw new NoGoError(
      `snapshot ${snapshotPath} is encrypted to age recipients (${record.recipient}) ${NO_IDENTITY_GIVEN}: give ${keys.identitySource}`
    )
  }
  return { kind: 'identities', identities: keys.identities }
}
