import fs from 'node:fs'
import path from 'node:path'
import { NoGoError } from '../src/outcome/step-result.js'
import { restoreIntoTarget } from '../src/restore/restore-into-target.js'
import { restoreTest } from '../src/restore/restore-test.js'
import { MemoryLogger } from '../__fixtures__/memory-logger.js'
import { writeEncryptedSnapshot } from '../__fixtures__/encrypted-snapshot.js'
import { hostileCases, TarBuilder } from '../__fixtures__/tar-hostile.js'
import { tempDir } from '../__fixtures__/trees.js'
import { passphraseKeys } from '../__fixtures__/passphrase-keys.js'

const PASSPHRASE = 'hostile ✓'

/** Everything under a folder, for "nothing was written here" checks. */
const contents = (dir: string) => fs.readdirSync(dir, { recursive: true }).map(String).sort()

describe('hostile snapshots, encrypted with the right passphrase: NO-GO, nothing written outside', () => {
  const work = tempDir('cg-hostile-')
  const outside = path.join(work, 'outside')
  fs.mkdirSync(outside)
  fs.writeFileSync(path.join(outside, 'sentinel'), 'untouched\n')

  it.each(hostileCases(outside).map((c) => [c.name, c] as const))('%s', async (_, hostile) => {
    const dir = fs.mkdtempSync(path.join(work, 'case-'))
    const manifestPath = await writeEncryptedSnapshot(
      path.join(dir, 'snapshots'),
      hostile.bytes,
      PASSPHRASE,
      {
        files: 1000,
        bytes: 1 << 20,
        index: Buffer.alloc(0)
      }
    )
    const runnerTemp = path.join(dir, 'runner-temp')
    fs.mkdirSync(runnerTemp)
    const test = restoreTest(
      manifestPath,
      passphraseKeys(PASSPHRASE),
      runnerTemp,
      new MemoryLogger()
    )
    await expect(test).rejects.toBeInstanceOf(NoGoError)
    await expect(test).rejects.toThrow(hostile.rejects)
    expect(contents(runnerTemp)).toEqual([])

    const target = path.join(dir, 'restore', 'target')
    await expect(
      restoreIntoTarget(manifestPath, passphraseKeys(PASSPHRASE), target, new MemoryLogger())
    ).rejects.toThrow(hostile.rejects)
    // restore never leaves a half-filled target, nor its staging folder
    expect(fs.existsSync(target)).toBe(false)
    expect(contents(path.join(dir, 'restore'))).toEqual([])
    expect(contents(outside)).toEqual(['sentinel'])
    expect(fs.readFileSync(path.join(outside, 'sentinel'), 'utf8')).toBe('untouched\n')
    expect(fs.existsSync('/etc/pwned')).toBe(false)
  })

  it('a compression bomb stops at the manifest content.bytes, long before the disk fills', async () => {
    const tar = new TarBuilder()
      .dir('state')
      .file('state/zeros', Buffer.alloc(256 << 20))
      .build()
    const dir = fs.mkdtempSync(path.join(work, 'bomb-'))
    const manifestPath = await writeEncryptedSnapshot(
      path.join(dir, 'snapshots'),
      tar,
      PASSPHRASE,
      {
        files: 1,
        bytes: 1000,
        index: Buffer.alloc(0)
      }
    )
    expect(
      fs.statSync(path.join(dir, 'snapshots/snapshot-20261125T000000Z.tar.zst.age')).size
    ).toBeLessThan(1 << 20)
    await expect(
      restoreTest(manifestPath, passphraseKeys(PASSPHRASE), dir, new MemoryLogger())
    ).rejects.toThrow(/holds more file data than the manifest's 1000 bytes/)
  })

  it('an index that lies about a file: the restored tree differs, naming it', async () => {
    const builder = new TarBuilder().dir('state').file('state/a.json', '{"a":1}\n')
    const honest = builder.indexBytes()
    const lying = Buffer.from(
      honest.toString('utf8').replace(/"sha256":"[0-9a-f]{64}"/, `"sha256":"${'0'.repeat(64)}"`)
    )
    const tar = new TarBuilder()
      .dir('state')
      .file('state/a.json', '{"a":1}\n')
      .build({ index: false })
    const withIndex = Buffer.concat([
      tar.subarray(0, tar.length - 1024),
      indexEntry(lying),
      Buffer.alloc(1024)
    ])
    const dir = fs.mkdtempSync(path.join(work, 'lie-'))
    const manifestPath = await writeEncryptedSnapshot(
      path.join(dir, 'snapshots'),
      withIndex,
      PASSPHRASE,
      {
        files: 1,
        bytes: 8,
        index: lying
      }
    )
    await expect(
      restoreTest(manifestPath, passphraseKeys(PASSPHRASE), dir, new MemoryLogger())
    ).rejects.toThrow(/restored tree differs from the archive's index: .*state\/a\.json/)
  })
})

function indexEntry(bytes: Buffer): Buffer {
  const b = new TarBuilder()
  b.index(bytes)
  return b.build({ index: false, end: false })
}
