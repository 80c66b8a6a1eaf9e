/** Why an age file could not be read or written; callers branch on `code`, people read `message`. */
export type AgeErrorCode =
  | 'WRONG_PASSPHRASE'
  | 'BAD_HEADER'
  | 'UNSUPPORTED_RECIPIENT'
  | 'WORK_FACTOR_TOO_HIGH'
  | 'HEADER_MAC'
  | 'PAYLOAD_AUTH'
  | 'TRUNCATED'
  | 'TRAILING_DATA'
  | 'NO_IDENTITY_MATCH'
  | 'PASSPHRASE_FILE'
  | 'BAD_KEY'

export class AgeError extends Error {
  readonly code: AgeErrorCode

  constructor(code: AgeErrorCode, message: string) {
    super(message)
    this.name = 'AgeError'
    this.code = code
  }
}

/** The header does not follow the age v1 grammar; `detail` names the broken rule. */
export function badHeader(detail: string): AgeError {
  return new AgeError('BAD_HEADER', `not a valid age v1 file: ${detail}`)
}

export function wrongPassphrase(): AgeError {
  return new AgeError(
    'WRONG_PASSPHRASE',
    'wrong passphrase: it does not unlock this age file; check the passphrase and try again'
  )
}

export function unsupportedRecipient(types: readonly string[]): AgeError {
  const list = types.map((t) => JSON.stringify(t)).join(', ')
  return new AgeError(
    'UNSUPPORTED_RECIPIENT',
    `age file is not passphrase-encrypted (recipient ${list}): decrypt it with the matching age identity instead`
  )
}

export function workFactorTooHigh(logN: number, max: number): AgeError {
  return new AgeError(
    'WORK_FACTOR_TOO_HIGH',
    `age file asks for scrypt work factor ${logN}, above the allowed ${max}: refusing to run scrypt; raise the limit only for a file you trust`
  )
}

export function headerMacMismatch(): AgeError {
  return new AgeError(
    'HEADER_MAC',
    'age header failed authentication: the file was tampered with or corrupted; use an intact copy'
  )
}

/**
 * A payload chunk did not authenticate. For the last chunk we cannot tell a cut-off file from a
 * modified one (its tag is simply wrong), so the message names both.
 */
export function payloadAuth(chunk: number, where: 'middle' | 'last' | 'empty-final'): AgeError {
  const message =
    where === 'middle'
      ? `age payload chunk ${chunk} failed authentication: the file was tampered with or corrupted`
      : where === 'last'
        ? `age payload chunk ${chunk}, the last, failed authentication: the file is truncated, tampered with or corrupted`
        : `age payload ends with an empty chunk ${chunk}, which age forbids: the file was tampered with or corrupted`
  return new AgeError('PAYLOAD_AUTH', `${message}; use an intact copy`)
}

/** `where` completes "it ends ...". */
export function truncated(where: string): AgeError {
  return new AgeError('TRUNCATED', `age file is truncated: it ends ${where}; use a complete copy`)
}

export function trailingData(): AgeError {
  return new AgeError(
    'TRAILING_DATA',
    'age file has trailing data after its final chunk: the file was tampered with or corrupted; use an intact copy'
  )
}

/** None of the given identities opens any stanza: the snapshot was made for other recipients. */
export function noIdentityMatch(): AgeError {
  return new AgeError('NO_IDENTITY_MATCH', 'no identity matches this snapshot')
}

export function passphraseFile(): AgeError {
  return new AgeError(
    'PASSPHRASE_FILE',
    'age file is passphrase-encrypted (scrypt), not made for recipients: open it with its passphrase instead of an identity'
  )
}

/** A recipient or identity that cannot be used; `what` names where it is, never its secret. */
export function badKey(what: string): AgeError {
  return new AgeError('BAD_KEY', what)
}

/** How a NO-GO says the run holds no key of the kind a snapshot needs (src/format/snapshot-keys.ts). */
export const NO_PASSPHRASE_GIVEN = 'and no passphrase was given'
export const NO_IDENTITY_GIVEN = 'and no identity was given'

/**
 * Whether a reason says the key is missing or does not open the snapshot (a wrong passphrase,
 * an identity for other recipients, a passphrase for a recipient file or the reverse): then the
 * snapshot is not suspect, the key is. Matched on the messages above, their one source.
 */
export function isKeyProblem(reason: string): boolean {
  const recipientFile = unsupportedRecipient([]).message
  const fragments = [
    wrongPassphrase().message,
    noIdentityMatch().message,
    passphraseFile().message,
    recipientFile.slice(0, recipientFile.indexOf('(')),
    NO_PASSPHRASE_GIVEN,
    NO_IDENTITY_GIVEN
  ]
  return fragments.some((fragment) => reason.includes(fragment))
}
