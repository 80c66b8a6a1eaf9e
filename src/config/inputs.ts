import os from 'node:os'
import path from 'node:path'
import { z } from 'zod'
import { COMPRESSIONS, MODES, type Config } from './config.js'
import { INPUT_DEFAULTS, type InputName, type RawInputs } from './input-names.js'
import { artifactNameProblem } from '../artifact/artifact-name.js'
import { INDEX_PATH } from '../snapshot/index-format.js'

/** A bad input: one line naming the input and what it accepts. Nothing has been written. */
export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}

// YAML 1.2 core-schema booleans, as @actions/core's getBooleanInput accepts them.
const TRUE = new Set(['true', 'True', 'TRUE'])
const FALSE = new Set(['false', 'False', 'FALSE'])
const boolean = z.string().transform((value, ctx) => {
  if (TRUE.has(value)) return true
  if (FALSE.has(value)) return false
  ctx.addIssue({ code: 'custom', message: 'accepts true or false' })
  return z.NEVER
})

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `accepts a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `accepts ${min} to ${max}`).max(max, `accepts ${min} to ${max}`))

const command = z.string().trim().min(1, 'accepts a command line')

const RawSchema = z.object({
  passphrase: z.string(),
  'passphrase-env': z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'accepts an environment variable name'),
  mode: z.enum(MODES, { message: `accepts ${MODES.join(', ')}` }),
  repo: z.string().min(1),
  include: z.string(),
  'snapshot-dir': z.string().min(1),
  manifest: z.string().min(1),
  force: boolean,
  compression: z.enum(COMPRESSIONS, { message: `accepts ${COMPRESSIONS.join(', ')}` }),
  'scrypt-work-factor': integer(10, 20),
  'migration-export': command,
  'migration-check': command,
  'migration-import': command,
  'migration-timeout': integer(1, 86400),
  'report-path': z.string().min(1),
  'restore-target': z.string(),
  snapshot: z
    .string()
    .trim()
    .regex(/^(latest|\d{8}T\d{6}Z)$/, 'accepts latest or a snapshot id such as 20261203T055001Z'),
  'keep-last': integer(0, 1000),
  'upload-artifact': boolean,
  'artifact-name': z.string().superRefine((name, ctx) => {
    const problem = artifactNameProblem(name)
    if (problem) ctx.addIssue({ code: 'custom', message: problem.replace(/^artifact-name /, '') })
  }),
  'retention-days': integer(0, 90),
  'fail-on-no-go': boolean
})

/** Fills "not given" ('' or absent) with the default; passphrase and restore-target stay ''. */
function withDefaults(raw: RawInputs): Record<InputName, string> {
  const out = {} as Record<InputName, string>
  for (const name of Object.keys(INPUT_DEFAULTS) as InputName[]) {
    const given = raw[name]
    out[name] = given === undefined || given.trim() === '' ? INPUT_DEFAULTS[name] : given
  }
  return out
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child)
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}

function fail(input: InputName, message: string): never {
  throw new InputError(`input ${input}: ${message}`)
}

/** Include lines → sorted, normalized POSIX paths relative to repo; rejects escapes and overlaps. */
function parseIncludes(text: string, repo: string): string[] {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
  if (lines.length === 0) fail('include', 'needs at least one folder or file, one per line')
  const includes = new Set<string>()
  for (const line of lines) {
    const absolute = path.resolve(repo, line)
    if (!isInside(absolute, repo) || absolute === repo) {
      fail(
        'include',
        `"${line}" is not inside repo ${repo}; list folders or files below the repository root`
      )
    }
    const rel = path.relative(repo, absolute).split(path.sep).join('/')
    if (rel === '.cutover-gate' || rel.startsWith('.cutover-gate/') || rel === INDEX_PATH) {
      fail('include', `"${line}" collides with the snapshot's own index folder .cutover-gate`)
    }
    includes.add(rel)
  }
  const sorted = [...includes].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
  for (const a of sorted) {
    for (const b of sorted) {
      if (a !== b && b.startsWith(`${a}/`)) {
        fail('include', `"${b}" lies inside "${a}"; list each folder once`)
      }
    }
  }
  return sorted
}

