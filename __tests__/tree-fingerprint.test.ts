// The includes' fingerprint (src/util/tree-fingerprint.ts), held flat: what it says changed must
// be exactly what a plain map of name → description says, for generated trees and generated
// changes to them, and it must hold no object per entry.
import fc from 'fast-check'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  changedSince,
  fingerprintIncludes,
  fingerprintTotals,
  IncludeFingerprint
} from '../src/util/tree-fingerprint.js'

/** The reference: every entry's lstat description in a Map, compared entry by entry. */
function plainMap(repo: string, includes: string[]): Map<string, string> {
  const out = new Map<string, string>()
  const visit = (abs: Buffer, rel: string): void => {
    let stat: fs.BigIntStats
    try {
      stat = fs.lstatSync(abs, { bigint: true })
    } catch {
      out.set(rel, 'missing')
      return
    }
    const kind = stat.isSymbolicLink()
      ? `link->${fs.readlinkSync(abs, { encoding: 'buffer' }).toString('hex')}`
      : stat.isDirectory()
        ? 'dir'
        : stat.isFile()
          ? 'file'
          : 'other'
    out.set(rel, `${kind} ${stat.mode} ${stat.size} ${stat.ino} ${stat.mtimeNs} ${stat.ctimeNs}`)
    if (!stat.isDirectory()) return
    for (const name of fs.readdirSync(abs, { encoding: 'buffer' }))
      visit(Buffer.concat([abs, Buffer.from('/'), name]), `${rel}/${name.toString('latin1')}`)
  }
  for (const include of includes) visit(Buffer.from(path.join(repo, include)), include)
  return out
}

function plainChanges(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed = new Set<string>()
  for (const [rel, what] of before) if (after.get(rel) !== what) changed.add(rel)
  for (const rel of after.keys()) if (!before.has(rel)) changed.add(rel)
  return [...changed]
    .sort()
    .map((rel) => JSON.stringify(Buffer.from(rel, 'latin1').toString('utf8')).slice(1, -1))
}

/** Names as bytes: plain, with spaces, UTF-8, and bytes that are not UTF-8 ('.' and '..' are not names). */
const nameBytes = fc
  .oneof(
    fc.stringMatching(/^[a-z0-9._-]{1,12}$/).map((s) => Buffer.from(s)),
    fc.constantFrom('a b', 'é', '日本', 'x\ty').map((s) => Buffer.from(s)),
    fc
      .uint8Array({ minLength: 1, maxLength: 6 })
      .map((b) => Buffer.from(b.map((c) => (c === 0 || c === 0x2f ? 0x80 : c))))
  )
  .filter((b) => b.toString('latin1') !== '.' && b.toString('latin1') !== '..')

type Change = 'add' | 'remove' | 'write' | 'chmod' | 'relink' | 'mkdir' | 'rmdir' | 'none'
const changes = fc.array(
  fc.record({
    kind: fc.constantFrom<Change>(
      'add',
      'remove',
      'write',
      'chmod',
      'relink',
      'mkdir',
      'rmdir',
      'none'
    ),
    pick: fc.nat(),
    name: nameBytes
  }),
  { maxLength: 6 }
)

function filesUnder(dir: Buffer): Buffer[] {
  const out: Buffer[] = []
  for (const name of fs.readdirSync(dir, { encoding: 'buffer' })) {
    const full = Buffer.concat([dir, Buffer.from('/'), name])
    const stat = fs.lstatSync(full)
    if (stat.isDirectory()) out.push(full, ...filesUnder(full))
    else out.push(full)
  }
  return out
}

