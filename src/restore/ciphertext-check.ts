import { createHash } from 'node:crypto'
import { constants, statSync, type Stats } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { NoGoError } from '../outcome/step-result.js'
import type { Manifest } from '../format/manifest.js'
import type { BufferPool } from '../util/buffer-pool.js'
import type { CiphertextSource } from './ciphertext-source.js'

/**
 * The snapshot file, opened once: its size and SHA-256 are checked, and it is decrypted, from this
 * one descriptor, so a file renamed over the path meanwhile is never the one that passes.
 */
export interface Ciphertext {
  path: string
  handle: FileHandle
  stat: Stats
}

/** Opens the snapshot and checks its size against the manifest; the caller closes it. */
export async function openCiphertext(
  snapshotPath: string,
  manifest: Manifest
): Promise<Ciphertext> {
  let handle: FileHandle
  try {
    // non-blocking, so a FIFO put at the path cannot hang the open
    handle = await open(snapshotPath, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch {
    throw new NoGoError(
      `snapshot ${snapshotPath} named by the manifest is missing; copy it beside the manifest (or download the artifact again)`
    )
  }
  const stat = await handle.stat()
  const size = stat.size
  let problem: string | undefined
  if (!stat.isFile()) problem = `snapshot ${snapshotPath} is not a regular file`
  else if (size !== manifest.snapshot.size) {
    problem = `snapshot ${snapshotPath} is ${size} bytes but the manifest says ${manifest.snapshot.size}: it is ${size < manifest.snapshot.size ? 'truncated' : 'longer than written (trailing data)'} or not the file the manifest describes`
  }
  if (problem) {
    await handle.close()
    throw new NoGoError(problem)
  }
  return { path: snapshotPath, handle, stat }
}

/** The first `length` bytes (the age header lives there). */
export async function readCiphertextHead(ct: Ciphertext, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length)
  const { bytesRead } = await ct.handle.read(buffer, 0, length, 0)
  return buffer.subarray(0, bytesRead)
}

/**
 * The file's bytes in order from the start, hashed as they are read: the one read the decrypter
 * needs also gives the SHA-256 (a separate hashing pass read 0.5 GiB more per 1 GiB snapshot).
 */
export class HashedCiphertext {
  readonly #hash = createHash('sha256')
  readonly #source: CiphertextSource
  /** The read chunks() has in flight, which check() lets land before reading on. */
  #inFlight: Promise<unknown> | undefined

  constructor(ct: Ciphertext | CiphertextSource) {
    this.#source = 'handle' in ct ? fileSource(ct) : ct
  }

  /**
   * The bytes from where the last read stopped, in pool buffers one read ahead of the consumer,
   * who gives each back with `pool.release` (or drops it for the GC).
   */
  async *chunks(pool: BufferPool): AsyncGenerator<Buffer> {
    const readAt = async (): Promise<Buffer | undefined> => {
      const buffer = pool.take()
      const bytesRead = await this.#read(buffer)
      if (bytesRead > 0) return buffer.subarray(0, bytesRead)
      pool.release(buffer)
      return undefined
    }
    let next: Promise<Buffer | undefined> | undefined
    const readAhead = (): void => {
      next = readAt()
      this.#inFlight = next.catch(() => undefined)
    }
    try {
      readAhead()
      for (;;) {
        const chunk = await next
        if (!chunk) return
        readAhead()
        yield chunk
      }
    } finally {
      // a consumer that stops early may leave a read in flight: let it land (it is hashed)
      await next?.catch(() => undefined)
    }
  }

  /**
   * SHA-256 of the whole descriptor against the manifest, once the consumer has stopped (done or
   * failed): what it left unread is read and hashed first, so a replaced, truncated or damaged
   * file is named as such, not as a decryption error.
   */
  async check(manifest: Manifest): Promise<void> {
    await this.#inFlight
    const rest = Buffer.allocUnsafe(1 << 20)
    while ((await this.#read(rest)) > 0);
    const actual = this.#hash.digest('hex')
    if (actual !== manifest.snapshot.sha256) {
      throw new NoGoError(
        `snapshot ${this.#source.name} SHA-256 is ${actual} but the manifest says ${manifest.snapshot.sha256}: the file was altered or corrupted`
      )
    }
  }

  /** Reads are strictly one after another, so hashing each as it lands keeps the file's order. */
  async #read(buffer: Buffer): Promise<number> {
    const bytesRead = await this.#source.read(buffer)
    this.#hash.update(buffer.subarray(0, bytesRead))
    return bytesRead
  }
}

/** A local snapshot file as a ciphertext source: positional reads from its one descriptor. */
export function fileSource(ct: Ciphertext): CiphertextSource {
  let position = 0
  return {
    name: ct.path,
    head: (length) => readCiphertextHead(ct, length),
    read: async (buffer) => {
      const { bytesRead } = await ct.handle.read(buffer, 0, buffer.length, position)
      position += bytesRead
      return bytesRead
    },
    assertUnchanged: () => assertCiphertextUnchanged(ct),
    close: () => ct.handle.close()
  }
}

/**
 * NO-GO if the file was written in place while it was hashed and decrypted (size, mtime or ctime
 * moved), or if the path no longer names it: the evidence would name a file that is not there.
 */
export async function assertCiphertextUnchanged(ct: Ciphertext): Promise<void> {
  let atPath: Stats | undefined
  try {
    atPath = statSync(ct.path)
  } catch {
    atPath = undefined
  }
  if (!atPath || atPath.dev !== ct.stat.dev || atPath.ino !== ct.stat.ino) {
    throw new NoGoError(
      `snapshot ${ct.path} was replaced while it was verified; stop whatever writes snapshot-dir and rerun`
    )
  }
  const now = await ct.handle.stat()
  if (
    now.size !== ct.stat.size ||
    now.mtimeMs !== ct.stat.mtimeMs ||
    now.ctimeMs !== ct.stat.ctimeMs
  ) {
    throw new NoGoError(
      `snapshot ${ct.path} was written to while it was verified; stop whatever writes snapshot-dir and rerun`
    )
  }
}
