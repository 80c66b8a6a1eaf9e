import { showCommand } from './show-command.js'
import fs from 'node:fs'
import { describeEscaped } from '../runtime/escaped-processes.js'
import {
  changedSince,
  fingerprintIncludes,
  type IncludeFingerprint
} from '../util/tree-fingerprint.js'
import type { Logger } from '../util/logger.js'
import { childEnv } from './child-env.js'
import { compareGitStates, readGitState, type GitState } from './git-drift.js'
import { nameFew } from '../util/name-few.js'
import { privateList } from '../privacy/private-name.js'
import { markOutputNames } from '../privacy/command-output.js'
import { missingScript, missingScriptInOutput } from './missing-script.js'
import { createPackageDir, removePackageDir } from './package-folder.js'
import { runCommand, type CommandRun } from './run-command.js'
import { splitCommand, substitutePackage } from './split-command.js'
import type { StepName } from '../outcome/step-names.js'
import type { StepResult } from '../outcome/step-result.js'

export interface MigrationOptions {
  repo: string
  tempDir: string
  commands: { exportCommand: string; checkCommand: string; importCommand: string }
  timeoutSeconds: number
  passphraseEnv: string
  /** The identity's fallback variable (identity-env): scrubbed like the passphrase's. */
  identityEnv?: string
  logger: Logger
  /** The environment to scrub for the commands; process.env by default. */
  env?: NodeJS.ProcessEnv
  /** After a timeout, how long SIGTERM gets before SIGKILL (ms); 5000 by default. */
  killGraceMs?: number
  /** The include roots (relative to repo) the snapshot will read: a dry-run must not touch them. */
  includes?: readonly string[]
  /** The includes as they were before the dry-run, when the caller took that itself. */
  includesBefore?: IncludeFingerprint
}

type MigrationStep = 'migration-export' | 'migration-check' | 'migration-import'

const STEPS: [MigrationStep, keyof MigrationOptions['commands']][] = [
  ['migration-export', 'exportCommand'],
  ['migration-check', 'checkCommand'],
  ['migration-import', 'importCommand']
]

const oneLine = (text: string, max = 300): string => {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

const lastLine = (output: string): string =>
  oneLine(
    output
      .split('\n')
      .filter((line) => line.trim())
      .at(-1) ?? ''
  )

function result(
  name: StepName,
  status: StepResult['status'],
  detail: string,
  extra: Partial<StepResult> = {}
): StepResult {
  return { name, status, durationMs: 0, detail, warnings: [], ...extra }
}

function notThere(name: MigrationStep, command: string, script: string): string {
  return (
    `script \`${script}\` not found (command \`${showCommand(command)}\`): ` +
    `set the \`${name}\` input to your repository's own ${name.slice('migration-'.length)} command`
  )
}

/** The step's result from how its command ended. */
function judge(
  name: MigrationStep,
  command: string,
  run: CommandRun,
  timeoutSeconds: number
): StepResult {
  const base = { durationMs: run.durationMs, output: run.output, warnings: [] as string[] }
  if (run.escaped.length > 0) base.warnings.push(describeEscaped(run.escaped))
  else if (run.leftovers)
    base.warnings.push('the command left background processes running; they were stopped')
  const program = splitCommand(command)[0] ?? command
  if (run.spawnError) {
    const why =
      run.spawnError.code === 'ENOENT'
        ? `program \`${program}\` not found on PATH`
        : `program \`${program}\` could not be started (${run.spawnError.code ?? run.spawnError.message})`
    return result(
      name,
      'failed',
      `${why}: set the \`${name}\` input to a command that exists here`,
      base
    )
  }
  if (run.timedOut) {
    return result(
      name,
      'failed',
      `timed out after ${timeoutSeconds}s; its whole process tree was killed (raise \`migration-timeout\` if it needs longer)`,
      base
    )
  }
  if (run.exitCode !== 0) {
    const script = missingScriptInOutput(run.output)
    if (script) return result(name, 'failed', notThere(name, command, script), base)
    const how = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.exitCode}`
    const last = lastLine(run.output)
    return result(
      name,
      'failed',
      `\`${showCommand(command)}\` ${how}${last ? `: ${last}` : ''}`,
      base
    )
  }
  const last = lastLine(run.output)
  return result(
    name,
    'passed',
    `\`${showCommand(command)}\` exited 0${last ? `: ${last}` : ''}`,
    base
  )
}

async function runStep(
  name: MigrationStep,
  command: string,
  packageDir: string,
  options: MigrationOptions
): Promise<StepResult> {
  let argv: string[]
  try {
    argv = substitutePackage(splitCommand(command), packageDir)
  } catch (error) {
    return result(
      name,
      'failed',
      `the \`${name}\` input is not a command I can split: ${(error as Error).message}`
    )
  }
  if (argv.length === 0)
    return result(name, 'failed', `the \`${name}\` input is empty: give the command to run`)
  const script = await missingScript(argv, options.repo)
  if (script) return result(name, 'failed', notThere(name, command, script))

  const includes = options.includes ?? []
  const ran = await options.logger.group(`${name}: ${showCommand(command)}`, () =>
    runCommand(argv, {
      cwd: options.repo,
      env: childEnv(options.env ?? process.env, options.passphraseEnv, options.identityEnv),
      timeoutMs: options.timeoutSeconds * 1000,
      killGraceMs: options.killGraceMs,
      // A prefix so that output never starts with `::` and cannot issue workflow commands.
      // paths under the includes that the command prints are private names, as ours are
      onLine: (line) => options.logger.info(`| ${markOutputNames(line, includes, options.repo)}`)
    })
  )
  const run = { ...ran, output: markOutputNames(ran.output, includes, options.repo) }
  return judge(name, command, run, options.timeoutSeconds)
}

