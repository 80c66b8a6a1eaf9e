import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'

/** Every package folder is `<tempDir>/cutover-gate-package-XXXXXX`. */
export const PACKAGE_PREFIX = 'cutover-gate-package-'
/** Beside each package folder while it exists: `<folder>.cleanup`, holding the folder's path. */
const MARKER_SUFFIX = '.cleanup'

/**
 * Creates a fresh, empty package folder under tempDir and leaves a marker beside it, so the
 * action's post step can remove the folder if the job is cancelled before the lane's own cleanup.
 * One marker per folder (not one shared list) so runs sharing a temp folder never race.
 */
export async function createPackageDir(tempDir: string): Promise<string> {
  await mkdir(tempDir, { recursive: true })
  const dir = await mkdtemp(path.join(tempDir, PACKAGE_PREFIX))
  await writeFile(dir + MARKER_SUFFIX, `${dir}\n`, { mode: 0o600 })
  return dir
}

/** Removes a package folder and then its marker. */
export async function removePackageDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 })
  await rm(dir + MARKER_SUFFIX, { force: true })
}

/**
 * Package folders of runs that did not clean up (cancelled, killed). The path is taken from the
 * marker's name, never from its content, so nothing outside tempDir can be named.
 */
export async function packageDirsToClean(tempDir: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(tempDir)
  } catch {
    return []
  }
  return names
    .filter((name) => name.startsWith(PACKAGE_PREFIX) && name.endsWith(MARKER_SUFFIX))
    .map((name) => path.join(tempDir, name.slice(0, -MARKER_SUFFIX.length)))
    .sort()
}

/** For the action's post step: removes every leftover package folder; returns the ones removed. */
export async function cleanupLeftoverPackages(tempDir: string): Promise<string[]> {
  const dirs = await packageDirsToClean(tempDir)
  for (const dir of dirs) await removePackageDir(dir)
  return dirs
}
