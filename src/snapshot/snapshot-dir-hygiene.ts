import path from 'node:path'
import type { Config } from '../config/config.js'
import { git } from '../util/git-output.js'

/**
 * Runbook hygiene: snapshots and manifests must never be committed. Warns when git tracks the
 * snapshot-dir or would pick new files in it up. Never rejects: it runs beside the snapshot.
 */
export async function snapshotDirWarnings(
  config: Pick<Config, 'repo' | 'snapshotDir'>
): Promise<string[]> {
  const rel = path.relative(config.repo, config.snapshotDir)
  if (rel.startsWith('..') || path.isAbsolute(rel)) return []
  if (!(await git(config.repo, ['rev-parse', '--is-inside-work-tree'])).ok) return []
  const warnings: string[] = []
  const tracked = (await git(config.repo, ['ls-files', '--', rel])).out.trim()
  if (tracked !== '') {
    warnings.push(
      `git tracks files in snapshot-dir ${rel}; snapshots must never be committed: git rm --cached them and add ${rel}/ to .gitignore`
    )
  } else if (!(await git(config.repo, ['check-ignore', '-q', '--', `${rel}/probe`])).ok) {
    warnings.push(
      `snapshot-dir ${rel} is not in .gitignore; add ${rel}/ so snapshots are never committed`
    )
  }
  return warnings
}
