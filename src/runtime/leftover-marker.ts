import fs from 'node:fs'
import path from 'node:path'
import { formatIdentity, liveness, parseIdentity, selfIdentity } from '../util/process-identity.js'
import { removeTree } from '../util/remove-tree.js'
import { registerPath, unregisterPath } from './cleanup-on-exit.js'
import { CAPS, readRegularFile } from '../util/read-regular-file.js'

/** Beside each folder we create while it exists: `<folder>.cleanup`, holding its creator's identity. */
export const MARKER_SUFFIX = '.cleanup'

/**
 * Claims a folder just created: the marker proves to a later run whose it is, and the folder is
 * removed on every exit path of this one (signals included).
 */
export function claimFolder(dir: string): void {
  registerPath(dir + MARKER_SUFFIX)
  registerPath(dir)
  fs.writeFileSync(dir + MARKER_SUFFIX, formatIdentity(selfIdentity()), { mode: 0o600 })
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

/** Removes the leftovers of dead runs under parent; returns the folders removed. */
export function sweepDeadLeftovers(parent: string, prefix: string): string[] {
  const dirs = deadLeftovers(parent, prefix)
  for (const dir of dirs) {
    removeTree(dir)
    fs.rmSync(dir + MARKER_SUFFIX, { force: true })
  }
  return dirs
}
