import fs from 'node:fs'
import path from 'node:path'
import { NoGoError } from '../outcome/step-result.js'
import { privateName } from '../privacy/private-name.js'

export type WalkKind = 'file' | 'dir' | 'symlink'

export interface WalkEntry {
  /** POSIX path relative to repo: the archive name. */
  rel: string
  abs: string
  kind: WalkKind
  stat: fs.Stats
  /** Link target as stored on disk (symlinks only). */
  target?: string
}

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b))

/** Valid UTF-8 as itself, every other byte (and controls, and '\\') as \\xNN. */
export function showNameBytes(name: Buffer): string {
  let out = ''
  for (let at = 0; at < name.length;) {
    const lead = name[at]!
    const len = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 0
    const piece = name.subarray(at, at + len)
    if (len > 0 && piece.length === len && Buffer.from(piece.toString('utf8')).equals(piece)) {
      out += lead < 0x20 || lead === 0x5c || lead === 0x7f ? hex(lead) : piece.toString('utf8')
      at += len
    } else {
      out += hex(lead)
      at++
    }
  }
  return out
}

const hex = (byte: number): string => `\\x${byte.toString(16).padStart(2, '0')}`

function describeSpecial(stat: fs.Stats): string {
  if (stat.isSocket()) return 'socket'
  if (stat.isFIFO()) return 'fifo'
  if (stat.isCharacterDevice()) return 'character device'
  if (stat.isBlockDevice()) return 'block device'
  return 'special file'
}

/** A symlink is archived as a link; its target must resolve, lexically, inside the repository. */
function checkLinkTarget(repo: string, rel: string, target: string): void {
  if (path.isAbsolute(target)) {
    throw new NoGoError(
      `symlink ${privateName(rel)} has an absolute target (${privateName(target)}); a snapshot keeps only relative links inside the repository: make it relative or remove it`
    )
  }
  const outside = (from: string, to: string) => {
    const back = path.relative(from, to)
    return back.startsWith('..') || path.isAbsolute(back)
  }
  // lexically, and through other links too (s -> . then u -> s/../..): a restore checks both
  let real: string | undefined
  try {
    // realpath(3), not path.resolve: '..' must apply after each link is followed
    real = fs.realpathSync.native(`${path.join(repo, path.dirname(rel))}/${target}`)
  } catch {
    real = undefined
  }
  if (
    outside(repo, path.resolve(repo, path.dirname(rel), target)) ||
    (real !== undefined && outside(fs.realpathSync(repo), real))
  ) {
    throw new NoGoError(
      `symlink ${privateName(rel)} points outside the repository (-> ${privateName(target)}); remove it or point it inside before taking the snapshot`
    )
  }
}

/**
 * Depth-first walk of the include roots, children sorted by the bytes of their names, never
 * following symlinks. Special files are left out and reported through onSkip.
 */
export function* walkIncludes(
  repo: string,
  includes: readonly string[],
  onSkip: (message: string) => void
): Generator<WalkEntry> {
  for (const include of [...includes].sort(byBytes)) {
    const abs = path.join(repo, include)
    let stat: fs.Stats
    try {
      stat = fs.lstatSync(abs)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new NoGoError(
          `include ${include} is missing from ${repo}; create it, or remove it from the include input`
        )
      }
      throw error
    }
    yield* visit(repo, include, abs, stat, onSkip)
  }
}

function* visit(
  repo: string,
  rel: string,
  abs: string,
  stat: fs.Stats,
  onSkip: (message: string) => void
): Generator<WalkEntry> {
  if (stat.isSymbolicLink()) {
    const raw = fs.readlinkSync(abs, { encoding: 'buffer' })
    const target = raw.toString('utf8')
    // a target decoded with U+FFFD in it would restore as a different link
    if (!Buffer.from(target, 'utf8').equals(raw)) {
      throw new NoGoError(
        `symlink ${privateName(rel)} has a target that is not UTF-8 (${privateName(raw, showNameBytes(raw))}, shown with \\x escapes): point it at a UTF-8 name and rerun`
      )
    }
    checkLinkTarget(repo, rel, target)
    yield { rel, abs, kind: 'symlink', stat, target }
    return
  }
  if (stat.isFile()) {
    yield { rel, abs, kind: 'file', stat }
    return
  }
  if (!stat.isDirectory()) {
    onSkip(
      `left out ${privateName(rel)}: it is a ${describeSpecial(stat)}; a snapshot keeps only files, folders and symlinks`
    )
    return
  }
  yield { rel, abs, kind: 'dir', stat }
  let raw: Buffer[]
  try {
    raw = fs.readdirSync(abs, { encoding: 'buffer' })
  } catch (error) {
    throw new NoGoError(
      `cannot list folder ${privateName(rel)}: ${(error as NodeJS.ErrnoException).code ?? 'error'}; give the runner read access to it`
    )
  }
  // names travel as text (tar, index, report): one that does not survive utf8 would be merged or lost
  for (const name of raw) {
    if (!Buffer.from(name.toString('utf8'), 'utf8').equals(name)) {
      const full = Buffer.concat([Buffer.from(`${rel}/`), name])
      throw new NoGoError(
        `folder ${privateName(rel)} holds a name that is not UTF-8 (${privateName(full, showNameBytes(name))}, shown with \\x escapes): rename it to UTF-8 and rerun`
      )
    }
  }
  const names = raw.sort(Buffer.compare).map((name) => name.toString('utf8'))
  for (const name of names) {
    const childAbs = path.join(abs, name)
    const childRel = `${rel}/${name}`
    let childStat: fs.Stats
    try {
      childStat = fs.lstatSync(childAbs)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT') {
        throw new NoGoError(
          `${privateName(childRel)} vanished while the snapshot was being taken; stop writes to the repository and rerun`
        )
      }
      throw new NoGoError(
        `cannot look at ${privateName(childRel)}: ${code ?? 'error'}; give the runner read access to it`
      )
    }
    yield* visit(repo, childRel, childAbs, childStat, onSkip)
  }
}
