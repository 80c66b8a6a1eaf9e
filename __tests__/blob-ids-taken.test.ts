// The exposure audit's content findings are the same whether it reads the files itself (mode
// exposure-audit) or takes the blob ids the snapshot computed as it read them (precutover): for
// generated trees of both object formats, with sizes around the lookup threshold and across the
// snapshot's 1 MiB batches, duplicated bytes, bytes committed at the include or copied elsewhere.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { commitAll, initRepo, sh, write } from '../__fixtures__/exposure-repos.js'
import { MemoryLogger } from '../__fixtures__/memory-logger.js'
import { passphraseKeys } from '../__fixtures__/passphrase-keys.js'
import { tempDir } from '../__fixtures__/trees.js'
import { auditExposure } from '../src/exposure/audit.js'
import { MIN_LOOKUP_BYTES } from '../src/exposure/content.js'
import { BlobIdTally } from '../src/hashing/blob-ids.js'
import { createSnapshot } from '../src/snapshot/create-snapshot.js'

const SIZES = [0, 1, MIN_LOOKUP_BYTES - 1, MIN_LOOKUP_BYTES, 4096, (1 << 20) - 7, (1 << 20) + 513]

describe('blob ids taken by the snapshot', () => {
  it('give the audit the same content findings as reading the files itself', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('sha1' as const, 'sha256' as const),
        fc.array(
          fc.record({
            size: fc.constantFrom(...SIZES),
            content: fc.nat({ max: 3 }),
            committed: fc.constantFrom('no', 'here', 'elsewhere')
          }),
          { minLength: 1, maxLength: 8 }
        ),
        async (format, files) => {
          const repo = initRepo(path.join(tempDir('cg-blobids-'), 'repo'), format)
          const pool = [0, 1, 2, 3].map(() => randomBytes(SIZES.at(-1)!))
          const bytesOf = (f: (typeof files)[number]) => pool[f.content]!.subarray(0, f.size)
          write(repo, { 'README.md': 'repository\n' })
          files.forEach((f, i) => {
            if (f.committed === 'here') write(repo, { [`state/f${i}.bin`]: bytesOf(f) })
            if (f.committed === 'elsewhere') write(repo, { [`docs/copy${i}.bin`]: bytesOf(f) })
          })
          commitAll(repo, 'history')
          sh(repo, 'rm', '-r', '-q', '--cached', '--ignore-unmatch', 'state')
          fs.writeFileSync(path.join(repo, '.gitignore'), 'state/\n')
          commitAll(repo, 'state leaves the tree')
          fs.rmSync(path.join(repo, 'state'), { recursive: true, force: true })
          files.forEach((f, i) => write(repo, { [`state/d${i % 3}/f${i}.bin`]: bytesOf(f) }))

          const snapshotDir = path.join(tempDir('cg-blobids-snap-'), 'snapshots')
          const blobIds = new BlobIdTally(format, MIN_LOOKUP_BYTES)
          await createSnapshot(
            {
              repo,
              includes: ['state'],
              snapshotDir,
              manifestPath: path.join(snapshotDir, 'latest-manifest.json'),
              force: true,
              compression: 'zstd',
              workFactor: 10
            },
            passphraseKeys('blob ids from the one read'),
            new MemoryLogger(),
            undefined,
            { blobIds }
          )
          const options = { repo, includes: ['state'], github: { reason: 'not read here' } }
          const read = await auditExposure(options)
          const taken = await auditExposure({ ...options, blobIds })
          expect(taken.content).toEqual(read.content)
          expect(taken.findings).toEqual(read.findings)
          // and each id is git's own
          for (const [i, f] of files.entries()) {
            if (f.size < MIN_LOOKUP_BYTES) continue
            const id = execFileSync('git', ['hash-object', `state/d${i % 3}/f${i}.bin`], {
              cwd: repo,
              encoding: 'utf8'
            }).trim()
            expect(blobIds.counts.has(id)).toBe(true)
          }
        }
      ),
      { numRuns: 12 }
    )
  })
})
