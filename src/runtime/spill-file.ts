import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { registerPath, unregisterPath } from './cleanup-on-exit.js'

/** Bytes gathered before one write(2): few calls for many short lines, little memory. */
const BUFFER = 64 * 1024

/**
 * Bytes appended and hashed on the way, for what grows with the entry count (the index, the
 * files read): held in memory, 1,000,000 entries cost hundreds of MiB; here they cost BUFFER.
 * Past BUFFER they go to a private temp file (a 0o700 folder of its own under `tempDir`), removed
 * by remove(), or by the exit cleanup if the run dies first.
 */
export class SpillFile {
  readonly #tempDir: string
  #dir: string | undefined
  readonly #hash = createHash('sha256')
  #fd = -1
  /** Bytes in the file; the rest (#used) are in #buffer. */
  #written = 0
  #removed = false
  #buffer = Buffer.allocUnsafe(BUFFER)
  #used = 0
  #digest: string | undefined
  /** Bytes appended so far. */
  size = 0

  constructor(tempDir: string = os.tmpdir()) {
    this.#tempDir = tempDir
  }

  /** The file, made on the first write that needs it. */
  #file(): number {
    if (this.#removed) throw new Error('spill file used after remove()')
    if (this.#fd < 0) {
      this.#dir = fs.mkdtempSync(path.join(this.#tempDir, 'cutover-gate-spill-'))
      registerPath(this.#dir)
      this.#fd = fs.openSync(path.join(this.#dir, 'spill'), 'wx+', 0o600)
    }
    return this.#fd
  }

  #write(bytes: Uint8Array): void {
    const fd = this.#file()
    for (let at = 0; at < bytes.length;) at += fs.writeSync(fd, bytes, at, bytes.length - at)
    this.#written += bytes.length
  }

  append(piece: string | Uint8Array): void {
    if (this.#digest !== undefined) throw new Error('spill file appended to after its digest')
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece
    this.#hash.update(bytes)
    this.size += bytes.length
    if (bytes.length > BUFFER - this.#used) this.#flush()
    if (bytes.length >= BUFFER) {
      this.#write(bytes)
      return
    }
    this.#buffer.set(bytes, this.#used)
    this.#used += bytes.length
  }

  #flush(): void {
    if (this.#used === 0) return
    this.#write(this.#buffer.subarray(0, this.#used))
    this.#used = 0
  }

  /** Bytes held in memory now: never more than BUFFER, however much was appended. */
  get inMemory(): number {
    return this.#used
  }

  /** `sha256:<hex>` of every appended byte; nothing may be appended after. */
  digest(): string {
    this.#digest ??= `sha256:${this.#hash.digest('hex')}`
    return this.#digest
  }

  /** Reads up to `length` bytes at `position` into `into`; returns how many were read. */
  read(into: Buffer, offset: number, length: number, position: number): number {
    let done = 0
    // from the file what is there, then from the buffer
    while (done < length && position + done < this.#written) {
      const want = Math.min(length - done, this.#written - position - done)
      const got = fs.readSync(this.#fd, into, offset + done, want, position + done)
      if (got === 0) break
      done += got
    }
    const from = position + done - this.#written
    if (done < length && from >= 0 && from < this.#used) {
      const n = Math.min(length - done, this.#used - from)
      this.#buffer.copy(into, offset + done, from, from + n)
      done += n
    }
    return done
  }

  /** Whether the bytes at `position` are `bytes`, compared a chunk at a time. */
  equalsAt(position: number, bytes: Uint8Array): boolean {
    if (position + bytes.length > this.size) return false
    const scratch = Buffer.allocUnsafe(Math.min(BUFFER, bytes.length))
    for (let at = 0; at < bytes.length;) {
      const n = Math.min(scratch.length, bytes.length - at)
      if (this.read(scratch, 0, n, position + at) !== n) return false
      if (Buffer.compare(scratch.subarray(0, n), bytes.subarray(at, at + n)) !== 0) return false
      at += n
    }
    return true
  }

  /** Every byte in memory at once: for a failure's detailed report and for tests. */
  bytes(): Buffer {
    const all = Buffer.allocUnsafe(this.size)
    this.read(all, 0, this.size, 0)
    return all
  }

  /** The lines ('\n'-ended; a last unended one too), read a chunk at a time. */
  *lines(): Generator<string> {
    const chunk = Buffer.allocUnsafe(BUFFER)
    let carry = Buffer.alloc(0)
    for (let at = 0; at < this.size;) {
      const got = this.read(chunk, 0, Math.min(BUFFER, this.size - at), at)
      at += got
      let text = Buffer.concat([carry, chunk.subarray(0, got)])
      let nl: number
      while ((nl = text.indexOf(0x0a)) >= 0) {
        yield text.subarray(0, nl).toString('utf8')
        text = text.subarray(nl + 1)
      }
      carry = Buffer.from(text)
    }
    if (carry.length > 0) yield carry.toString('utf8')
  }

  /** Closes and deletes the file; safe to call twice. */
  remove(): void {
    this.#removed = true
    if (this.#fd >= 0) fs.closeSync(this.#fd)
    this.#fd = -1
    if (this.#dir === undefined) return
    fs.rmSync(this.#dir, { recursive: true, force: true })
    unregisterPath(this.#dir)
    this.#dir = undefined
  }
}
