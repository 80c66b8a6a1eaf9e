import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { cloneSnapshot, gate, idAt, names } from '../__fixtures__/catalogue-helpers.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { pruneSnapshots } from '../src/catalogue/prune.js'
import { readCatalogue, usable } from '../src/catalogue/read-catalogue.js'
import { resolveSnapshot } from '../src/catalogue/resolve-snapshot.js'
import { NoGoError } from '../src/outcome/step-result.js'
import { bootPrefix, identityOf } from '../src/util/process-identity.js'

let template: { dir: string; id: string }

beforeAll(async () => {
  const repo = makeRepo()
  const made = await gate(repo, { mode: 'snapshot' })
  template = { dir: path.join(repo, 'backup/snapshots'), id: made.outputs['snapshot-id'] }
}, 30_000)

/** A fresh snapshot-dir holding `count` real snapshots at ids idAt(0..count-1). */
function catalogueOf(count: number): string {
  const dir = path.join(tempDir('cg-prune-'), 'snapshots')
  fs.mkdirSync(dir)
  for (const name of fs.readdirSync(template.dir))
    if (name.startsWith('snapshot-'))
      fs.copyFileSync(path.join(template.dir, name), path.join(dir, name))
  for (let i = 0; i < count; i++) cloneSnapshot(dir, template.id, idAt(i))
  // the template itself is not part of the generated catalogue
  for (const name of fs.readdirSync(dir))
    if (name.includes(template.id)) fs.rmSync(path.join(dir, name))
  return dir
}

const LATEST = 'latest-manifest.json'
/** Points latest-manifest.json at snapshot `i`, as create-snapshot leaves it. */
function setLatest(dir: string, i: number): void {
  fs.copyFileSync(path.join(dir, `snapshot-${idAt(i)}.json`), path.join(dir, LATEST))
}

const FOREIGN = [
  'notes.txt',
  'snapshot-latest.tar.zst.age',
  `snapshot-${idAt(0)}.tar.zst.age.bak`,
  `snapshot-${idAt(0)}.json.old`,
  'snapshot-2026120T050000Z.json',
  'Snapshot-20261203T050000Z.tar.age',
  `.snapshot-${idAt(1)}.tar.zst.age.tmp-1-deadbeef`
]