function reportJsonPathFor(reportPath: string): string {
  const ext = path.extname(reportPath)
  return ext.toLowerCase() === '.md'
    ? `${reportPath.slice(0, -ext.length)}.json`
    : `${reportPath}.json`
}

export interface ParseContext {
  /** Folder that relative `repo` resolves against (the workspace / the shell's cwd). */
  cwd: string
  /** RUNNER_TEMP for the action; the OS temp folder for the CLI. */
  tempDir?: string
}

/** Validates every input and derives the Config. Throws InputError (one line) on the first bad one. */
export function parseInputs(raw: RawInputs, context: ParseContext): Config {
  const filled = withDefaults(raw)
  const parsed = RawSchema.safeParse(filled)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const input = String(issue.path[0]) as InputName
    const shown = input === 'passphrase' ? '' : ` (got "${filled[input]}")`
    fail(input, `${issue.message}${shown}`)
  }
  const v = parsed.data
  const repo = path.resolve(context.cwd, v.repo)
  const inRepo = (p: string) => path.resolve(repo, p)
  const includes = parseIncludes(v.include, repo)
  const snapshotDir = inRepo(v['snapshot-dir'])
  const manifestPath = inRepo(v.manifest)
  const reportPath = inRepo(v['report-path'])
  for (const inc of includes) {
    const root = path.join(repo, inc)
    if (isInside(snapshotDir, root)) {
      fail(
        'snapshot-dir',
        `${v['snapshot-dir']} lies inside include "${inc}"; put snapshots outside the included folders`
      )
    }
    if (isInside(manifestPath, root)) {
      fail(
        'manifest',
        `${v.manifest} lies inside include "${inc}"; keep it outside the included folders`
      )
    }
    if (isInside(reportPath, root)) {
      fail(
        'report-path',
        `${v['report-path']} lies inside include "${inc}"; write the report outside the included folders`
      )
    }
  }
  if (
    (v.mode === 'precutover' || v.mode === 'snapshot') &&
    path.dirname(manifestPath) !== snapshotDir
  ) {
    fail(
      'manifest',
      `${v.manifest} must sit in snapshot-dir ${v['snapshot-dir']}, beside the snapshots it names`
    )
  }
  if (v.mode === 'restore' && v['restore-target'].trim() === '') {
    fail(
      'restore-target',
      'is required for mode restore: name an empty or absent folder to restore into'
    )
  }
  const restoreTarget = v['restore-target'].trim() === '' ? '' : inRepo(v['restore-target'])
  if (
    restoreTarget !== '' &&
    includes.some((inc) => isInside(restoreTarget, path.join(repo, inc)))
  ) {
    fail(
      'restore-target',
      `${v['restore-target']} lies inside an include; restore into an isolated folder`
    )
  }
  return {
    mode: v.mode,
    repo,
    includes,
    snapshotDir,
    manifestPath,
    force: v.force,
    compression: v.compression,
    workFactor: v['scrypt-work-factor'],
    migration: {
      exportCommand: v['migration-export'],
      checkCommand: v['migration-check'],
      importCommand: v['migration-import'],
      timeoutSeconds: v['migration-timeout']
    },
    reportPath,
    reportJsonPath: reportJsonPathFor(reportPath),
    restoreTarget,
    uploadArtifact: v['upload-artifact'],
    artifactName: v['artifact-name'],
    retentionDays: v['retention-days'],
    failOnNoGo: v['fail-on-no-go'],
    passphraseEnv: v['passphrase-env'],
    snapshot: v.snapshot,
    keepLast: v['keep-last'],
    tempDir: context.tempDir && context.tempDir !== '' ? context.tempDir : os.tmpdir()
  }
}
