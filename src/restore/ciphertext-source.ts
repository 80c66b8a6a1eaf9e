/**
 * Where restore-test and restore read a snapshot's ciphertext from: a local file (one
 * descriptor) or a stored object (one GET stream). Reads are in order from the start; `head`
 * peeks at the first bytes (the age header) without consuming them.
 */
export interface CiphertextSource {
  /** What messages name: the snapshot's path, or its s3:// URL. */
  readonly name: string
  head(length: number): Promise<Buffer>
  /** Fills `buffer` with the next bytes; 0 at the end. */
  read(buffer: Buffer): Promise<number>
  /** NO-GO if the source changed while it was read. */
  assertUnchanged(): Promise<void>
  close(): Promise<void>
}
