import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { formatIdentity, liveness, parseIdentity, selfIdentity } from '../util/process-identity.js'
import { removeTree } from '../util/remove-tree.js'
import { registerPath, unregisterPath } from './cleanup-on-exit.js'
import { CAPS, readRegularFile } from '../util/read-regular-file.js'
import { tempNameFor } from '../util/atomic-write.js'

/** Beside each folder we create while it exists: `<folder>.cleanup`, holding its creator's identity. */
export const MARKER_SUFFIX = '.cleanup'

/**
 * Makes a fresh folder `<parent>/<prefix>XXXXXX` claimed by this process: the marker appears whole
 * (a temp file that names its maker, then link(2), which never replaces) BEFORE the folder, so a
 * kill at any instant leaves either nothing, a temp the sweep proves dead, or a marker the sweep
 * reads. The folder is removed on every exit path of this run (signals included).
 */
export function makeMarkedFolder(parent: string, prefix: string, mode = 0o700): string {
  for (let attempt = 0; ; attempt++) {
    const dir = path.join(parent, `${prefix}${randomBytes(6).toString('base64url')}`)
    const marker = dir + MARKER_SUFFIX
    const temp = tempNameFor(marker)
    registerPath(temp)
    fs.writeFileSync(temp, formatIdentity(selfIdentity()), { mode: 0o600, flag: 'wx' })
    try {
      fs.linkSync(temp, marker)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 8) throw error
      continue
    } finally {
      fs.rmSync(temp, { force: true })
      unregisterPath(temp)
    }
    registerPath(marker)
    registerPath(dir)
    try {
      fs.mkdirSync(dir, mode)
    } catch (error) {
      fs.rmSync(marker, { force: true })
      unregisterPath(dir)
      unregisterPath(marker)
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 8) throw error
      continue
    }
    return dir
  }
}

/** Removes a claimed folder, then its marker (a crash between leaves the marker for the sweep). */
export function releaseFolder(dir: string): void {
  removeTree(dir)
  unregisterPath(dir)
  fs.rmSync(dir + MARKER_SUFFIX, { force: true })
  unregisterPath(dir + MARKER_SUFFIX)
}

/**
 * Folders named `<prefix>…` under parent whose marker proves their creator dead (a killed run).
 * A live run's folder, an unreadable marker or another host's is never named. The folder's path
 * comes from the marker's name, never its content, so nothing outside parent can be named.
 */
export function deadLeftovers(parent: string, prefix: string): string[] {
  let names: string[]
  try {
    names = fs.readdirSync(parent)
  } catch {
    return []
  }
  const dead: string[] = []
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(MARKER_SUFFIX)) continue
    let text: string
    try {
      text = readRegularFile(path.join(parent, name), CAPS.marker)
    } catch {
      continue
    }
    const identity = parseIdentity(text)
    if (identity && liveness(identity) === 'dead') {
      dead.push(path.join(parent, name.slice(0, -MARKER_SUFFIX.length)))
    }
  }
  return dead.sort()
}

/**
 * Beside a staging folder while its entries move up into its parent: the names being moved. A
 * killed move is rolled back by removing them from the parent (what was there was empty before).
 */
export const MOVE_JOURNAL_SUFFIX = '.moving'

const JournalSchema = z.array(
  z.string().refine((n) => n !== '' && n !== '.' && n !== '..' && !n.includes('/'))
)

function rollBackMove(dir: string): void {
  const journal = dir + MOVE_JOURNAL_SUFFIX
  let names: string[]
  try {
    const parsed = JournalSchema.safeParse(JSON.parse(readRegularFile(journal, CAPS.marker)))
    if (!parsed.success) return
    names = parsed.data
  } catch {
    return
  }
  for (const name of names) removeTree(path.join(path.dirname(dir), name))
  fs.rmSync(journal, { force: true })
}

/** Removes the leftovers of dead runs under parent; returns the folders removed. */
export function sweepDeadLeftovers(parent: string, prefix: string): string[] {
  const dirs = deadLeftovers(parent, prefix)
  for (const dir of dirs) {
    rollBackMove(dir)
    removeTree(dir)
    // the marker goes last: until then a later sweep still knows whose the rest was
    fs.rmSync(dir + MARKER_SUFFIX, { force: true })
  }
  return dirs
}