describe('keep-last pruning', () => {
  it('keeps the newest N, the one just verified, the latest, orphans and foreign names; removes file and manifest of the rest', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 7 }),
        fc.nat(),
        fc.nat(),
        fc.subarray([0, 1, 2, 3, 4, 5]),
        (count, keep, verifiedSeed, latestSeed, orphanAt) => {
          const dir = catalogueOf(count)
          const verified = verifiedSeed % count
          const latest = latestSeed % count
          setLatest(dir, latest)
          for (const name of FOREIGN) fs.writeFileSync(path.join(dir, name), 'not ours')
          // orphans: snapshot files of other ids, with no manifest
          const orphans = orphanAt.map((i) => `snapshot-${idAt(100 + i)}.tar.gz.age`)
          for (const name of orphans) fs.writeFileSync(path.join(dir, name), 'orphan bytes')
          const sizes = new Map(names(dir).map((n) => [n, fs.statSync(path.join(dir, n)).size]))

          const { pruned, catalogue } = pruneSnapshots(
            dir,
            path.join(dir, LATEST),
            keep,
            new Set([`snapshot-${idAt(verified)}.tar.zst.age`])
          )
          const newest = new Set(Array.from({ length: count }, (_, i) => i).slice(-keep))
          const kept = Array.from({ length: count }, (_, i) => i).filter(
            (i) => newest.has(i) || i === verified || i === latest
          )
          const gone = Array.from({ length: count }, (_, i) => i).filter((i) => !kept.includes(i))
          const expected = [
            ...kept.flatMap((i) => [`snapshot-${idAt(i)}.json`, `snapshot-${idAt(i)}.tar.zst.age`]),
            ...FOREIGN,
            ...orphans,
            LATEST
          ].sort()
          expect(names(dir)).toEqual(expected)
          expect(pruned.map((p) => p.id).sort()).toEqual(gone.map(idAt).sort())
          for (const p of pruned)
            expect(p.freedBytes).toBe(sizes.get(p.file)! + sizes.get(p.manifest)!)
          expect(catalogue.entries.filter(usable).map((e) => e.id)).toEqual(
            kept.map(idAt).reverse()
          )
          expect(
            catalogue.entries
              .filter((e) => e.orphan)
              .map((e) => e.file)
              .sort()
          ).toEqual([...orphans].sort())
        }
      ),
      { numRuns: 40 }
    )
  })

  it('keep-last 0 prunes nothing', () => {
    const dir = catalogueOf(4)
    const before = names(dir)
    expect(pruneSnapshots(dir, path.join(dir, LATEST), 0, new Set()).pruned).toEqual([])
    expect(names(dir)).toEqual(before)
  })

  it('never prunes a damaged entry: bad JSON, a schema failure, a size unlike the manifest, a manifest naming another id', () => {
    const damage: [string, (dir: string, id: string) => void, RegExp][] = [
      [
        'bad JSON',
        (d, id) => fs.writeFileSync(path.join(d, `snapshot-${id}.json`), '{'),
        /not valid JSON/
      ],
      [
        'schema',
        (d, id) => fs.writeFileSync(path.join(d, `snapshot-${id}.json`), '{"version":2}'),
        /fails the schema/
      ],
      [
        'size',
        (d, id) => fs.appendFileSync(path.join(d, `snapshot-${id}.tar.zst.age`), 'x'),
        /bytes, the manifest says/
      ],
      [
        'other id',
        (d, id) => {
          const m = JSON.parse(fs.readFileSync(path.join(d, `snapshot-${id}.json`), 'utf8'))
          m.snapshot.path = `snapshot-${idAt(3)}.tar.zst.age`
          fs.writeFileSync(path.join(d, `snapshot-${id}.json`), JSON.stringify(m))
        },
        /not a snapshot of id/
      ],
      [
        'a link under the snapshot name',
        (d, id) => {
          const file = path.join(d, `snapshot-${id}.tar.zst.age`)
          fs.renameSync(file, `${file}.real`)
          fs.symlinkSync(`${file}.real`, file)
        },
        /not a regular file/
      ],
      [
        'a folder under the snapshot name',
        (d, id) => {
          const file = path.join(d, `snapshot-${id}.tar.zst.age`)
          fs.rmSync(file)
          fs.mkdirSync(file)
        },
        /not a regular file/
      ]
    ]
    for (const [, hurt, problem] of damage) {
      const dir = catalogueOf(4)
      hurt(dir, idAt(0))
      const entry = readCatalogue(dir).entries.find((e) => e.id === idAt(0))!
      expect(entry.problem).toMatch(problem)
      pruneSnapshots(dir, path.join(dir, LATEST), 1, new Set())
      expect(names(dir)).toContain(`snapshot-${idAt(0)}.json`)
      expect(names(dir)).toContain(`snapshot-${idAt(0)}.tar.zst.age`)
      expect(() =>
        resolveSnapshot({ snapshot: idAt(0), snapshotDir: dir, manifestPath: '' })
      ).toThrow(NoGoError)
    }
  })

  it('a manifest whose snapshot file is missing (moved away, or a prune killed between its unlinks) is listed as missing and never deleted, whatever keep-last', () => {
    for (const count of [2, 3, 5]) {
      for (let missing = 0; missing < count - 1; missing++) {
        for (const keep of [1, count - 1, count]) {
          const dir = catalogueOf(count)
          setLatest(dir, count - 1)
          fs.renameSync(
            path.join(dir, `snapshot-${idAt(missing)}.tar.zst.age`),
            path.join(tempDir('cg-moved-'), 'moved-away.age')
          )
          const entry = readCatalogue(dir, path.join(dir, LATEST)).entries.find(
            (e) => e.id === idAt(missing)
          )!
          expect(entry).toMatchObject({ orphan: false, size: 0 })
          expect(entry.problem).toMatch(/snapshot file is missing/)
          expect(() =>
            resolveSnapshot({ snapshot: idAt(missing), snapshotDir: dir, manifestPath: '' })
          ).toThrow(new RegExp(`${idAt(missing)} cannot be used: snapshot file is missing`))
          // the others stay usable through it
          const other = (missing + 1) % count
          expect(
            resolveSnapshot({ snapshot: idAt(other), snapshotDir: dir, manifestPath: '' })
          ).toBe(path.join(dir, `snapshot-${idAt(other)}.json`))

          const { pruned, catalogue } = pruneSnapshots(dir, path.join(dir, LATEST), keep, new Set())
          expect(pruned.map((p) => p.id)).not.toContain(idAt(missing))
          expect(names(dir)).toContain(`snapshot-${idAt(missing)}.json`)
          expect(catalogue.entries.find((e) => e.id === idAt(missing))?.problem ?? 'gone').toMatch(
            /snapshot file is missing/
          )
        }
      }
    }
  })
})

