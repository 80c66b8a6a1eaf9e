import fc from 'fast-check'
import fs from 'node:fs'
import path from 'node:path'
import { restoreIntoTarget } from '../src/restore/restore-into-target.js'
import { createSnapshot } from '../src/snapshot/create-snapshot.js'
import { MemoryLogger } from '../__fixtures__/memory-logger.js'
import { tempDir } from '../__fixtures__/trees.js'
import { passphraseKeys } from '../__fixtures__/passphrase-keys.js'

const PASSPHRASE = 'property ✓'

// Names a person could give files: unicode, spaces, newlines, leading dots, backslashes.
const nameArb = fc
  .oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }),
    fc.constantFrom(
      'a b',
      'line\nbreak',
      '.hidden',
      'back\\slash',
      'tab\there',
      'Ω≈ç√',
      '日本語',
      '-dash',
      'quote\'"'
    )
  )
  .filter(
    (n) =>
      !n.includes('/') && !n.includes('\0') && n !== '.' && n !== '..' && Buffer.byteLength(n) < 200
  )

const entryArb = fc.record({
  dirs: fc.array(nameArb, { maxLength: 2 }),
  name: nameArb,
  kind: fc.constantFrom('file', 'file', 'file', 'dir', 'symlink'),
  data: fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.uint8Array({ minLength: 65_530, maxLength: 65_545 })
  ),
  mode: fc.constantFrom(0o644, 0o600, 0o755, 0o444, 0o700)
})

type Node = { type: string; mode: number; data?: string; target?: string }

/** Builds the tree under root/state; entries that clash with an earlier one are left out. */
function build(
  root: string,
  entries: Array<{ dirs: string[]; name: string; kind: string; data: Uint8Array; mode: number }>
) {
  const state = path.join(root, 'state')
  fs.mkdirSync(state, { recursive: true })
  const made: string[] = []
  for (const e of entries) {
    const dir = path.join(state, ...e.dirs)
    const p = path.join(dir, e.name)
    try {
      fs.mkdirSync(dir, { recursive: true })
      if (fs.existsSync(p) || isLink(p)) continue
      if (e.kind === 'dir') fs.mkdirSync(p, { mode: e.mode | 0o700 })
      else if (e.kind === 'file') {
        fs.writeFileSync(p, e.data)
        fs.chmodSync(p, e.mode)
      } else {
        // a link to an earlier entry, relative to its own folder; or to a name that is not there
        const to =
          made.length > 0 ? made[e.data.length % made.length]! : path.join(state, 'nowhere')
        fs.symlinkSync(path.relative(dir, to) || '.', p)
      }
      made.push(p)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'ENOTDIR' && code !== 'EEXIST' && code !== 'ENOENT' && code !== 'ELOOP')
        throw error
    }
  }
}

function isLink(p: string) {
  try {
    return fs.lstatSync(p).isSymbolicLink()
  } catch {
    return false
  }
}

function read(root: string): Map<string, Node> {
  const out = new Map<string, Node>()
  const walk = (rel: string) => {
    const abs = path.join(root, rel)
    const st = fs.lstatSync(abs)
    if (st.isSymbolicLink())
      return void out.set(rel, { type: 'link', mode: 0, target: fs.readlinkSync(abs) })
    if (st.isFile())
      return void out.set(rel, {
        type: 'file',
        mode: st.mode & 0o7777,
        data: fs.readFileSync(abs).toString('base64')
      })
    out.set(rel, { type: 'dir', mode: st.mode & 0o7777 })
    for (const name of fs.readdirSync(abs)) walk(path.join(rel, name))
  }
  walk('state')
  return out
}

let clock = Date.UTC(2026, 0, 1)
const tick = () => new Date((clock += 1000))

async function snapshot(repo: string, snapshotDir: string) {
  const outcome = await createSnapshot(
    {
      repo,
      includes: ['state'],
      snapshotDir,
      manifestPath: path.join(snapshotDir, 'latest-manifest.json'),
      force: true,
      compression: 'zstd',
      workFactor: 10
    },
    passphraseKeys(PASSPHRASE),
    new MemoryLogger(),
    tick
  )
  return outcome.evidence
}

describe('property: snapshot → restore gives back the same tree, and the digest is stable', () => {
  it('holds for random trees', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entryArb, { minLength: 1, maxLength: 14 }), async (entries) => {
        const work = tempDir('cg-prop-')
        const repo = path.join(work, 'repo')
        build(repo, entries)
        const snapshotDir = path.join(work, 'snapshots')
        const first = await snapshot(repo, snapshotDir)
        const target = path.join(work, 'restored')
        await restoreIntoTarget(
          path.join(snapshotDir, 'latest-manifest.json'),
          passphraseKeys(PASSPHRASE),
          target,
          new MemoryLogger()
        )
        expect(read(target)).toEqual(read(repo))
        const second = await snapshot(repo, snapshotDir)
        const ofCopy = await snapshot(target, path.join(work, 'snapshots-of-copy'))
        expect(second.contentDigest).toBe(first.contentDigest)
        expect(ofCopy.contentDigest).toBe(first.contentDigest)
        fs.rmSync(work, { recursive: true, force: true })
      }),
      { numRuns: 40 }
    )
  }, 600_000)
})
