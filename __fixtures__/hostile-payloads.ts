// Hand-made compressed payloads for hostile snapshots: zstd frames written byte by byte (RFC 8878)
// so a test can ask for what no encoder would make (a huge window, a bomb of RLE blocks), sealed
// with age and given a manifest whose size and SHA-256 match, so the bytes reach the decoder.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { encryptStream } from '../src/age/encrypt.js'
import type { Compression } from '../src/format/compression.js'
import { digestOfIndex } from '../src/format/index-format.js'
import type { Manifest } from '../src/format/manifest.js'

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd])
/** zstd's largest block: 128 KiB. */
export const ZSTD_BLOCK_MAX = 128 << 10

function blockHeader(type: 0 | 1, size: number, last: boolean): Buffer {
  const b = Buffer.alloc(3)
  b.writeUIntLE((size << 3) | (type << 1) | (last ? 1 : 0), 0, 3)
  return b
}

/** A raw zstd block of `bytes` (at most 128 KiB). */
export const rawBlock = (bytes: Buffer, last = false): Buffer =>
  Buffer.concat([blockHeader(0, bytes.length, last), bytes])

/** An RLE zstd block: `size` copies of `byte` from 4 bytes of input (size at most 128 KiB). */
export const rleBlock = (byte: number, size: number, last = false): Buffer =>
  Buffer.concat([blockHeader(1, size, last), Buffer.from([byte])])

/**
 * One zstd frame with a window of 2^windowLog (a window descriptor, no content size, no
 * checksum) around `blocks`; the caller marks the last block.
 */
export function zstdFrame(windowLog: number, blocks: Buffer[]): Buffer {
  if (windowLog < 10 || windowLog > 41) throw new RangeError(`window log ${windowLog}`)
  return Buffer.concat([ZSTD_MAGIC, Buffer.from([0x00, (windowLog - 10) << 3]), ...blocks])
}

/** `bytes` as zstd raw blocks of one frame (window 2^17, the block maximum). */
export function zstdRaw(bytes: Buffer, windowLog = 17): Buffer {
  const blocks: Buffer[] = []
  for (let at = 0; at < bytes.length || blocks.length === 0; at += ZSTD_BLOCK_MAX) {
    const end = Math.min(at + ZSTD_BLOCK_MAX, bytes.length)
    blocks.push(rawBlock(bytes.subarray(at, end), end === bytes.length))
  }
  return zstdFrame(windowLog, blocks)
}

/** A frame of `size` zero bytes (a multiple of 128 KiB) in RLE blocks: 4 bytes per 128 KiB. */
export function zstdZeros(size: number): Buffer {
  const count = Math.ceil(size / ZSTD_BLOCK_MAX)
  const block = rleBlock(0, ZSTD_BLOCK_MAX)
  const last = rleBlock(0, ZSTD_BLOCK_MAX, true)
  return zstdFrame(17, [...Array.from({ length: count - 1 }, () => block), last])
}

export const SUFFIX: Record<Compression, string> = { zstd: '.zst', gzip: '.gz', none: '' }

/**
 * `payload` (already compressed as `compression` says, or not) sealed as a snapshot under `dir`
 * with the passphrase, and a manifest that matches the ciphertext and claims `content`.
 * Returns the manifest's path.
 */
export async function sealHostile(
  dir: string,
  payload: Buffer,
  compression: Compression,
  passphrase: string,
  content: { files: number; bytes: number; index: Buffer }
): Promise<string> {
  fs.mkdirSync(dir, { recursive: true })
  const name = `snapshot-20261125T000000Z.tar${SUFFIX[compression]}.age`
  const file = path.join(dir, name)
  const pieces = function* (): Generator<Buffer> {
    for (let at = 0; at < payload.length; at += 1 << 20) yield payload.subarray(at, at + (1 << 20))
  }
  await pipeline(
    Readable.from(pieces()),
    encryptStream({ kind: 'passphrase', passphrase: Buffer.from(passphrase), workFactor: 10 }),
    fs.createWriteStream(file)
  )
  const bytes = fs.readFileSync(file)
  const manifest: Manifest = {
    version: 1,
    createdAt: '2026-11-25T00:00:00Z',
    snapshot: {
      path: name,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex')
    },
    compression,
    encryption: { format: 'age-v1', recipient: 'scrypt', workFactor: 10 },
    includes: ['state'],
    content: { files: content.files, bytes: content.bytes, digest: digestOfIndex(content.index) }
  }
  const manifestPath = path.join(dir, 'latest-manifest.json')
  fs.writeFileSync(manifestPath, JSON.stringify(manifest))
  fs.writeFileSync(path.join(dir, 'snapshot-20261125T000000Z.json'), JSON.stringify(manifest))
  return manifestPath
}
