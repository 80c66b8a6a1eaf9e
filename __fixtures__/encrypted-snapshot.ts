import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { encryptStream } from '../src/age/encrypt.js'
import { createCompressStream } from '../src/compression/compress.js'
import { digestOfIndex } from '../src/format/index-format.js'
import type { Manifest } from '../src/format/manifest.js'

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
  fs.mkdirSync(dir, { recursive: true })
  const name = 'snapshot-20261125T000000Z.tar.zst.age'
  const file = path.join(dir, name)
  await pipeline(
    Readable.from([tar]),
    createCompressStream('zstd'),
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
    compression: 'zstd',
    encryption: { format: 'age-v1', recipient: 'scrypt', workFactor: 10 },
    includes: ['state'],
    content: { files: content.files, bytes: content.bytes, digest: digestOfIndex(content.index) }
  }
  const manifestPath = path.join(dir, 'latest-manifest.json')
  fs.writeFileSync(manifestPath, JSON.stringify(manifest))
  return manifestPath
}
