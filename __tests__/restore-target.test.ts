import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { gate } from '../__fixtures__/catalogue-helpers.js'
import { commitAll } from '../__fixtures__/example-repo.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { parseInputs } from '../src/config/inputs.js'

/** Everything below dir, names relative to it. */
const below = (dir: string): string[] =>
  fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).sort() : []

let repo: string
let ciphertext: string

beforeAll(async () => {
  repo = makeRepo()
  const made = await gate(repo, { mode: 'snapshot' })
  expect(made.report.decision).toBe('GO')
  ciphertext = made.report.evidence!.snapshotPath
}, 60_000)

describe('the operator’s target is the operator’s (issue 22 item 4)', () => {
  it('an existing empty target keeps its inode, owner, group and mode; the tree goes into it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0o700, 0o750, 0o770, 0o711, 0o755, 0o2770),
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        async (mode, uid, gid) => {
          const target = path.join(tempDir('cg-target-'), 'target')
          fs.mkdirSync(target)
          fs.chownSync(target, uid, gid)
          fs.chmodSync(target, mode)
          const before = fs.statSync(target)
          const restored = await gate(repo, { mode: 'restore', 'restore-target': target })
          expect(restored.report.decision).toBe('GO')
          const after = fs.statSync(target)
          expect([after.ino, after.uid, after.gid, after.mode]).toEqual([
            before.ino,
            before.uid,
            before.gid,
            before.mode
          ])
          expect(fs.readFileSync(path.join(target, 'state/graph/edges.jsonl'), 'utf8')).toBe(
            '{"from":1,"to":2}\n'
          )
          // nothing of ours inside or beside it
          expect(
            below(target).filter((n) => /cutover-gate|\.tmp-|\.moving|\.cleanup/.test(n))
          ).toEqual([])
          expect(fs.readdirSync(path.dirname(target))).toEqual(['target'])
        }
      ),
      { numRuns: 6 }
    )
  }, 120_000)

  it('a target that does not exist is made readable by its owner only', async () => {
    const target = path.join(tempDir('cg-target-'), 'a', 'b')
    const restored = await gate(repo, { mode: 'restore', 'restore-target': target })
    expect(restored.report.decision).toBe('GO')
    expect(fs.statSync(target).mode & 0o777).toBe(0o700)
  }, 30_000)

  it('an empty mount point is a valid target: restored into, still mounted, never removed', async () => {
    const target = path.join(tempDir('cg-mount-'), 'mnt')
    fs.mkdirSync(target)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m,mode=0710', 'tmpfs', target])
    try {
      const before = fs.statSync(target)
      expect(before.dev).not.toBe(fs.statSync(path.dirname(target)).dev)
      const restored = await gate(repo, { mode: 'restore', 'restore-target': target })
      expect([restored.report.decision, restored.report.reason ?? '']).toEqual(['GO', ''])
      const after = fs.statSync(target)
      expect([after.dev, after.ino, after.mode]).toEqual([before.dev, before.ino, before.mode])
      expect(below(target)).toContain('state/graph/nodes.jsonl')
    } finally {
      execFileSync('umount', [target])
    }
  }, 30_000)

  it('a failed restore leaves the target as it was (empty, same mode) and no plaintext inside or beside it', async () => {
    const size = fs.statSync(ciphertext).size
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: size - 1 }), async (offset) => {
        const r = makeRepo()
        const made = await gate(r, { mode: 'snapshot' })
        const file = made.report.evidence!.snapshotPath
        const bytes = fs.readFileSync(file)
        // this run's snapshot can be shorter than the one sized above: the offset wraps into it
        // (a write past a Buffer's end changes nothing, and the damage would not be there)
        const at = offset % bytes.length
        bytes[at] = bytes[at]! ^ 0x55
        fs.writeFileSync(file, bytes)
        // the manifest vouches for the damaged bytes, so only decryption or the index can say NO-GO
        const manifestPath = made.report.evidence!.manifestPath
        const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'))
        const { createHash } = await import('node:crypto')
        manifest.snapshot.sha256 = createHash('sha256').update(bytes).digest('hex')
        fs.writeFileSync(manifestPath, JSON.stringify(manifest))
        const parent = tempDir('cg-target-')
        const target = path.join(parent, 'target')
        fs.mkdirSync(target, 0o750)
        const before = fs.statSync(target)
        const restored = await gate(r, { mode: 'restore', 'restore-target': target })
        expect(restored.report.decision).toBe('NO-GO')
        const after = fs.statSync(target)
        expect([after.ino, after.mode]).toEqual([before.ino, before.mode])
        expect(below(parent)).toEqual(['target'])
      }),
      { numRuns: 5 }
    )
  }, 120_000)
})

describe('a restore-target inside a git work tree is refused unless git ignores it', () => {
  const work = commitAll(makeRepo())
  const judge = (target: string) => () =>
    parseInputs(
      { repo: work, mode: 'restore', 'restore-target': target },
      { cwd: work, tempDir: '/tmp/rt' }
    )

  it('generated names: refused untracked, accepted when a .gitignore rule covers them', () => {
    fc.assert(
      fc.property(
        fc
          .stringMatching(/^[a-z][a-z0-9_-]{0,8}$/)
          .filter((n) => !['state', 'exports', 'reports', 'logs', 'backup'].includes(n)),
        fc.constantFrom('', 'sub/', 'deep/er/'),
        fc.constantFrom('none', 'dir', 'name', 'anchored', 'glob', 'parent'),
        (name, under, rule) => {
          const rel = `${under}${name}`
          const rules: Record<string, string> = {
            none: '',
            dir: `${rel}/`,
            name: `${name}`,
            anchored: `/${rel}`,
            glob: `${rel}/*`,
            parent: under === '' ? '' : `/${under}`
          }
          fs.writeFileSync(path.join(work, '.gitignore'), `${rules[rule]}\n`)
          const ignored = rules[rule] !== ''
          if (ignored) expect(judge(rel)).not.toThrow()
          else expect(judge(rel)).toThrow(/^input restore-target: .*git work tree.*\.gitignore/)
          // the same names outside any work tree are the operator's choice
          expect(judge(path.join(tempDir('cg-out-'), rel))).not.toThrow()
        }
      ),
      { numRuns: 60 }
    )
    fs.rmSync(path.join(work, '.gitignore'), { force: true })
  })

  it('the work tree root itself is refused', () => {
    expect(judge('.')).toThrow(/restore-target/)
  })
})
