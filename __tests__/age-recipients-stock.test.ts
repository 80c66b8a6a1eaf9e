// Recipient snapshots with stock tools: an X25519 snapshot, written by the real archive pipeline,
// opens with Debian's `age -d -i key.txt` and extracts with GNU tar; files `age -r` / `age -R`
// made open with us; hybrid snapshots open with typage (Debian's age 1.1.1 has no hybrid keys).
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  Decrypter,
  generateHybridIdentity,
  identityToRecipient as typageRecipient
} from 'age-encryption'
import { runThrough, through } from '../__fixtures__/age-streams.js'
import { ageKeygen, withTools } from '../__fixtures__/stock-tools.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { createDecryptStream } from '../src/age/decrypt.js'
import { encryptStream } from '../src/age/encrypt.js'
import type { EncryptionKey } from '../src/age/key-source.js'
import { identityToRecipient, parseIdentities, parseRecipients } from '../src/age/recipients.js'
import { createCompressStream } from '../src/compression/compress.js'
import { archiveStream, BATCH } from '../src/snapshot/archive-stream.js'
import { IndexBuilder } from '../src/snapshot/index-builder.js'
import { walkIncludes } from '../src/snapshot/walk.js'
import { BufferPool } from '../src/util/buffer-pool.js'
import { HashedFileWriter } from '../src/util/hashed-file-writer.js'

const INCLUDES = ['state', 'reports']

/** The snapshot pipeline of createSnapshot (walk, tar, zstd, age header first), to `file`. */
async function writeSnapshot(repo: string, key: EncryptionKey, file: string): Promise<void> {
  await pipeline(
    Readable.from(
      archiveStream(
        walkIncludes(repo, INCLUDES, () => undefined),
        new IndexBuilder(),
        undefined,
        new BufferPool(BATCH, 16)
      ),
      { objectMode: false }
    ),
    createCompressStream('zstd'),
    encryptStream(key),
    new HashedFileWriter(file)
  )
}

const withAge = withTools('age', 'age-keygen')

/** A key made by the real age-keygen: the key file's path and its recipient. */
function keygen(dir: string, name: string): { keyFile: string; recipient: string } {
  const keyFile = path.join(dir, name)
  execFileSync('age-keygen', ['-o', keyFile], { stdio: 'ignore' })
  return {
    keyFile,
    recipient: execFileSync('age-keygen', ['-y', keyFile], { encoding: 'utf8' }).trim()
  }
}

/** Extracts a .tar.zst with GNU tar and checks every included entry against the repo. */
function expectRestored(tarZst: Buffer, repo: string): void {
  const out = tempDir('cg-rcpt-out-')
  execFileSync('tar', ['--zstd', '-xf', '-', '-C', out], { input: tarZst })
  const walk = (rel: string): void => {
    const src = path.join(repo, rel)
    const dst = path.join(out, rel)
    const stat = fs.lstatSync(src)
    if (stat.isSymbolicLink()) expect(fs.readlinkSync(dst)).toBe(fs.readlinkSync(src))
    else if (stat.isDirectory())
      for (const child of fs.readdirSync(src)) walk(path.join(rel, child))
    else expect(fs.readFileSync(dst).equals(fs.readFileSync(src))).toBe(true)
  }
  for (const include of INCLUDES) walk(include)
  expect(fs.existsSync(path.join(out, '.cutover-gate/index.jsonl'))).toBe(true)
}

// keys for stock age made by typage, so that collecting the tests needs no age-keygen
const dir = tempDir('cg-rcpt-')
const alice = await ageKeygen(dir, 'alice.txt')
const bob = await ageKeygen(dir, 'bob.txt')
const eve = await ageKeygen(dir, 'eve.txt')