/** Compares the repo after the dry-run with before; a change to tracked files is decision point C. */
async function checkDrift(
  options: MigrationOptions,
  before: GitState,
  last: StepResult
): Promise<void> {
  let after: GitState
  try {
    after = await readGitState(options.repo)
  } catch (error) {
    last.status = 'failed'
    last.decisionPoint = 'C'
    last.detail = `could not read the repository's git state after the dry-run, so drift cannot be ruled out: ${oneLine((error as Error).message)}`
    return
  }
  const drift = await compareGitStates(options.repo, before, after)
  if (drift.created.length > 0) {
    last.warnings.push(
      `the dry-run created untracked files in the repository: ${nameFew(drift.created)}`
    )
  }
  if (drift.changed.length === 0 && !drift.headMoved) return
  const moved = drift.headMoved
    ? `; HEAD moved from ${drift.headMoved.from?.slice(0, 12) ?? 'none'} to ${drift.headMoved.to?.slice(0, 12) ?? 'none'}`
    : ''
  const files =
    drift.changed.length > 0
      ? `${drift.changed.length} tracked file(s): ${nameFew(drift.changed)}`
      : 'the repository'
  const drifted = `the dry-run changed ${files}${moved} — a dry-run must write nothing (runbook decision point C)`
  last.detail = last.status === 'failed' ? `${last.detail}; and ${drifted}` : drifted
  last.status = 'failed'
  last.decisionPoint = 'C'
}

/**
 * The includes after the dry-run against before: the snapshot that follows would archive whatever
 * the dry-run left there, so any change, tracked or not, is decision point C.
 */
function checkIncludes(
  options: MigrationOptions,
  before: IncludeFingerprint,
  last: StepResult
): void {
  const changed = changedSince(before, options.repo, options.includes ?? [])
  if (changed.length === 0) return
  const drifted = `the dry-run changed ${privateList(changed, { noun: ['entry of the includes', 'entries of the includes'] })} — a dry-run must write nothing, and the snapshot would archive its writes (runbook decision point C)`
  last.detail = last.status === 'failed' ? `${last.detail}; and ${drifted}` : drifted
  last.status = 'failed'
  last.decisionPoint = 'C'
}

/**
 * Why a repo inside a work tree still cannot prove a dry-run dry, or undefined: when git tracks
 * nothing under it but it holds files (untracked or ignored), drift is judged on no file at all.
 */
function untrackedRepo(repo: string, before: GitState): string | undefined {
  if (before.index.size > 0) return undefined
  const held = fs.readdirSync(repo).filter((name) => name !== '.git')
  if (held.length === 0) return undefined
  return `git tracks no file under ${repo} (it holds ${nameFew(held.sort(), 3)}, untracked or ignored), so nothing can prove the migration dry-run left it unchanged (runbook decision point C): commit the repository's files, or use mode snapshot`
}

/**
 * Runs export → check → import; returns one StepResult per command (later ones 'skipped' after
 * the first failure). Never throws for a NO-GO: failures are results.
 */
export async function runMigrationDryRun(options: MigrationOptions): Promise<StepResult[]> {
  const results: StepResult[] = []
  const notRun = (): void => {
    for (const [name] of STEPS.slice(results.length)) {
      results.push(result(name, 'skipped', 'not run: an earlier migration step was NO-GO'))
    }
  }
  let packageDir: string
  try {
    packageDir = await createPackageDir(options.tempDir)
  } catch (error) {
    results.push(
      result(
        'migration-export',
        'failed',
        `could not create a package folder under ${options.tempDir}: ${(error as Error).message}`
      )
    )
    notRun()
    return results
  }
  try {
    let before: GitState | undefined
    let driftWarning: string | undefined
    try {
      before = await readGitState(options.repo)
    } catch (error) {
      driftWarning = `${options.repo} is not a git work tree (or git is missing), so changes the dry-run made to it could not be checked: ${lastLine((error as Error).message)}`
    }
    const unproven = before && untrackedRepo(options.repo, before)
    if (unproven) {
      results.push({ ...result('migration-export', 'failed', unproven), decisionPoint: 'C' })
      notRun()
      return results
    }
    const includesBefore =
      options.includesBefore ?? fingerprintIncludes(options.repo, options.includes ?? [])
    for (const [name, key] of STEPS) {
      const step = await runStep(name, options.commands[key], packageDir, options)
      results.push(step)
      if (step.status === 'failed') {
        step.decisionPoint = 'A'
        break
      }
    }
    const last = results.at(-1) as StepResult
    checkIncludes(options, includesBefore, last)
    if (before) await checkDrift(options, before, last)
    else if (driftWarning) last.warnings.push(driftWarning)
    notRun()
    return results
  } finally {
    await removePackageDir(packageDir).catch((error: Error) => {
      const warning = `could not remove the package folder ${packageDir}: ${error.message}`
      options.logger.warning(warning)
      results.at(-1)?.warnings.push(warning)
    })
  }
}
