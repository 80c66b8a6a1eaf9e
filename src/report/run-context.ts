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
 * HEAD's commit and branch. One git start answers both (each costs ~20 ms here, ~10 of them
 * stalling this process while it forks): `rev-parse` names the branch as its full ref, or as
 * `HEAD` when detached (no branch). It fails only on a branch without commits, which still has a
 * branch to name.
 */
async function gitHead(dir: string): Promise<{ commit?: string; ref?: string }> {
  const both = await git(dir, ['rev-parse', 'HEAD', '--symbolic-full-name', 'HEAD'])
  if (!both.ok) return { ref: await gitOut(dir, ['symbolic-ref', '-q', 'HEAD']) }
  const [commit, ref] = both.out.split('\n').map((line) => line.trim())
  return { commit: nonEmpty(commit), ref: ref === 'HEAD' ? undefined : nonEmpty(ref) }
}

/**
 * The run context from the Actions environment. Outside Actions (the CLI), commit and ref come
 * from git in `gitDir` when given and inside a git repository, and nothing when git is missing.
 * Never rejects, so it can be started early and awaited when the report is built.
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
  if (gitDir && (context.commit === undefined || context.ref === undefined)) {
    const head = await gitHead(gitDir)
    context.commit ??= head.commit
    context.ref ??= head.ref
  }
  for (const key of Object.keys(context) as (keyof RunContext)[]) {
    if (context[key] === undefined) delete context[key]
  }
  return context
}
