import { git } from '../util/git-output.js'

/** Where and for what the lane ran: what a reviewer needs to trust the report. */
export interface RunContext {
  repository?: string
  commit?: string
  ref?: string
  event?: string
  runUrl?: string
  runner?: string
  actor?: string
  workflow?: string
}

const nonEmpty = (value: string | undefined): string | undefined => (value ? value : undefined)

async function gitOut(dir: string, args: string[]): Promise<string | undefined> {
  const result = await git(dir, args)
  return result.ok ? nonEmpty(result.out.trim()) : undefined
}

/**
 * The run context from the Actions environment. Outside Actions (the CLI), commit and ref come
 * from git in `gitDir` when given: two quick local reads, run side by side, and nothing when git
 * is missing. Never rejects, so it can be started early and awaited when the report is built.
 */
export async function contextFromEnv(env: NodeJS.ProcessEnv, gitDir?: string): Promise<RunContext> {
  const context: RunContext = {
    repository: nonEmpty(env.GITHUB_REPOSITORY),
    commit: nonEmpty(env.GITHUB_SHA),
    ref: nonEmpty(env.GITHUB_REF),
    event: nonEmpty(env.GITHUB_EVENT_NAME),
    actor: nonEmpty(env.GITHUB_ACTOR),
    workflow: nonEmpty(env.GITHUB_WORKFLOW)
  }
  if (env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) {
    const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
    const attempt = env.GITHUB_RUN_ATTEMPT ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : ''
    context.runUrl = `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${attempt}`
  }
  const platform = [env.RUNNER_OS, env.RUNNER_ARCH].filter(Boolean).join('/')
  if (env.RUNNER_NAME || platform) {
    context.runner = [env.RUNNER_NAME, platform && `(${platform})`].filter(Boolean).join(' ')
  }
  if (gitDir) {
    const [commit, ref] = await Promise.all([
      context.commit ?? gitOut(gitDir, ['rev-parse', 'HEAD']),
      context.ref ?? gitOut(gitDir, ['symbolic-ref', '-q', 'HEAD'])
    ])
    context.commit = commit
    context.ref = ref
  }
  for (const key of Object.keys(context) as (keyof RunContext)[]) {
    if (context[key] === undefined) delete context[key]
  }
  return context
}
