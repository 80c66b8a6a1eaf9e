import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { compareIndexes } from '../src/restore/compare-index.js'
import { extractSnapshotTar, type ExtractResult } from '../src/restore/extract.js'
import { INDEX_PATH, indexLine, type IndexEntry } from '../src/format/index-format.js'
import { removeTree } from '../src/util/remove-tree.js'

const MTIME = 1_600_000_000.75
const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b))

/** A tree with every shape a snapshot holds; returns the include roots, sorted. */
function buildTree(root: string): string[] {
  const put = (rel: string, content: string | Buffer, mode = 0o644): void => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
    fs.writeFileSync(path.join(root, rel), content)
    fs.chmodSync(path.join(root, rel), mode)
  }
  put('state/a.txt', 'hello\n')
  put('state/empty', '')
  put('state/run.sh', '#!/bin/sh\necho hi\n', 0o755)
  put('state/secret', 'top secret', 0o600)
  put('state/big.bin', randomBytes(300_000))
  put('state/é日本 ü/données.json', '{"a":1}\n')
  put(`state/${'n'.repeat(120)}.txt`, 'long name')
  put(`state/long/${'x'.repeat(60)}/${'y'.repeat(60)}/file.txt`, 'deep')
  put('state/back\\slash and space', 'b')
  put('state/🙂.txt', 'smile')
  put('state/B', 'upper')
  put('state/z', 'z')
  put('state/é', 'e acute sorts after z by bytes')
  put('state/ro/inside.txt', 'read only', 0o444)
  put('state/sub/keep', 'k')
  put('reports/private/x.md', '# private\n')
  fs.mkdirSync(path.join(root, 'state/emptydir'), { mode: 0o700 })
  fs.symlinkSync('a.txt', path.join(root, 'state/link-rel'))
  fs.symlinkSync('../a.txt', path.join(root, 'state/sub/up'))
  fs.symlinkSync('t'.repeat(150), path.join(root, 'state/long-target'))
  fs.symlinkSync('é日本 ü', path.join(root, 'state/dirlink'))
  fs.symlinkSync('loop2', path.join(root, 'state/loop1'))
  fs.symlinkSync('loop1', path.join(root, 'state/loop2'))
  fs.chmodSync(path.join(root, 'state/ro'), 0o555)
  setTimes(path.join(root, 'state'))
  setTimes(path.join(root, 'reports'))
  return ['reports/private', 'state']
}

/** Fixed mtimes (with a fraction GNU tar puts in pax records) on everything but links. */
function setTimes(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) setTimes(full)
    else if (entry.isFile()) fs.utimesSync(full, MTIME, MTIME)
  }
  fs.utimesSync(dir, MTIME, MTIME)
}

/** The index the snapshot writer would compute: depth-first, children by UTF-8 bytes. */
function indexOf(root: string, rel: string, out: IndexEntry[]): IndexEntry[] {
  const full = path.join(root, rel)
  const stat = fs.lstatSync(full)
  if (stat.isSymbolicLink()) {
    out.push({ path: rel, type: 'symlink', mode: 0o777, target: fs.readlinkSync(full) })
  } else if (stat.isDirectory()) {
    out.push({ path: rel, type: 'dir', mode: stat.mode & 0o7777 })
    for (const name of fs.readdirSync(full).sort(byBytes)) indexOf(root, `${rel}/${name}`, out)
  } else {
    const bytes = fs.readFileSync(full)
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    out.push({ path: rel, type: 'file', mode: stat.mode & 0o7777, size: bytes.length, sha256 })
  }
  return out
}

let base: string
let source: string
let includes: string[]
let expected: IndexEntry[]
let indexBytes: Buffer
let archive: Buffer

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-gnutar-'))
  source = path.join(base, 'source')
  includes = buildTree(source)
  expected = includes.flatMap((include) => indexOf(source, include, []))
  indexBytes = Buffer.from(expected.map((e) => `${indexLine(e)}\n`).join(''), 'utf8')
  fs.mkdirSync(path.join(source, '.cutover-gate'))
  fs.writeFileSync(path.join(source, INDEX_PATH), indexBytes)
  archive = execFileSync(
    'tar',
    ['--format=posix', '--sort=name', '-cf', '-', '-C', source, ...includes, INDEX_PATH],
    { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }
  )
})

