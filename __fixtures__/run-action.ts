import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { tempDir } from './trees.js'

export const ROOT = path.resolve(import.meta.dirname, '..')

/** The env the runner gives a JavaScript action: every input as INPUT_<NAME> from action.yml's defaults. */
export function actionDefaultsEnv(): Record<string, string> {
  const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'))
  const env: Record<string, string> = {}
  for (const [name, spec] of Object.entries<{ default?: unknown }>(action.inputs)) {
    env[inputVar(name)] = spec.default === undefined ? '' : String(spec.default)
  }
  return env
}

/** How the runner names an input's variable (spaces become underscores, hyphens stay). */
export function inputVar(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/** Parses GITHUB_OUTPUT / GITHUB_STATE files (name<<delimiter ... delimiter, or name=value). */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const value: string[] = []
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i]!)
      out[name!] = value.join('\n')
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return out
}

export interface ActionRun {
  code: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  state: Record<string, string>
  runnerTemp: string
  env: Record<string, string>
}

/** Run as another user (root reads every file: an EACCES needs an unprivileged runner). */
export interface RunAs {
  uid?: number
  gid?: number
}

function runNode(script: string, env: Record<string, string>, cwd: string, as: RunAs = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      env,
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      uid: as.uid,
      gid: as.gid
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

/**
 * Runs the bundled dist/index.js the way the runner does — INPUT_* from action.yml defaults plus
 * overrides, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_STATE, RUNNER_TEMP, cwd the workspace —
 * then its post step with the state it saved.
 */
export async function runAction(
  workspace: string,
  inputs: Record<string, string>,
  extraEnv: Record<string, string> = {},
  as: RunAs = {}
): Promise<ActionRun> {
  const files = tempDir('cg-runner-')
  const runnerTemp = path.join(files, 'temp')
  fs.mkdirSync(runnerTemp)
  const outputFile = path.join(files, 'output')
  const summaryFile = path.join(files, 'summary')
  const stateFile = path.join(files, 'state')
  for (const f of [outputFile, summaryFile, stateFile]) fs.writeFileSync(f, '')
  if (as.uid !== undefined) {
    // the runner's files belong to the user the step runs as
    for (const f of [files, runnerTemp, outputFile, summaryFile, stateFile])
      fs.chownSync(f, as.uid, as.gid ?? as.uid)
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    ...actionDefaultsEnv(),
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_STATE: stateFile,
    GITHUB_WORKSPACE: workspace,
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: runnerTemp,
    ...extraEnv
  }
  for (const [name, value] of Object.entries(inputs)) env[inputVar(name)] = value
  const main = await runNode(path.join(ROOT, 'dist/index.js'), env, workspace, as)
  const state = parseCommandFile(fs.readFileSync(stateFile, 'utf8'))
  const postEnv = { ...env }
  for (const [name, value] of Object.entries(state)) postEnv[`STATE_${name}`] = value
  const post = await runNode(path.join(ROOT, 'dist/post.js'), postEnv, workspace, as)
  return {
    code: main.code,
    stdout: main.stdout + post.stdout,
    stderr: main.stderr + post.stderr,
    outputs: parseCommandFile(fs.readFileSync(outputFile, 'utf8')),
    summary: fs.readFileSync(summaryFile, 'utf8'),
    state,
    runnerTemp,
    env
  }
}
