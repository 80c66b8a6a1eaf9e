import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { tempDir } from '../__fixtures__/trees.js'
import { claimSnapshot, sweepClaims } from '../src/catalogue/claims.js'
import { cleanupLeftoverStaging, STAGING_PREFIX } from '../src/restore/restore-into-target.js'
import { MARKER_SUFFIX, MOVE_JOURNAL_SUFFIX } from '../src/runtime/leftover-marker.js'
import { sweepLeftovers } from '../src/hygiene/sweep-leftovers.js'
import { tempNameFor } from '../src/util/atomic-write.js'
import { bootPrefix, formatIdentity, identityOf } from '../src/util/process-identity.js'

let live: ChildProcess
let deadPid: number
const idText = (pid: number) => formatIdentity(identityOf(pid)!)
const tagOf = (pid: number) => {
  const id = identityOf(pid)!
  return `${id.pid}-${id.startTime}-${bootPrefix(id.bootId)}`
}
let liveId: string
let deadId: string
let deadTag: string
let liveTag: string

beforeAll(async () => {
  live = spawn('sleep', ['600'])
  liveId = idText(live.pid!)
  liveTag = tagOf(live.pid!)
  const dead = spawn('sleep', ['600'])
  deadPid = dead.pid!
  deadId = idText(deadPid)
  deadTag = tagOf(deadPid)
  dead.kill('SIGKILL')
  await new Promise((resolve) => dead.on('close', resolve))
})
afterAll(() => live.kill('SIGKILL'))

const ROOTS = ['state', 'exports', 'logs', 'reports']

describe('a restore killed while moving its verified tree into the target', () => {
  it('is rolled back by the sweep when its maker is dead, and left alone while it lives', () => {
    fc.assert(
      fc.property(
        fc.subarray(ROOTS, { minLength: 1 }),
        fc.nat(),
        fc.boolean(),
        fc.boolean(),
        (names, movedSeed, makerDead, journalWritten) => {
          const target = path.join(tempDir('cg-move-'), 'target')
          fs.mkdirSync(target, 0o750)
          const staging = path.join(target, `${STAGING_PREFIX}abc123`)
          fs.mkdirSync(staging)
          fs.writeFileSync(staging + MARKER_SUFFIX, makerDead ? deadId : liveId)
          const moved = journalWritten ? names.slice(0, movedSeed % (names.length + 1)) : []
          for (const name of names) {
            const where = moved.includes(name) ? target : staging
            fs.mkdirSync(path.join(where, name, 'deep'), { recursive: true })
            fs.writeFileSync(path.join(where, name, 'deep', 'secret.txt'), 'plaintext')
          }
          if (journalWritten) fs.writeFileSync(staging + MOVE_JOURNAL_SUFFIX, JSON.stringify(names))
          const before = fs.readdirSync(target, { recursive: true }).sort()
          cleanupLeftoverStaging(target)
          if (makerDead) expect(fs.readdirSync(target)).toEqual([])
          else expect(fs.readdirSync(target, { recursive: true }).sort()).toEqual(before)
          expect(fs.statSync(target).mode & 0o7777).toBe(0o750)
        }
      ),
      { numRuns: 60 }
    )
  })

  it('a journal naming anything but plain names in the target removes nothing', () => {
    for (const bad of [['..'], ['../outside'], ['/etc'], ['a/b'], [''], ['.'], 'not a list', {}]) {
      const parent = tempDir('cg-move-')
      const target = path.join(parent, 'target')
      fs.mkdirSync(path.join(target, 'a', 'b'), { recursive: true })
      fs.writeFileSync(path.join(parent, 'outside'), 'the operator’s')
      const staging = path.join(target, `${STAGING_PREFIX}xyz`)
      fs.mkdirSync(staging)
      fs.writeFileSync(staging + MARKER_SUFFIX, deadId)
      fs.writeFileSync(staging + MOVE_JOURNAL_SUFFIX, JSON.stringify(bad))
      cleanupLeftoverStaging(target)
      expect(fs.existsSync(path.join(parent, 'outside'))).toBe(true)
      expect(fs.existsSync(path.join(target, 'a', 'b'))).toBe(true)
      expect(fs.existsSync(staging)).toBe(false)
    }
  })
})

