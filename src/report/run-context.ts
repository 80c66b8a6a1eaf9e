import { execFileSync } from 'node:child_process'

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

function gitOut(cwd: string, args: string[]): string | undefined {
  try {
    const out = execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore']
    })
    return nonEmpty(out.trim())
  } catch {
    return undefined
  }
}

/**
 * The run context from the Actions environment. Outside Actions (the CLI), commit and ref come
 * from git in `gitDir` when given: two quick local reads, skipped when git is missing.
 */
export function contextFromEnv(env: NodeJS.ProcessEnv, gitDir?: string): RunContext {
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
  if (gitDir && !context.commit) context.commit = gitOut(gitDir, ['rev-parse', 'HEAD'])
  if (gitDir && !context.ref) context.ref = gitOut(gitDir, ['symbolic-ref', '-q', 'HEAD'])
  for (const key of Object.keys(context) as (keyof RunContext)[]) {
    if (context[key] === undefined) delete context[key]
  }
  return context
}