describe('keep-last against readers’ claims (generated catalogues)', () => {
  let live: ChildProcess
  let liveTag: string
  let deadTag: string
  const tagOf = (pid: number): string => {
    const id = identityOf(pid)!
    return `${id.pid}-${id.startTime}-${bootPrefix(id.bootId)}`
  }
  beforeAll(async () => {
    live = spawn('sleep', ['600'])
    liveTag = tagOf(live.pid!)
    const dead = spawn('sleep', ['600'])
    deadTag = tagOf(dead.pid!)
    dead.kill('SIGKILL')
    await new Promise((resolve) => dead.on('close', resolve))
  })
  afterAll(() => live.kill('SIGKILL'))

  it('prunes exactly the unclaimed usable snapshots beyond keep-last; keeps claimed ones (listed as such), missing-file manifests, and drops dead readers’ claims', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 7 }),
        fc.nat(),
        fc.nat(),
        fc.subarray([0, 1, 2, 3, 4, 5]),
        fc.subarray([0, 1, 2, 3, 4, 5]),
        fc.subarray([0, 1, 2, 3, 4, 5]),
        (count, keep, verifiedSeed, latestSeed, missingAt, liveAt, deadAt) => {
          const dir = catalogueOf(count)
          const all = Array.from({ length: count }, (_, i) => i)
          const file = (i: number) => `snapshot-${idAt(i)}.tar.zst.age`
          const verified = verifiedSeed % count
          const latest = latestSeed % count
          setLatest(dir, latest)
          const missing = all.filter((i) => missingAt.includes(i))
          for (const i of missing) fs.rmSync(path.join(dir, file(i)))
          const claim = (i: number, tag: string, n: number) =>
            `.${file(i)}.claim-${tag}-${n.toString(16).padStart(8, '0')}`
          const liveClaims = all.filter((i) => liveAt.includes(i)).map((i) => claim(i, liveTag, i))
          const deadClaims = all.filter((i) => deadAt.includes(i)).map((i) => claim(i, deadTag, i))
          for (const name of [...liveClaims, ...deadClaims])
            fs.writeFileSync(path.join(dir, name), '')

          const { pruned, kept } = pruneSnapshots(
            dir,
            path.join(dir, LATEST),
            keep,
            new Set([file(verified)])
          )
          const beyond = all
            .filter((i) => !missing.includes(i))
            .reverse()
            .slice(keep)
            .filter((i) => i !== latest && i !== verified)
          const claimed = beyond.filter((i) => liveAt.includes(i))
          const gone = beyond.filter((i) => !liveAt.includes(i))
          expect(pruned.map((p) => p.id).sort()).toEqual(gone.map(idAt).sort())
          expect(kept.map((k) => [k.id, k.reason]).sort()).toEqual(
            claimed.map((i) => [idAt(i), 'claimed']).sort()
          )
          const stay = all.filter((i) => !gone.includes(i))
          expect(names(dir)).toEqual(
            [
              ...stay.map((i) => `snapshot-${idAt(i)}.json`),
              ...stay.filter((i) => !missing.includes(i)).map(file),
              ...liveClaims,
              LATEST
            ].sort()
          )
        }
      ),
      { numRuns: 60 }
    )
  })
})