withAge.describe('X25519 recipients with stock age and tar', () => {
  const repo = makeRepo()
  const recipientsFile = path.join(dir, 'recipients.txt')
  fs.writeFileSync(
    recipientsFile,
    `# restore team\n${alice.recipient}\n\n# bob\n${bob.recipient}\n`
  )

  test('age-keygen key files parse, and derive the recipient age-keygen -y prints', () => {
    for (let i = 0; i < 4; i++) {
      const key = keygen(dir, `k${i}.txt`)
      const identities = parseIdentities(fs.readFileSync(key.keyFile, 'utf8'))
      expect(identities.map(identityToRecipient)).toEqual([key.recipient])
    }
  })

  test('a snapshot to two recipients opens with age -d -i for each and extracts with tar', async () => {
    const file = path.join(dir, 'snap.tar.zst.age')
    const recipients = parseRecipients(fs.readFileSync(recipientsFile, 'utf8'))
    await writeSnapshot(repo, { kind: 'recipients', recipients }, file)
    for (const { keyFile } of [alice, bob]) {
      const tarZst = execFileSync('age', ['-d', '-i', keyFile, file], { maxBuffer: 1 << 28 })
      expectRestored(tarZst, repo)
    }
    // and through our own decrypt stream
    const ours = await through(
      createDecryptStream({
        kind: 'identities',
        identities: parseIdentities(fs.readFileSync(bob.keyFile, 'utf8'))
      }),
      fs.readFileSync(file),
      50_000
    )
    expectRestored(ours, repo)
    // stock age with a key that is not a recipient refuses it
    const wrong = spawnSync('age', ['-d', '-i', eve.keyFile, file], { encoding: 'utf8' })
    expect(wrong.status).not.toBe(0)
    expect(wrong.stderr).toMatch(/no identity matched/)
  })

  test('files from age -r and age -R open with us; a wrong key is "no identity matches this snapshot"', async () => {
    const plain = path.join(dir, 'plain.bin')
    fs.writeFileSync(plain, Buffer.from(Array.from({ length: 200_003 }, (_, i) => (i * 31) % 256)))
    const viaR = path.join(dir, 'r.age')
    const viaRFile = path.join(dir, 'rf.age')
    execFileSync('age', ['-r', alice.recipient, '-o', viaR, plain])
    execFileSync('age', ['-R', recipientsFile, '-o', viaRFile, plain])
    const cases: [string, string][] = [
      [viaR, alice.keyFile],
      [viaRFile, alice.keyFile],
      [viaRFile, bob.keyFile]
    ]
    for (const [file, keyFile] of cases) {
      const identities = parseIdentities(fs.readFileSync(keyFile, 'utf8'))
      const back = await through(
        createDecryptStream({ kind: 'identities', identities }),
        fs.readFileSync(file),
        7000
      )
      expect(back.equals(fs.readFileSync(plain))).toBe(true)
    }
    for (const file of [viaR, viaRFile]) {
      const identities = parseIdentities(fs.readFileSync(eve.keyFile, 'utf8'))
      const result = await runThrough(
        createDecryptStream({ kind: 'identities', identities }),
        fs.readFileSync(file)
      )
      expect((result.error as Error).message).toBe('no identity matches this snapshot')
      expect(result.output).toHaveLength(0)
    }
  })
})

describe('hybrid recipients: snapshots open with typage and extract with tar', () => {
  test('a snapshot to two hybrid recipients opens with typage for each, and with us', async () => {
    const dir = tempDir('cg-rcpt-pq-')
    const repo = makeRepo()
    const identities = [await generateHybridIdentity(), await generateHybridIdentity()]
    const recipients = await Promise.all(identities.map((i) => typageRecipient(i)))
    const file = path.join(dir, 'snap.tar.zst.age')
    await writeSnapshot(
      repo,
      { kind: 'recipients', recipients: parseRecipients(recipients.join('\n')) },
      file
    )
    for (const identity of identities) {
      const decrypter = new Decrypter()
      decrypter.addIdentity(identity)
      expectRestored(Buffer.from(await decrypter.decrypt(fs.readFileSync(file))), repo)
      const ours = await through(
        createDecryptStream({ kind: 'identities', identities: parseIdentities(identity) }),
        fs.readFileSync(file),
        50_000
      )
      expectRestored(ours, repo)
    }
  })
})