afterAll(() => removeTree(base))

/** Checks every restored entry against its source on disk: bytes, modes, targets, mtimes. */
function expectSameTree(dest: string): void {
  for (const item of expected) {
    const from = path.join(source, item.path)
    const to = path.join(dest, item.path)
    const stat = fs.lstatSync(to)
    if (item.type === 'symlink') {
      expect(stat.isSymbolicLink()).toBe(true)
      expect(fs.readlinkSync(to)).toBe(fs.readlinkSync(from))
      continue
    }
    expect(stat.mode & 0o7777).toBe(fs.lstatSync(from).mode & 0o7777)
    expect(stat.mtimeMs).toBe(Math.floor(MTIME) * 1000)
    if (item.type === 'file') expect(fs.readFileSync(to).equals(fs.readFileSync(from))).toBe(true)
    else expect(stat.isDirectory()).toBe(true)
  }
}

async function* whole(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes
}

describe('extractSnapshotTar on a GNU tar --format=posix archive', () => {
  const check = (result: ExtractResult, dest: string): void => {
    expect(result.observedIndex.bytes().toString('utf8')).toBe(indexBytes.toString('utf8'))
    expect(result.archivedIndex.bytes().equals(indexBytes)).toBe(true)
    expect(compareIndexes(result.archivedIndex.bytes(), result.observedIndex.bytes())).toEqual([])
    expect(result.entries).toBe(expected.length)
    expect(result.files).toBe(expected.filter((e) => e.type === 'file').length)
    expect(result.bytes).toBe(
      expected.reduce((sum, e) => sum + (e.type === 'file' ? e.size : 0), 0)
    )
    expectSameTree(dest)
    // the include's missing parent is implied as a plain folder; the index is never written
    expect(fs.readdirSync(dest).sort()).toEqual(['reports', 'state'])
    expect(fs.statSync(path.join(dest, 'reports')).mode & 0o7777).toBe(0o755)
  }

  it('uses pax headers for the long and unicode names (the cases under test)', () => {
    const text = archive.toString('latin1')
    expect(text).toContain(`path=state/${'n'.repeat(120)}.txt`)
    expect(text).toContain(`linkpath=${'t'.repeat(150)}`)
  })

  it('restores every entry byte for byte, with modes, link targets and mtimes', async () => {
    const dest = fs.mkdtempSync(path.join(base, 'dest-'))
    check(await extractSnapshotTar(whole(archive), dest), dest)
  })

  it('gives the same result from a file stream in odd-sized chunks', async () => {
    const file = path.join(base, 'archive.tar')
    fs.writeFileSync(file, archive)
    const dest = fs.mkdtempSync(path.join(base, 'dest-'))
    const progress: number[] = []
    const result = await extractSnapshotTar(
      fs.createReadStream(file, { highWaterMark: 777 }),
      dest,
      {
        onProgress: (p) => progress.push(p.entries)
      }
    )
    check(result, dest)
    expect(progress.at(-1)).toBe(expected.length)
    expect(progress.length).toBeGreaterThan(10)
  })

  it('names what differs when a restored file is not what the index says', async () => {
    const tampered = Buffer.from(
      indexBytes
        .toString('utf8')
        .replace(
          '"path":"state/run.sh","type":"file","mode":493',
          '"path":"state/run.sh","type":"file","mode":420'
        )
    )
    const dest = fs.mkdtempSync(path.join(base, 'dest-'))
    const result = await extractSnapshotTar(whole(archive), dest)
    expect(compareIndexes(tampered, result.observedIndex.bytes())).toEqual([
      'entry "state/run.sh" differs: mode 0o755 in the archive, 0o644 in the index'
    ])
  })
})
