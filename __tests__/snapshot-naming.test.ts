import fs from 'node:fs'
import path from 'node:path'
import { createSnapshot } from '../src/snapshot/create-snapshot.js'
import { MemoryLogger } from '../__fixtures__/memory-logger.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { passphraseKeys } from '../__fixtures__/passphrase-keys.js'

describe('snapshot names are to the second', () => {
  it('a second snapshot within the same second waits for the next one instead of failing', async () => {
    const repo = makeRepo()
    const snapshotDir = path.join(tempDir(), 'snapshots')
    const config = {
      repo,
      includes: ['state'],
      snapshotDir,
      manifestPath: path.join(snapshotDir, 'latest-manifest.json'),
      force: true,
      compression: 'zstd' as const,
      workFactor: 10
    }
    const first = await createSnapshot(config, passphraseKeys('pw'), new MemoryLogger())
    const second = await createSnapshot(config, passphraseKeys('pw'), new MemoryLogger())
    expect(second.evidence.snapshotPath).not.toBe(first.evidence.snapshotPath)
    expect(fs.readdirSync(snapshotDir).filter((n) => n.endsWith('.age'))).toHaveLength(2)
    const manifest = JSON.parse(fs.readFileSync(config.manifestPath, 'utf8'))
    expect(manifest.snapshot.path).toBe(path.basename(second.evidence.snapshotPath))
  })
})
