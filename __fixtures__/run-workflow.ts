import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { readZip, type FakeResultsService } from './fake-results-service.js'
import { runAction, type ActionRun } from './run-action.js'
import { tempDir } from './trees.js'

// A small runner for the workflows users copy (README snippets, .github/workflows/example-*):
// jobs in `needs` order, `if:` on jobs and steps, expressions in `with:` / `env:` / `outputs:`,
// `run:` steps in bash as the runner runs them, this action (`uses: ./` or
// cutover-gate/cutover-gate@…) through the bundle as the runner runs it (run-action.ts),
// checkout and download-artifact against real folders and the fake artifact service.

export interface WorkflowWorld {
  secrets?: Record<string, string>
  vars?: Record<string, string>
  inputs?: Record<string, string>
  event?: Record<string, unknown>
  /** What actions/checkout lays out: a fresh folder per job. */
  checkout: () => string
  /** The artifact service every job of the run uses (upload and download). */
  artifacts: FakeResultsService
}

export interface StepRun {
  id?: string
  name: string
  skipped: boolean
  ok: boolean
  action?: ActionRun
  stdout?: string
  stderr?: string
}

export interface JobRun {
  name: string
  skipped: boolean
  ok: boolean
  outputs: Record<string, string>
  steps: StepRun[]
  workspace: string
}

type Value = string | boolean | number | null | Record<string, unknown>

// ---- expressions (the subset the workflows use: contexts, literals, ==, !=, &&, ||, !, (),
// format(), always(), success(), failure()) ----

function tokenize(text: string): string[] {
  const tokens: string[] = []
  const re = /\s*(?:('(?:[^']|'')*')|(==|!=|&&|\|\||[!()[\],.])|([A-Za-z_][\w-]*)|(\d+(?:\.\d+)?))/y
  let at = 0
  while (text.slice(at).trim() !== '') {
    re.lastIndex = at
    const m = re.exec(text)
    if (!m) throw new Error(`expression not understood: ${text}`)
    tokens.push((m[1] ?? m[2] ?? m[3] ?? m[4])!)
    at = re.lastIndex
  }
  return tokens
}

const truthy = (v: Value | undefined): boolean =>
  v !== undefined && v !== null && v !== '' && v !== false && v !== 0
const str = (v: Value | undefined): string =>
  v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)

export function evaluate(
  text: string,
  ctx: Record<string, unknown>,
  status: { failed: boolean }
): Value {
  const tokens = tokenize(text)
  let i = 0
  const peek = () => tokens[i]
  const take = (want?: string) => {
    const t = tokens[i++]
    if (want !== undefined && t !== want) throw new Error(`expected ${want} in ${text}`)
    return t!
  }
  const or = (): Value => {
    let left = and()
    while (peek() === '||') {
      take()
      const right = and()
      left = truthy(left) ? left : right
    }
    return left
  }
  const and = (): Value => {
    let left = cmp()
    while (peek() === '&&') {
      take()
      const right = cmp()
      left = truthy(left) ? right : left
    }
    return left
  }
  const cmp = (): Value => {
    const left = unary()
    if (peek() === '==' || peek() === '!=') {
      const op = take()
      const right = unary()
      const same = str(left).toLowerCase() === str(right).toLowerCase()
      return op === '==' ? same : !same
    }
    return left
  }
  const unary = (): Value => {
    if (peek() === '!') {
      take()
      return !truthy(unary())
    }
    return primary()
  }
  const primary = (): Value => {
    const t = take()
    if (t === '(') {
      const v = or()
      take(')')
      return v
    }
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'")
    if (/^\d/.test(t)) return Number(t)
    if (t === 'true' || t === 'false') return t === 'true'
    if (peek() === '(') {
      take('(')
      const args: Value[] = []
      while (peek() !== ')') {
        args.push(or())
        if (peek() === ',') take(',')
      }
      take(')')
      if (t === 'always') return true
      if (t === 'success') return !status.failed
      if (t === 'failure') return status.failed
      if (t === 'format')
        return str(args[0]).replace(/\{(\d+)\}/g, (_, n: string) => str(args[Number(n) + 1]))
      throw new Error(`function ${t}() is not emulated`)
    }
    let v: unknown = ctx[t]
    while (peek() === '.' || peek() === '[') {
      if (take() === '.') v = (v as Record<string, unknown> | undefined)?.[take()]
      else {
        const key = str(or())
        take(']')
        v = (v as Record<string, unknown> | undefined)?.[key]
      }
    }
    return (v ?? '') as Value
  }
  const v = or()
  if (i !== tokens.length) throw new Error(`expression not understood: ${text}`)
  return v
}

/** A value with `${{ }}` parts replaced, as the runner does before a step runs. */
function interpolate(
  value: unknown,
  ctx: Record<string, unknown>,
  status: { failed: boolean }
): string {
  return String(value ?? '').replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) =>
    str(evaluate(expr, ctx, status))
  )
}

