// unwrapAhead: scrypt starts on a header read ahead of the stream, and the stream uses that
// result only for the very same header. node:crypto's scrypt is wrapped in a counting mock, so
// "ran once" is observed, not inferred from timing.
import { jest } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { passphraseKeys } from '../__fixtures__/passphrase-keys.js'

const realCrypto = await import('node:crypto')
const scrypt = jest.fn(realCrypto.scrypt)
jest.unstable_mockModule('node:crypto', () => ({ ...realCrypto, default: realCrypto, scrypt }))

const { createDecryptStream, unwrapAhead } = await import('../src/age/decrypt.js')
const { encryptStream } = await import('../src/age/encrypt.js')
const { runThrough, through } = await import('../__fixtures__/age-streams.js')
const { verifyIntoFolder } = await import('../src/restore/verify-snapshot.js')
const { createSnapshot } = await import('../src/snapshot/create-snapshot.js')
const { MemoryLogger } = await import('../__fixtures__/memory-logger.js')

const PASSPHRASE = Buffer.from('read ahead')
const plaintext = randomBytes(100_000)
let file: Buffer
let other: Buffer
beforeAll(async () => {
  file = await through(
    encryptStream({ kind: 'passphrase', passphrase: PASSPHRASE, workFactor: 10 }),
    plaintext
  )
  other = await through(
    encryptStream({ kind: 'passphrase', passphrase: PASSPHRASE, workFactor: 10 }),
    plaintext
  )
})
beforeEach(() => scrypt.mockClear())

test('the same header: scrypt runs once, ahead of the stream, and the file opens', async () => {
  const ahead = unwrapAhead(file.subarray(0, 4096), PASSPHRASE, 10)
  expect(ahead).toBeDefined()
  expect(scrypt).toHaveBeenCalledTimes(1)
  const back = await through(createDecryptStream(PASSPHRASE, { ahead }), file, 8192)
  expect(back.equals(plaintext)).toBe(true)
  expect(scrypt).toHaveBeenCalledTimes(1)
})

test('another header (the file changed after the read-ahead): unwrapped afresh', async () => {
  const ahead = unwrapAhead(file.subarray(0, 4096), PASSPHRASE, 10)
  const back = await through(createDecryptStream(PASSPHRASE, { ahead }), other, 8192)
  expect(back.equals(plaintext)).toBe(true)
  expect(scrypt).toHaveBeenCalledTimes(2)
})

test('a wrong passphrase ahead is reported by the stream, in its words', async () => {
  const wrong = Buffer.from('not it')
  const ahead = unwrapAhead(file, wrong, 10)
  const { output, error } = await runThrough(createDecryptStream(wrong, { ahead }), file)
  expect(error).toMatchObject({ code: 'WRONG_PASSPHRASE' })
  expect(output).toHaveLength(0)
  expect(scrypt).toHaveBeenCalledTimes(1)
})

test('a work factor other than the manifest says: nothing starts ahead of the checks', async () => {
  expect(unwrapAhead(file, PASSPHRASE, 18)).toBeUndefined()
  const raised = Buffer.from(
    file.toString('latin1').replace(/^(-> scrypt \S+) 10\n/m, '$1 20\n'),
    'latin1'
  )
  expect(unwrapAhead(raised, PASSPHRASE, 10)).toBeUndefined()
  expect(scrypt).not.toHaveBeenCalled()
})

test('no complete, well-formed header ahead: nothing starts, the stream reports it', async () => {
  const headerEnd = file.indexOf('\n---') + 4
  expect(unwrapAhead(file.subarray(0, headerEnd), PASSPHRASE, 10)).toBeUndefined()
  expect(unwrapAhead(Buffer.from('not an age file\n'), PASSPHRASE, 10)).toBeUndefined()
  expect(unwrapAhead(Buffer.alloc(0), PASSPHRASE, 10)).toBeUndefined()
  expect(scrypt).not.toHaveBeenCalled()
})

describe('verifyIntoFolder', () => {
  let dir: string
  let manifestPath: string
  let pristine: Buffer
  let snapshot: string
  const logger = new MemoryLogger()
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unwrap-ahead-'))
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
    // the read-ahead did start scrypt: its failure went unreported, as it should
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