describe('claims, prune tombstones and temps of dead makers', () => {
  it('dead readers’ claims go, live ones stay; a dead prune’s tombstone is put back if its manifest is there (never over a file), removed if the prune had committed', () => {
    const dir = tempDir('cg-claims-')
    const file = 'snapshot-20261203T050000Z.tar.zst.age'
    fs.writeFileSync(path.join(dir, 'snapshot-20261203T050000Z.json'), '{}')
    fs.writeFileSync(path.join(dir, 'snapshot-20261203T050001Z.tar.zst.age'), 'taken')
    fs.writeFileSync(path.join(dir, 'snapshot-20261203T050001Z.json'), '{}')
    const names = {
      deadClaim: `.${file}.claim-${deadTag}-00000001`,
      liveClaim: `.${file}.claim-${liveTag}-00000002`,
      deadTomb: `.${file}.pruning-${deadTag}-00000003`,
      liveTomb: `.snapshot-20261203T050002Z.tar.zst.age.pruning-${liveTag}-00000004`,
      takenTomb: `.snapshot-20261203T050001Z.tar.zst.age.pruning-${deadTag}-00000005`,
      committedTomb: `.snapshot-20261203T050003Z.tar.zst.age.pruning-${deadTag}-00000006`,
      foreign: `.${file}.claim-notatag`
    }
    for (const [kind, name] of Object.entries(names)) fs.writeFileSync(path.join(dir, name), kind)
    sweepClaims(dir)
    expect(fs.readdirSync(dir).sort()).toEqual(
      [
        file,
        'snapshot-20261203T050000Z.json',
        'snapshot-20261203T050001Z.tar.zst.age',
        'snapshot-20261203T050001Z.json',
        names.liveClaim,
        names.liveTomb,
        names.foreign
      ].sort()
    )
    expect(fs.readFileSync(path.join(dir, file), 'utf8')).toBe('deadTomb')
    expect(fs.readFileSync(path.join(dir, 'snapshot-20261203T050001Z.tar.zst.age'), 'utf8')).toBe(
      'taken'
    )
  })

  it('a reader that finds its snapshot held aside by a dead prune puts it back and reads it', async () => {
    const dir = tempDir('cg-claims-')
    const file = path.join(dir, 'snapshot-20261203T050000Z.tar.zst.age')
    fs.writeFileSync(path.join(dir, 'snapshot-20261203T050000Z.json'), '{}')
    fs.writeFileSync(path.join(dir, `.${path.basename(file)}.pruning-${deadTag}-0000000a`), 'x')
    const claim = await claimSnapshot(file)
    expect(fs.readFileSync(file, 'utf8')).toBe('x')
    expect(fs.readdirSync(dir).filter((n) => n.includes('.claim-'))).toHaveLength(1)
    claim.release()
    expect(fs.readdirSync(dir).sort()).toEqual([
      'snapshot-20261203T050000Z.json',
      path.basename(file)
    ])
    // the prune had committed (its manifest is gone): the reader finds no file, and no tombstone stays
    fs.rmSync(path.join(dir, 'snapshot-20261203T050000Z.json'))
    fs.renameSync(file, path.join(dir, `.${path.basename(file)}.pruning-${deadTag}-0000000b`))
    const late = await claimSnapshot(file)
    late.release()
    expect(fs.readdirSync(dir)).toEqual([])
  })

  it('the sweep removes temps whose writer is dead in every place, never a live writer’s or a foreign name', () => {
    const places = {
      tempDir: tempDir('cg-sw-'),
      snapshotDir: tempDir('cg-sw-'),
      manifestPath: path.join(tempDir('cg-sw-'), 'latest-manifest.json'),
      reportPath: path.join(tempDir('cg-sw-'), 'readiness.md'),
      restoreTarget: tempDir('cg-sw-')
    }
    const folders = [
      places.tempDir,
      places.snapshotDir,
      path.dirname(places.manifestPath),
      path.dirname(places.reportPath),
      places.restoreTarget
    ]
    for (const dir of folders) {
      const mine = path.basename(tempNameFor(path.join(dir, 'x.json')))
      // this process's own tag, rewritten to a dead and a live maker's
      const self = tagOf(process.pid)
      fs.writeFileSync(path.join(dir, mine.replace(self, deadTag)), 'partial')
      fs.writeFileSync(path.join(dir, mine.replace(self, liveTag)), 'partial')
      fs.writeFileSync(path.join(dir, '.x.json.tmp-notours'), 'foreign')
    }
    sweepLeftovers(places)
    for (const dir of folders) {
      const left = fs.readdirSync(dir)
      expect(left.filter((n) => n.includes(deadTag))).toEqual([])
      expect(left.filter((n) => n.includes(liveTag))).toHaveLength(1)
      expect(left).toContain('.x.json.tmp-notours')
    }
  })
})
