// The manifest's encryption record: scrypt with its work factor, or native recipients with their
// type and count, never a key; any other shape is a damaged or edited manifest (NO-GO).
import fs from 'node:fs'
import path from 'node:path'
import { tempDir } from '../__fixtures__/trees.js'
import { NoGoError } from '../src/outcome/step-result.js'
import { describeEncryptionRecord } from '../src/format/encryption-record.js'
import { readManifest } from '../src/format/manifest.js'

const base = {
  version: 1,
  createdAt: '2026-12-03T07:00:00Z',
  snapshot: { path: 'snapshot-20261203T070000Z.tar.zst.age', size: 10, sha256: 'a'.repeat(64) },
  compression: 'zstd',
  includes: ['state'],
  content: { files: 1, bytes: 1, digest: `sha256:${'b'.repeat(64)}` }
}

function read(encryption: unknown) {
  const file = path.join(tempDir('cg-manifest-enc-'), 'm.json')
  fs.writeFileSync(file, JSON.stringify({ ...base, encryption }))
  return readManifest(file)
}

const GOOD = [
  [
    { format: 'age-v1', recipient: 'scrypt', workFactor: 18 },
    'age-v1, scrypt passphrase recipient, work factor 18 (N = 2^18)'
  ],
  [{ format: 'age-v1', recipient: 'x25519', recipients: 2 }, 'age-v1, X25519 recipients (2)'],
  [
    { format: 'age-v1', recipient: 'mlkem768x25519', recipients: 1 },
    'age-v1, ML-KEM-768 + X25519 recipients (1)'
  ]
] as const

const BAD: unknown[] = [
  { format: 'age-v1', recipient: 'scrypt' },
  { format: 'age-v1', recipient: 'scrypt', recipients: 1 },
  { format: 'age-v1', recipient: 'scrypt', workFactor: 21 },
  { format: 'age-v1', recipient: 'x25519' },
  { format: 'age-v1', recipient: 'x25519', workFactor: 18 },
  { format: 'age-v1', recipient: 'x25519', recipients: 0 },
  { format: 'age-v1', recipient: 'x25519', recipients: 1.5 },
  { format: 'age-v1', recipient: 'mlkem768x25519', recipients: -1 },
  { format: 'age-v1', recipient: 'p256tag', recipients: 1 },
  { format: 'age-v2', recipient: 'x25519', recipients: 1 },
  { format: 'age-v1', recipient: 'X25519', recipients: 1 },
  'age-v1',
  null
]

describe('manifest encryption record', () => {
  it.each(GOOD)('%j is read and described as %s', (encryption, text) => {
    const manifest = read(encryption)
    expect(manifest.encryption).toEqual(encryption)
    expect(describeEncryptionRecord(manifest.encryption)).toBe(text)
  })

  it.each(BAD)('%j is a NO-GO naming encryption', (encryption) => {
    expect(() => read(encryption)).toThrow(NoGoError)
    expect(() => read(encryption)).toThrow(/fails the schema at encryption/)
  })

  it('keeps no other field: a key smuggled into the record is dropped on reading', () => {
    const manifest = read({
      format: 'age-v1',
      recipient: 'x25519',
      recipients: 1,
      key: 'AGE-SECRET-KEY-1XYZ'
    })
    expect(JSON.stringify(manifest)).not.toContain('AGE-SECRET-KEY')
  })
})
