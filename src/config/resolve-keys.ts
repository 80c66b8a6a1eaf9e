import { AgeError } from '../age/errors.js'
import { encodeHybridRecipient } from '../age/mlkem768x25519.js'
import {
  identityToRecipient,
  parseIdentities,
  type Identity,
  type Recipient
} from '../age/recipients.js'
import { encodeX25519Recipient } from '../age/x25519.js'
import type { SnapshotKeys } from '../format/snapshot-keys.js'
import type { Config } from './config.js'
import { MODES } from './modes.js'
import { InputError } from './input-error.js'
import { requirePassphrase } from './passphrase.js'
import type { Door } from './door.js'

/** The secrets as a door read them, each under the one whitespace rule ('' = not given). */
export interface GivenSecrets {
  passphrase: string
  identity: string
}

function sources(config: Pick<Config, 'passphraseEnv' | 'identityEnv'>, door: Door) {
  return door === 'cli'
    ? {
        passphrase: `--passphrase-file FILE or the ${config.passphraseEnv} variable`,
        identity: `--identity-file FILE or the ${config.identityEnv} variable`
      }
    : {
        passphrase: `the passphrase input or the ${config.passphraseEnv} variable`,
        identity: `the identity input or the ${config.identityEnv} variable (identity-env)`
      }
}

function recipientText(r: Recipient): string {
  return r.type === 'x25519'
    ? encodeX25519Recipient(r.publicKey)
    : encodeHybridRecipient(r.publicKey)
}

/** An identities text (one key a line, `#` comments) as a bad input, never echoing the key. */
export function parseIdentityText(text: string, door: Door): Identity[] {
  try {
    return parseIdentities(text, door === 'cli' ? '--identity-file' : 'input identity')
  } catch (error) {
    if (error instanceof AgeError) throw new InputError(error.message)
    throw error
  }
}

/**
 * Which keys the run uses, refused before anything runs when it is known to fail: passphrase
 * beside recipients (the age spec forbids an scrypt stanza beside others), a new snapshot with
 * no key, precutover with recipients but no identity to restore-test it, or an identity that
 * matches none of them. restore-test and restore learn from the manifest which one they need.
 */
export function resolveKeys(config: Config, given: GivenSecrets, door: Door): SnapshotKeys {
  const from = sources(config, door)
  // parsed only where it can open something: a stray variable must not break a passphrase run
  const { createsSnapshot, opensSnapshot } = MODES[config.mode]
  const usesIdentity = opensSnapshot && (!createsSnapshot || config.recipients.length > 0)
  const identities =
    given.identity === '' || !usesIdentity ? [] : parseIdentityText(given.identity, door)
  const keys: SnapshotKeys = {
    passphrase: given.passphrase,
    recipients: config.recipients,
    identities,
    passphraseSource: from.passphrase,
    identitySource: from.identity
  }
  const [passphraseInput, identityInput] =
    door === 'cli' ? ['', ''] : ['input passphrase: ', 'input identity: ']
  if (createsSnapshot && config.recipients.length > 0) {
    if (given.passphrase !== '') {
      throw new InputError(
        `${passphraseInput}passphrase and recipients are exclusive (age): this run got both; drop ${from.passphrase} to encrypt to the recipients, or drop recipients to use the passphrase`
      )
    }
    if (opensSnapshot) requireMatchingIdentity(config, keys, identityInput, from)
    return keys
  }
  if (createsSnapshot) {
    requirePassphrase(config.mode, given.passphrase, config.passphraseEnv, door)
    return keys
  }
  if (opensSnapshot && given.passphrase === '' && identities.length === 0) {
    throw new InputError(
      `${passphraseInput}mode ${config.mode} needs a passphrase: use ${from.passphrase}; or, for a snapshot made to recipients, an identity: use ${from.identity}`
    )
  }
  return keys
}

/** precutover restore-tests the snapshot it just made to the recipients: an identity must open it. */
function requireMatchingIdentity(
  config: Config,
  keys: SnapshotKeys,
  identityInput: string,
  from: { identity: string }
): void {
  if (keys.identities.length === 0) {
    throw new InputError(
      `${identityInput}mode ${config.mode} with recipients restore-tests the new snapshot and needs an identity that matches one of them: set ${from.identity}, or use mode snapshot and restore-test it in a job that holds the identity`
    )
  }
  const wanted = new Set(config.recipients.map(recipientText))
  if (!keys.identities.some((identity) => wanted.has(identityToRecipient(identity)))) {
    throw new InputError(
      `${identityInput}no identity matches the recipients, so restore-test of the new snapshot would fail: give the identity of one of the recipients`
    )
  }
}
