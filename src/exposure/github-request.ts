import type { Door } from '../config/door.js'
import type { SurfaceRequest } from './github-surface.js'

/** The GitHub read the exposure audit may do, or why it does not. */
export type GithubAccess = SurfaceRequest | { reason: string }

/** The variable @actions/core reads the github-token input from. */
export const GITHUB_TOKEN_INPUT = 'INPUT_GITHUB-TOKEN'

/**
 * Whether and how the GitHub surface is read: only by the action, with its github-token (masked
 * by the door; never in a child's environment, see secret-names), for GITHUB_REPOSITORY at
 * GITHUB_API_URL. Otherwise why it is not checked, said in the report.
 */
export function githubRequestOf(
  env: NodeJS.ProcessEnv,
  door: Door,
  artifactName: string
): GithubAccess {
  if (door !== 'action') {
    return {
      reason:
        'not checked: the CLI does not read GitHub; the action does, with its github-token input'
    }
  }
  const token = (env[GITHUB_TOKEN_INPUT] ?? '').trim()
  if (token === '') return { reason: 'not checked: github-token is empty' }
  const repository = env.GITHUB_REPOSITORY ?? ''
  if (repository === '') return { reason: 'not checked: GITHUB_REPOSITORY is not set' }
  return { token, repository, apiUrl: env.GITHUB_API_URL ?? '', artifactName }
}