function condition(
  value: unknown,
  ctx: Record<string, unknown>,
  status: { failed: boolean }
): boolean {
  if (value === undefined) return !status.failed
  const text = String(value)
    .trim()
    .replace(/^\$\{\{([\s\S]*)\}\}$/, '$1')
  const uses = /\b(always|failure|success)\(/.test(text)
  return truthy(evaluate(text, ctx, status)) && (uses || !status.failed)
}

// ---- jobs and steps ----

interface StepSpec {
  id?: string
  name?: string
  if?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
  env?: Record<string, unknown>
  'continue-on-error'?: boolean
}

const isThisAction = (uses: string) =>
  uses === './' || /^cutover-gate\/cutover-gate@\S+$/.test(uses)

/** Runs every job of the workflow text; returns each job's result by id. */
export async function runWorkflow(
  text: string,
  world: WorkflowWorld
): Promise<Record<string, JobRun>> {
  const workflow = parse(text) as {
    on?: { workflow_dispatch?: { inputs?: Record<string, { default?: unknown }> } }
    env?: Record<string, unknown>
    jobs: Record<
      string,
      {
        needs?: string | string[]
        if?: string
        env?: Record<string, unknown>
        outputs?: Record<string, string>
        steps: StepSpec[]
      }
    >
  }
  // workflow_dispatch inputs not given take their defaults, as the form does
  const inputs: Record<string, string> = {}
  const declared =
    typeof workflow.on === 'object' ? workflow.on?.workflow_dispatch?.inputs : undefined
  for (const [name, spec] of Object.entries(declared ?? {}))
    inputs[name] = str((spec?.default ?? '') as Value)
  Object.assign(inputs, world.inputs)
  const done: Record<string, JobRun> = {}
  const runId = String(4000 + Math.floor(Math.random() * 1000))
  const pending = Object.keys(workflow.jobs)
  while (pending.length > 0) {
    const id = pending.find((j) => [workflow.jobs[j]!.needs ?? []].flat().every((n) => done[n]))
    if (!id) throw new Error(`jobs wait on each other: ${pending.join(', ')}`)
    pending.splice(pending.indexOf(id), 1)
    const job = workflow.jobs[id]!
    const needs = Object.fromEntries(
      [job.needs ?? []]
        .flat()
        .map((n) => [n, { outputs: done[n]!.outputs, result: done[n]!.ok ? 'success' : 'failure' }])
    )
    const needsFailed = Object.values(needs).some((n) => n.result !== 'success')
    const runnerTemp = tempDir('cg-wf-temp-')
    const ctx: Record<string, unknown> = {
      secrets: world.secrets ?? {},
      vars: world.vars ?? {},
      inputs,
      needs,
      steps: {},
      env: {},
      runner: { temp: runnerTemp, os: 'Linux' },
      github: {
        run_id: runId,
        repository: 'cutover-gate/graphiti',
        ref: 'refs/heads/main',
        token: 'ghs_emulated-token',
        event: world.event ?? {}
      }
    }
    const result: JobRun = {
      name: id,
      skipped: false,
      ok: true,
      outputs: {},
      steps: [],
      workspace: tempDir('cg-wf-ws-')
    }
    done[id] = result
    if (!condition(job.if, ctx, { failed: needsFailed })) {
      result.skipped = true
      continue
    }
    const status = { failed: false }
    const jobEnv: Record<string, string> = {}
    for (const [k, v] of Object.entries({ ...workflow.env, ...job.env }))
      jobEnv[k] = interpolate(v, ctx, status)
    for (const spec of job.steps) {
      const step: StepRun = {
        id: spec.id,
        name: spec.name ?? spec.uses ?? 'run',
        skipped: false,
        ok: true
      }
      result.steps.push(step)
      if (!condition(spec.if, ctx, status)) {
        step.skipped = true
        continue
      }
      const env: Record<string, string> = { ...jobEnv }
      for (const [k, v] of Object.entries(spec.env ?? {})) env[k] = interpolate(v, ctx, status)
      ctx.env = env
      const given: Record<string, string> = {}
      for (const [k, v] of Object.entries(spec.with ?? {})) given[k] = interpolate(v, ctx, status)
      let outputs: Record<string, string> = {}
      if (spec.uses?.startsWith('actions/checkout@')) {
        result.workspace = world.checkout()
      } else if (spec.uses?.startsWith('actions/download-artifact@')) {
        const blob = world.artifacts.artifacts.get(given.name ?? '')?.blob
        step.ok = blob !== undefined
        for (const entry of blob ? readZip(blob) : []) {
          const file = path.join(result.workspace, given.path ?? '.', entry.name)
          fs.mkdirSync(path.dirname(file), { recursive: true })
          fs.writeFileSync(file, entry.data)
        }
      } else if (spec.uses && isThisAction(spec.uses)) {
        const run = await runAction(result.workspace, given, {
          ...env,
          ...world.artifacts.runnerEnv(),
          RUNNER_TEMP: runnerTemp,
          GITHUB_RUN_ID: runId
        })
        step.action = run
        step.ok = run.code === 0
        outputs = run.outputs
      } else if (spec.run !== undefined) {
        const script = interpolate(spec.run, ctx, status)
        const ran = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
          cwd: result.workspace,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '/root',
            RUNNER_TEMP: runnerTemp,
            ...env
          },
          encoding: 'utf8'
        })
        step.stdout = ran.stdout
        step.stderr = ran.stderr
        step.ok = ran.status === 0
      } else {
        throw new Error(`step ${step.name} (${spec.uses}) is not emulated`)
      }
      if (spec.id)
        (ctx.steps as Record<string, unknown>)[spec.id] = {
          outputs,
          outcome: step.ok ? 'success' : 'failure'
        }
      if (!step.ok && !spec['continue-on-error']) status.failed = true
    }
    result.ok = !status.failed
    for (const [k, v] of Object.entries(job.outputs ?? {}))
      result.outputs[k] = interpolate(v, ctx, status)
  }
  return done
}
