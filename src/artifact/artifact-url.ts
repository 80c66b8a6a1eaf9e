/**
 * The artifact's page as GitHub shows it (what actions/upload-artifact outputs as artifact-url):
 * @actions/artifact 6 returns only id, size and digest, so the URL is built from the run's env.
 * Empty when the run context is missing, since a wrong link is worse than none.
 */
export function artifactUrl(env: NodeJS.ProcessEnv, id: number): string {
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  const repository = env.GITHUB_REPOSITORY
  const runId = env.GITHUB_RUN_ID
  if (!repository || !runId) return ''
  return `${server}/${repository}/actions/runs/${runId}/artifacts/${id}`
}
