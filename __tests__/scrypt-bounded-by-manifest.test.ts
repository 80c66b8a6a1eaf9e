// scrypt runs once, in the decrypting stream, and never at a cost the manifest does not vouch
// for: a damaged file under a wrong passphrase is named damaged, and a header raising the work
// factor runs no scrypt at all. node:crypto's scrypt is wrapped in a counting mock, so "ran once"
// is observed, not inferred from timing.
import { jest } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { passphraseKeys } from '../__fixtures__/passphrase-keys.js'

const realCrypto = await import('node:crypto')
const scrypt = jest.fn(realCrypto.scrypt)
jest.unstable_mockModule('node:crypto', () => ({ ...realCrypto, default: realCrypto, scrypt }))

const { verifyIntoFolder } = await import('../src/restore/verify-snapshot.js')
const { createSnapshot } = await import('../src/snapshot/create-snapshot.js')
const { MemoryLogger } = await import('../__fixtures__/memory-logger.js')

const PASSPHRASE = Buffer.from('bounded by the manifest')

describe('verifyIntoFolder', () => {
  let dir: string
  let manifestPath: string
  let pristine: Buffer
  let snapshot: string
  const logger = new MemoryLogger()
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-scrypt-bound-'))
    fs.mkdirSync(path.join(dir, 'repo', 'state'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'repo', 'state', 'data.json'), '{"rows": 1}\n')
    const snapshotDir = path.join(dir, 'snapshots')
    manifestPath = path.join(snapshotDir, 'latest-manifest.json')
    const outcome = await createSnapshot(
      {
        repo: path.join(dir, 'repo'),
        includes: ['state'],
        snapshotDir,
        manifestPath,
        force: false,
        compression: 'zstd',
        workFactor: 10
      },
      passphraseKeys(PASSPHRASE.toString()),
      logger
    )
    snapshot = outcome.evidence.snapshotPath
    pristine = fs.readFileSync(snapshot)
  })
  beforeEach(() => scrypt.mockClear())
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
  afterEach(() => fs.writeFileSync(snapshot, pristine))

  test('a damaged file under a wrong passphrase is named damaged, not the passphrase', async () => {
    const bytes = Buffer.from(pristine)
    bytes[bytes.length - 20]! ^= 1
    fs.writeFileSync(snapshot, bytes)
    const dest = fs.mkdtempSync(path.join(dir, 'dest-'))
    await expect(
      verifyIntoFolder(manifestPath, passphraseKeys('wrong'), dest, logger)
    ).rejects.toThrow(/SHA-256 is [0-9a-f]{64} but the manifest says/)
    // the stream ran scrypt once; the file's damage, found by its hash, is what is named
    expect(scrypt).toHaveBeenCalledTimes(1)
  })

  test('a damaged file whose header asks for more scrypt than the manifest: no scrypt at all', async () => {
    const raised = Buffer.from(
      pristine.toString('latin1').replace(/^(-> scrypt \S+) 10\n/m, '$1 20\n'),
      'latin1'
    )
    expect(raised.equals(pristine)).toBe(false)
    fs.writeFileSync(snapshot, raised)
    const dest = fs.mkdtempSync(path.join(dir, 'dest-'))
    await expect(
      verifyIntoFolder(manifestPath, passphraseKeys(PASSPHRASE.toString()), dest, logger)
    ).rejects.toThrow(/SHA-256 is [0-9a-f]{64} but the manifest says/)
    expect(scrypt).not.toHaveBeenCalled()
  })

  test('an intact file: one scrypt in all', async () => {
    const dest = fs.mkdtempSync(path.join(dir, 'dest-'))
    await verifyIntoFolder(manifestPath, passphraseKeys(PASSPHRASE.toString()), dest, logger)
    expect(scrypt).toHaveBeenCalledTimes(1)
  })
})
