import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { encryptStream } from '../src/age/encrypt.js'
import { createCompressStream } from '../src/compression/compress.js'
import { digestOfIndex } from '../src/format/index-format.js'
import type { Manifest } from '../src/format/manifest.js'
import type { Compression } from '../src/format/compression.js'

/** The file suffix of each compression, as snapshot names carry it. */
export const SUFFIX: Record<Compression, string> = { zstd: '.zst', gzip: '.gz', none: '' }

/**
 * Wraps any tar bytes the way a real snapshot is wrapped (zstd frames, age scrypt) and writes a
 * manifest that matches the ciphertext, so only the archive inside can be at fault.
 */
export async function writeEncryptedSnapshot(
  dir: string,
  tar: Buffer,
  passphrase: string,
  content: { files: number; bytes: number; index: Buffer }
): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of Readable.from([tar]).pipe(createCompressStream('zstd')))
    chunks.push(chunk as Buffer)
  return sealSnapshot(dir, Buffer.concat(chunks), 'zstd', passphrase, content)
}

/**
 * `payload` (already compressed as `compression` says, or not, whatever it holds) sealed as a
 * snapshot under `dir` with the passphrase (age scrypt, work factor 10), and a manifest that
 * matches the ciphertext and claims `content`; with `catalogue`, the snapshot's own manifest
 * too. Returns the path of latest-manifest.json.
 */
export async function sealSnapshot(
  dir: string,
  payload: Buffer,
  compression: Compression,
  passphrase: string,
  content: { files: number; bytes: number; index: Buffer },
  catalogue = false
): Promise<string> {
  fs.mkdirSync(dir, { recursive: true })
  const name = `snapshot-20261125T000000Z.tar${SUFFIX[compression]}.age`
  const file = path.join(dir, name)
  const pieces = function* (): Generator<Buffer> {
    for (let at = 0; at < payload.length; at += 1 << 20) yield payload.subarray(at, at + (1 << 20))
  }
  await pipeline(
    Readable.from(pieces()),
    encryptStream({
      kind: 'passphrase',
      passphrase: Buffer.from(passphrase, 'utf8'),
      workFactor: 10
    }),
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
  if (catalogue)
    fs.writeFileSync(path.join(dir, 'snapshot-20261125T000000Z.json'), JSON.stringify(manifest))
  return manifestPath
}