function apply(root: Buffer, change: { kind: Change; pick: number; name: Buffer }): void {
  const all = filesUnder(root)
  const target = all.length > 0 ? all[change.pick % all.length]! : undefined
  const fresh = Buffer.concat([root, Buffer.from('/'), change.name, Buffer.from('.new')])
  try {
    switch (change.kind) {
      case 'add':
        fs.writeFileSync(fresh, 'new')
        return
      case 'mkdir':
        fs.mkdirSync(fresh)
        return
      case 'remove':
        if (target && !fs.lstatSync(target).isDirectory()) fs.rmSync(target)
        return
      case 'rmdir':
        if (target && fs.lstatSync(target).isDirectory()) fs.rmSync(target, { recursive: true })
        return
      case 'write':
        if (target && fs.lstatSync(target).isFile()) fs.appendFileSync(target, 'more')
        return
      case 'chmod':
        if (target && !fs.lstatSync(target).isSymbolicLink()) fs.chmodSync(target, 0o640)
        return
      case 'relink':
        if (target && fs.lstatSync(target).isSymbolicLink()) {
          fs.rmSync(target)
          fs.symlinkSync('elsewhere', target)
        }
        return
      case 'none':
        return
    }
  } catch (error) {
    // a generated name the file system refuses (too long, already there) is no change at all
    if (!['EEXIST', 'ENAMETOOLONG', 'ENOENT'].includes((error as NodeJS.ErrnoException).code!))
      throw error
  }
}

it('says exactly what a plain map says changed, for generated trees and changes', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-fingerprint-'))
  let run = 0
  try {
    fc.assert(
      fc.property(fc.array(nameBytes, { minLength: 0, maxLength: 25 }), changes, (names, edits) => {
        const repo = path.join(base, String(run++))
        const root = Buffer.from(path.join(repo, 'state'))
        fs.mkdirSync(root, { recursive: true })
        names.forEach((name, i) => {
          const at = Buffer.concat([root, Buffer.from(`/${i % 3 === 0 ? 'd/' : ''}`), name])
          fs.mkdirSync(path.dirname(at.toString('latin1')), { recursive: true })
          try {
            if (i % 5 === 4) fs.symlinkSync(`t${i}`, at)
            else fs.writeFileSync(at, `${i}`)
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
          }
        })
        const includes = ['state', 'absent']
        const before = fingerprintIncludes(repo, includes)
        const reference = plainMap(repo, includes)
        for (const edit of edits) apply(root, edit)
        const expected = plainChanges(reference, plainMap(repo, includes))
        expect(changedSince(before, repo, includes)).toEqual(expected)
        if (edits.every((e) => e.kind === 'none')) expect(expected).toEqual([])
        fs.rmSync(repo, { recursive: true, force: true })
      }),
      { numRuns: 60 }
    )
  } finally {
    fs.rmSync(base, { recursive: true, force: true })
  }
})

it('counts the regular files and their bytes', () => {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-fingerprint-'))
  try {
    fs.mkdirSync(path.join(repo, 'state/sub'), { recursive: true })
    fs.writeFileSync(path.join(repo, 'state/a'), 'abc')
    fs.writeFileSync(path.join(repo, 'state/sub/b'), '12345')
    fs.symlinkSync('a', path.join(repo, 'state/link'))
    expect(fingerprintTotals(fingerprintIncludes(repo, ['state']))).toEqual({ count: 2, bytes: 8 })
  } finally {
    fs.rmSync(repo, { recursive: true, force: true })
  }
})

it('holds about 24 bytes plus the name per entry, whatever the count', () => {
  const fingerprint = new IncludeFingerprint()
  const n = 200_000
  let nameBytesTotal = 0
  for (let i = 0; i < n; i++) {
    const rel = `state/dir${i % 977}/file-${i}.jsonl`
    nameBytesTotal += rel.length
    fingerprint.add(rel, `file 33188 ${i} ${i * 7} 1700000000000000000 1700000000000000001`)
  }
  expect(fingerprint.size).toBe(n)
  // the arena and the arrays grow by doubling: at most twice what they hold
  expect(fingerprint.heldBytes).toBeLessThanOrEqual(2 * (nameBytesTotal + 32 * n))
  // every name is found again, and a changed description is told apart
  const changed = fingerprint.changedIn((onEntry) => {
    for (let i = 0; i < n; i++)
      onEntry(
        `state/dir${i % 977}/file-${i}.jsonl`,
        `file 33188 ${i} ${i * 7} 1700000000000000000 ${i === 4242 ? 'x' : '1700000000000000001'}`
      )
  })
  expect(changed).toEqual(['state/dir334/file-4242.jsonl'])
})
