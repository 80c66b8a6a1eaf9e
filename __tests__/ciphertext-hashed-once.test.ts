import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import type { Manifest } from '../src/format/manifest.js'
import { HashedCiphertext, openCiphertext } from '../src/restore/ciphertext-check.js'
import { BufferPool } from '../src/util/buffer-pool.js'
import { removeTree } from '../src/util/remove-tree.js'

let base: string
beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-hashed-once-'))
})
afterAll(() => removeTree(base))

/** Only the fields the ciphertext check reads. */
const manifestFor = (size: number, sha256: string): Manifest =>
  ({ snapshot: { size, sha256 } }) as unknown as Manifest

describe('the ciphertext, read once for decryption, gives the SHA-256 the manifest is checked against', () => {
  it('whole file hashed in order, wherever the reader stopped (any size, read unit, stop point)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 300_000 }),
        fc.integer({ min: 1, max: 70_000 }),
        fc.integer({ min: 0, max: 10 }),
        async (size, unit, stopAfter) => {
          const file = path.join(base, `ct-${size}-${unit}-${stopAfter}`)
          const bytes = randomBytes(size)
          fs.writeFileSync(file, bytes)
          const sha256 = createHash('sha256').update(bytes).digest('hex')
          const manifest = manifestFor(size, sha256)
          const ct = await openCiphertext(file, manifest)
          try {
            const hashed = new HashedCiphertext(ct)
            const pool = new BufferPool(unit, 2)
            const seen: Buffer[] = []
            for await (const chunk of hashed.chunks(pool)) {
              if (seen.length === stopAfter) break
              seen.push(Buffer.from(chunk))
              pool.release(chunk)
            }
            // what the consumer got is the file's start, in order
            const got = Buffer.concat(seen)
            expect(got.equals(bytes.subarray(0, got.length))).toBe(true)
            await expect(hashed.check(manifest)).resolves.toBeUndefined()
          } finally {
            await ct.handle.close()
          }
        }
      ),
      { numRuns: 40 }
    )
  })

  it.each([0, 1, 31, 4096, 100_000])(
    'a file differing at byte %i is NO-GO naming its SHA-256, however far decryption got',
    async (flip) => {
      const file = path.join(base, `flip-${flip}`)
      const bytes = randomBytes(200_000)
      const sha256 = createHash('sha256').update(bytes).digest('hex')
      bytes[flip] = bytes[flip]! ^ 1
      fs.writeFileSync(file, bytes)
      for (const stopAfter of [0, 1, 3, Infinity]) {
        const manifest = manifestFor(bytes.length, sha256)
        const ct = await openCiphertext(file, manifest)
        try {
          const hashed = new HashedCiphertext(ct)
          let n = 0
          for await (const chunk of hashed.chunks(new BufferPool(16_384, 2))) {
            if (n++ === stopAfter) break
            expect(chunk.length).toBeGreaterThan(0)
          }
          await expect(hashed.check(manifest)).rejects.toThrow(
            /SHA-256 is [0-9a-f]{64} but the manifest says .*: the file was altered or corrupted/
          )
        } finally {
          await ct.handle.close()
        }
      }
    }
  )
})
