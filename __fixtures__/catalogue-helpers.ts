import fs from 'node:fs'
import path from 'node:path'
import { parseInputs } from '../src/config/inputs.js'
import type { RawInputs } from '../src/config/input-names.js'
import { runGate } from '../src/gate.js'
import { MemoryLogger } from './memory-logger.js'
import { tempDir } from './trees.js'
import { passphraseKeys } from './passphrase-keys.js'

export const PASSPHRASE = 'catalogue passphrase ✓ 7'

/** The real gate on a real repo, with the test's inputs over a fast work factor. */
export async function gate(
  repo: string,
  inputs: RawInputs,
  passphrase = PASSPHRASE,
  afterParse: () => void = () => {}
) {
  const config = parseInputs(
    { repo, include: 'state', 'scrypt-work-factor': '10', ...inputs },
    { cwd: repo, tempDir: tempDir('cg-cat-run-') }
  )
  afterParse()
  return runGate(config, passphraseKeys(passphrase), new MemoryLogger(), {})
}

/** An id `seconds` after a fixed base, as utcStamp writes it. */
export function idAt(seconds: number): string {
  return new Date(Date.UTC(2026, 11, 3, 5, 0, 0) + seconds * 1000)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z')
}

/**
 * Clones one real snapshot of `dir` under other ids: the same bytes under a new name, and a
 * manifest that names it (so each clone restore-tests like the original).
 */
export function cloneSnapshot(dir: string, sourceId: string, id: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, `snapshot-${sourceId}.json`), 'utf8'))
  const name = (manifest.snapshot.path as string).replace(sourceId, id)
  fs.copyFileSync(path.join(dir, manifest.snapshot.path), path.join(dir, name))
  manifest.snapshot.path = name
  fs.writeFileSync(path.join(dir, `snapshot-${id}.json`), JSON.stringify(manifest))
}

export function names(dir: string): string[] {
  return fs.readdirSync(dir).sort()
}
