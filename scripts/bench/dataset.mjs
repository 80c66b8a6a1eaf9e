// Builds the bench repositories: the runbook's includes filled with logs, exports, blobs, reports.
import { closeSync, mkdirSync, openSync, symlinkSync, writeFileSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { jsonl, random, rng } from './data.mjs'

export const INCLUDES = ['state', 'exports', 'reports/private', 'logs']

const MiB = 1024 * 1024
const PIECE = 4 * MiB

class Tree {
  constructor(root) {
    this.root = root
    this.bytes = 0
    this.files = 0
  }

  /** Writes `size` bytes made by `make(pieceSize, pieceIndex)`, piece by piece (flat memory). */
  file(path, size, make) {
    const full = join(this.root, path)
    mkdirSync(dirname(full), { recursive: true })
    const fd = openSync(full, 'w')
    try {
      for (let at = 0, i = 0; at < size; at += PIECE, i++)
        writeSync(fd, make(Math.min(PIECE, size - at), i))
    } finally {
      closeSync(fd)
    }
    this.bytes += size
    this.files++
  }

  small(path, content) {
    const full = join(this.root, path)
    mkdirSync(dirname(full), { recursive: true })
    writeFileSync(full, content)
    this.bytes += content.length
    this.files++
  }
}

/** Splits `total` bytes into files of `min`..`max` bytes (random sizes, seeded). */
function sizes(total, min, max, r) {
  const out = []
  for (let left = total; left > 0;) {
    const n = Math.min(left, Math.max(min, Math.floor(min + r() * (max - min))))
    out.push(n)
    left -= n
  }
  return out
}

const day = (i) => new Date(Date.UTC(2026, 9, 1) + i * 86400000).toISOString().slice(0, 10)

/**
 * A repository of about `size` bytes: ~45% JSONL logs, ~15% JSONL exports, ~38% random blobs
 * (a graph store's segments), ~2% small files (one per 64 KiB of data, 1–4 KiB each), an empty
 * folder and a symlink. Same seed, same tree.
 */
export function buildMixed(root, size, seed = 1) {
  const r = rng(seed)
  const tree = new Tree(root)
  const smallCount = Math.min(50000, Math.max(200, Math.round(size / (64 * 1024))))
  for (let i = 0; i < smallCount; i++) {
    const body = jsonl(1024 + Math.floor(r() * 3072), seed * 100003 + i)
    if (i % 2 === 0) tree.small(`reports/private/${day(i % 60).slice(0, 7)}/report-${i}.json`, body)
    else tree.small(`state/meta/${String(i % 97).padStart(2, '0')}/entity-${i}.json`, body)
  }
  const rest = Math.max(0, size - tree.bytes)
  sizes(Math.round(rest * 0.46), 4 * MiB, 16 * MiB, r).forEach((n, i) =>
    tree.file(`logs/${i % 3 === 0 ? 'audit' : 'app'}/${day(i)}.jsonl`, n, (m, p) =>
      jsonl(m, seed * 7 + i * 997 + p)
    )
  )
  sizes(Math.round(rest * 0.15), 1 * MiB, 8 * MiB, r).forEach((n, i) =>
    tree.file(
      `exports/graph/${i % 2 ? 'edges' : 'nodes'}-${String(i).padStart(4, '0')}.jsonl`,
      n,
      (m, p) => jsonl(m, seed * 13 + i * 991 + p)
    )
  )
  const blobs = sizes(
    Math.max(0, rest - Math.round(rest * 0.46) - Math.round(rest * 0.15)),
    MiB,
    16 * MiB,
    r
  )
  blobs.forEach((n, i) =>
    tree.file(`state/graph/segment-${String(i).padStart(4, '0')}.bin`, n, (m) => random(m))
  )
  mkdirSync(join(root, 'state/empty'), { recursive: true })
  if (blobs.length > 0) symlinkSync('graph/segment-0000.bin', join(root, 'state/current'))
  return { root, bytes: tree.bytes, files: tree.files }
}

/** `count` files of 200 bytes under state/many (1,000 per folder), and a file in each include. */
export function buildManyFiles(root, count, seed = 2) {
  const tree = new Tree(root)
  const text = jsonl(200 * 1000, seed)
  for (let i = 0; i < count; i++) {
    const at = (i % 999) * 200
    tree.small(
      `state/many/${String(Math.floor(i / 1000)).padStart(4, '0')}/f${i}.json`,
      text.subarray(at, at + 200)
    )
  }
  for (const include of INCLUDES.slice(1))
    tree.small(`${include}/README.json`, text.subarray(0, 200))
  return { root, bytes: tree.bytes, files: tree.files }
}

/** One large file of incompressible bytes (plus the other includes), written piece by piece. */
export function buildBigFile(root, size, seed = 3) {
  const tree = new Tree(root)
  tree.file('state/big.bin', size, (n, i) => random(n, seed + i))
  for (const include of INCLUDES.slice(1)) tree.small(`${include}/README.json`, '{}\n')
  return { root, bytes: tree.bytes, files: tree.files }
}

/** `count` empty files under state/empty-files (1,000 per folder), and a file in each other include. */
export function buildEmptyFiles(root, count) {
  const tree = new Tree(root)
  for (let i = 0; i < count; i += 1000) {
    const dir = join(root, 'state/empty-files', String(i / 1000).padStart(4, '0'))
    mkdirSync(dir, { recursive: true })
    for (let j = i; j < Math.min(count, i + 1000); j++) closeSync(openSync(join(dir, `f${j}`), 'w'))
  }
  tree.files += count
  for (const include of INCLUDES.slice(1)) tree.small(`${include}/README.json`, '{}\n')
  return { root, bytes: tree.bytes, files: tree.files }
}
