import { mkdir } from 'node:fs/promises'
import { makeMarkedFolder, releaseFolder, sweepDeadLeftovers } from '../runtime/leftover-marker.js'

/** Every package folder is `<tempDir>/cutover-gate-package-XXXXXX`. */
export const PACKAGE_PREFIX = 'cutover-gate-package-'

/**
 * Creates a fresh, empty package folder under tempDir, claimed by this process (a marker beside it
 * names us), after removing the packages of runs proven dead. One marker per folder, not a shared
 * list, so runs sharing a temp folder never race.
 */
export async function createPackageDir(tempDir: string): Promise<string> {
  await mkdir(tempDir, { recursive: true })
  cleanupLeftoverPackages(tempDir)
  return makeMarkedFolder(tempDir, PACKAGE_PREFIX)
}

/** Removes a package folder and then its marker. */
export async function removePackageDir(dir: string): Promise<void> {
  releaseFolder(dir)
}

/** Removes the package folders of dead runs (cancelled, killed); returns the ones removed. */
export function cleanupLeftoverPackages(tempDir: string): string[] {
  return sweepDeadLeftovers(tempDir, PACKAGE_PREFIX)
}
