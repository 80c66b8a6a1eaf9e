import fs from 'node:fs'
import path from 'node:path'
import { TarReader } from '../tar/tar-reader.js'
import { TreeWriter, type WriteLimits, type WrittenIndexes } from './tree-writer.js'
import { PlainWriters } from './plain-writers.js'

export interface ExtractResult extends WrittenIndexes {
  entries: number
  files: number
  bytes: number
}

export interface ExtractOptions {
  /** Called after every input chunk and once at the end: throttle inside the callback. */
  onProgress?: (p: { entries: number; bytes: number }) => void
  /** File bytes the archive may hold (the manifest's content.bytes): a bomb stops at the limit. */
  maxBytes?: number
  /** Files the archive may hold (the manifest's content.files). */
  maxFiles?: number
}

/** The writer trusts only what it created, so dest must start as a real, empty folder. */
function checkDest(dest: string): void {
  let stat: fs.Stats
  try {
    stat = fs.lstatSync(dest)
  } catch (error) {
    throw new Error(
      `restore folder ${dest} is not usable: ${(error as NodeJS.ErrnoException).code}`
    )
  }
  if (!stat.isDirectory()) throw new Error(`restore folder ${dest} is not a folder`)
  if (fs.readdirSync(dest).length > 0) throw new Error(`restore folder ${dest} is not empty`)
}

/** Free space at the start, less a margin (1/32 of it, at most 64 MiB) for what others write. */
function roomIn(root: string): WriteLimits['room'] {
  const stats = fs.statfsSync(root)
  const free = stats.bavail * stats.bsize
  const margin = Math.min(64 * 1024 * 1024, Math.floor(free / 32))
  return { bytes: free - margin, free, block: stats.bsize }
}

function asBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk
  if (chunk instanceof Uint8Array)
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  throw new Error('the snapshot tar stream must yield bytes, not text')
}

/**
 * Extracts a decrypted, decompressed snapshot tar into dest, checking every entry and hashing
 * file data as it is written. dest must be an existing, empty folder the caller created fresh.
 * Rejects with an Error whose message is one line naming the entry and the problem; dest is then
 * tainted (partly written, folders still 0o700) and the caller removes it. Either way, nothing
 * writes into dest any more once this has settled.
 */
export async function extractSnapshotTar(
  source: AsyncIterable<Buffer> | NodeJS.ReadableStream,
  dest: string,
  options: ExtractOptions = {}
): Promise<ExtractResult> {
  const root = path.resolve(dest)
  const writers = new PlainWriters(root)
  try {
    checkDest(root)
    const writer = new TreeWriter(writers, {
      maxBytes: options.maxBytes,
      maxFiles: options.maxFiles,
      room: roomIn(root)
    })
    const reader = new TarReader(writer)
    const report = (): void =>
      options.onProgress?.({ entries: writer.entries, bytes: writer.bytes })
    try {
      for await (const chunk of source as AsyncIterable<unknown>) {
        reader.push(asBuffer(chunk))
        report()
        await writers.backpressure()
      }
      reader.finish()
      const indexes = writer.finish()
      await writers.settle()
      report()
      return { ...indexes, entries: writer.entries, files: writer.files, bytes: writer.bytes }
    } catch (error) {
      writer.discard()
      throw error
    }
  } finally {
    await writers.stop()
  }
}
