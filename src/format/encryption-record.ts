import { z } from 'zod'

// What a manifest says about a snapshot's encryption: the stanza type and, for recipients, how many.
// Never a key: the manifest travels with the artifact and is read by anyone who can download it.

const ScryptRecord = z.object({
  format: z.literal('age-v1'),
  recipient: z.literal('scrypt'),
  workFactor: z.number().int().min(1).max(20)
})

const RecipientsRecord = z.object({
  format: z.literal('age-v1'),
  recipient: z.enum(['x25519', 'mlkem768x25519']),
  recipients: z.number().int().min(1).max(10000)
})

export const EncryptionRecordSchema = z.discriminatedUnion('recipient', [
  ScryptRecord,
  RecipientsRecord
])

export type EncryptionRecord = z.infer<typeof EncryptionRecordSchema>

const RECIPIENT_LABELS = { x25519: 'X25519', mlkem768x25519: 'ML-KEM-768 + X25519' } as const

/** For people: "age-v1, X25519 recipients (2)"; never a key, since the record holds none. */
export function describeEncryptionRecord(e: EncryptionRecord): string {
  if (e.recipient === 'scrypt') {
    return `${e.format}, scrypt passphrase recipient, work factor ${e.workFactor} (N = 2^${e.workFactor})`
  }
  return `${e.format}, ${RECIPIENT_LABELS[e.recipient]} recipients (${e.recipients})`
}

/** The short form the terminal report shows beside the compression. */
export function describeEncryptionShort(e: EncryptionRecord): string {
  if (e.recipient === 'scrypt') return `${e.format} scrypt work factor ${e.workFactor}`
  return `${e.format} ${RECIPIENT_LABELS[e.recipient]} recipients (${e.recipients})`
}

/** The record as the JSON twin carries it: exactly the manifest's fields, nothing else. */
export function encryptionRecordJson(e: EncryptionRecord): EncryptionRecord {
  if (e.recipient === 'scrypt')
    return { format: e.format, recipient: e.recipient, workFactor: e.workFactor }
  return { format: e.format, recipient: e.recipient, recipients: e.recipients }
}
