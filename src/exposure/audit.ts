import { isGitWorkTree } from '../util/git-work-tree.js'
import { git } from '../util/git-output.js'
import { auditContent } from './content.js'
import { findingsOf, type ExposureAudit } from './exposure-model.js'
import { includeTreePaths } from './git-paths.js'
import { auditGithubSurface, type GithubSurface, type SurfaceRequest } from './github-surface.js'
import { auditHistory } from './history.js'
import { objectFormatOf } from './object-format.js'
import { headCommit, listRefs } from './refs.js'
import type { BlobIdTally } from '../hashing/blob-ids.js'

export interface ExposureOptions {
  repo: string
  includes: readonly string[]
  /** The GitHub read, or why it is not done (no token, the CLI). */
  github: SurfaceRequest | { reason: string }
  /** The blob ids of the files under the includes, if a snapshot just read them all. */
  blobIds?: BlobIdTally
}

/**
 * What making the repository public would publish of the includes: git's history and object
 * database, and GitHub's surface. Reads only; writes nothing; needs no secret.
 */
export async function auditExposure(options: ExposureOptions): Promise<ExposureAudit> {
  const includes = [...options.includes]
  const surface: Promise<GithubSurface> =
    'token' in options.github
      ? auditGithubSurface(options.github).catch((error: unknown) => ({
          checked: false as const,
          reason: `GitHub not read: ${(error as Error).message.split('\n')[0]}`
        }))
      : Promise.resolve({ checked: false as const, reason: options.github.reason })
  const parts: Omit<ExposureAudit, 'findings' | 'notes'> = {
    includes,
    git: {
      checked: false,
      reason: `${options.repo} is not in a git work tree: no history to publish`
    },
    github: { checked: false, reason: '' }
  }
  if (isGitWorkTree(options.repo)) {
    const format = await objectFormatOf(options.repo)
    const treePaths = await includeTreePaths(options.repo, includes)
    const refs = await listRefs(options.repo)
    const head = await headCommit(options.repo)
    const shallow = await git(options.repo, ['rev-parse', '--is-shallow-repository'])
    parts.git = {
      checked: true,
      objectFormat: format,
      shallow: shallow.ok && shallow.out.trim() === 'true'
    }
    const { history, blobsUnder } = await auditHistory(
      options.repo,
      includes,
      treePaths,
      refs,
      head,
      format
    )
    parts.history = history
    parts.content = await auditContent(
      options.repo,
      includes,
      treePaths,
      refs,
      format,
      blobsUnder,
      options.blobIds?.format === format ? options.blobIds : undefined
    )
  }
  parts.github = await surface
  return { ...parts, ...findingsOf(parts) }
}
