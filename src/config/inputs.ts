import os from 'node:os'
import { z } from 'zod'
import { COMPRESSIONS } from '../format/compression.js'
import { EXPOSURE_LEVELS, MODE_NAMES, type Config, type StoreSettings } from './config.js'
import { InputError } from './input-error.js'
import { INPUT_DEFAULTS, type InputName, type RawInputs } from './input-names.js'
import { artifactNameProblem } from './artifact-name.js'
import { judgePaths } from './judge-paths.js'
import { AgeError } from '../age/errors.js'
import { parseRecipients, type Recipient } from '../age/recipients.js'
import { StoreUrlSchema, type StoreLocation } from './store-url.js'

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

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'accepts an environment variable name')

/** Blank or comments only means "no recipients": a workflow variable that came out empty. */
function hasKeyLine(text: string): boolean {
  return text.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('#'))
}

// parsed here, at input time, so a bad line is refused before anything runs, naming its number
const recipients = z.string().transform((text, ctx): Recipient[] => {
  if (!hasKeyLine(text)) return []
  try {
    return parseRecipients(text)
  } catch (error) {
    if (!(error instanceof AgeError)) throw error
    ctx.addIssue({ code: 'custom', message: error.message.replace(/^recipients /, '') })
    return z.NEVER
  }
})

const RawSchema = z.object({
  passphrase: z.string(),
  'passphrase-env': envName,
  recipients,
  identity: z.string(),
  'identity-env': envName,
  mode: z.enum(MODE_NAMES, { message: `accepts ${MODE_NAMES.join(', ')}` }),
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
  'allow-weak-passphrase': boolean,
  'allow-public-artifact': boolean,
  'fail-on-no-go': boolean,
  'show-private-names': boolean,
  exposure: z.enum(EXPOSURE_LEVELS, { message: `accepts ${EXPOSURE_LEVELS.join(', ')}` }),
  'github-token': z.string(),
  // not a union: a union would hide the URL's own message behind "Invalid input"
  store: z.string().transform((url, ctx): StoreLocation | undefined => {
    if (url.trim() === '') return undefined
    const parsed = StoreUrlSchema.safeParse(url)
    if (parsed.success) return parsed.data
    ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]!.message })
    return z.NEVER
  }),
  'store-endpoint': z.union([
    z.literal(''),
    z
      .string()
      .trim()
      .regex(
        /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/,
        'accepts an http(s):// URL of an S3-compatible service'
      )
  ]),
  'store-region': z.union([
    z.literal(''),
    z
      .string()
      .trim()
      .regex(/^[a-z0-9-]{2,40}$/, 'accepts a region name such as eu-west-1')
  ]),
  'store-retention-days': integer(0, 36500),
  'store-lock-mode': z.enum(['governance', 'compliance'], {
    message: 'accepts governance or compliance'
  })
})

function storeSettingsOf(
  location: StoreLocation | undefined,
  v: {
    'store-endpoint': string
    'store-region': string
    'store-retention-days': number
    'store-lock-mode': 'governance' | 'compliance'
  }
): StoreSettings | undefined {
  if (!location) {
    for (const name of ['store-endpoint', 'store-region'] as const)
      if (v[name] !== '') fail(name, 'is set but store is empty: set store to s3://bucket/prefix')
    if (v['store-retention-days'] > 0)
      fail('store-retention-days', 'is set but store is empty: set store to s3://bucket/prefix')
    return undefined
  }
  return {
    ...location,
    endpoint: v['store-endpoint'].replace(/\/+$/, ''),
    region: v['store-region'],
    retentionDays: v['store-retention-days'],
    lockMode: v['store-lock-mode']
  }
}

const QUIET_INPUTS = new Set<InputName>(['passphrase', 'identity', 'recipients', 'github-token'])

// Given but empty is an error for these, never the default: an empty include list must not
// quietly become the four default folders.
const EMPTY_IS_GIVEN = new Set<InputName>(['include'])

/**
 * Fills "not given" with the default: absent, or '' for inputs where an empty value means unset
 * (a workflow expression that came out empty). passphrase, identity, recipients and restore-target stay ''.
 */
function withDefaults(raw: RawInputs): Record<InputName, string> {
  const out = {} as Record<InputName, string>
  for (const name of Object.keys(INPUT_DEFAULTS) as InputName[]) {
    const given = raw[name]
    const unset = given === undefined || (!EMPTY_IS_GIVEN.has(name) && given.trim() === '')
    out[name] = unset ? INPUT_DEFAULTS[name] : given
  }
  return out
}

function fail(input: InputName, message: string): never {
  throw new InputError(`input ${input}: ${message}`)
}

export interface ParseContext {
  /** Folder that relative `repo` resolves against (the workspace / the shell's cwd). */
  cwd: string
  /** RUNNER_TEMP for the action; the OS temp folder for the CLI. */
  tempDir?: string
}

/**
 * Validates every input and derives the Config, every path judged where it really is (see
 * judge-paths). Throws InputError (one line) on the first bad one, before anything is written.
 */
export function parseInputs(raw: RawInputs, context: ParseContext): Config {
  const filled = withDefaults(raw)
  const parsed = RawSchema.safeParse(filled)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const input = String(issue.path[0]) as InputName
    // secrets are never echoed; recipients name their line instead
    const shown = QUIET_INPUTS.has(input) ? '' : ` (got "${filled[input]}")`
    fail(input, `${issue.message}${shown}`)
  }
  const v = parsed.data
  if (v.mode === 'restore' && v['restore-target'].trim() === '') {
    fail(
      'restore-target',
      'is required for mode restore: name an empty or absent folder to restore into'
    )
  }
  if (v.mode === 'exposure-audit' && v.exposure === 'off') {
    fail('exposure', 'off leaves mode exposure-audit nothing to do: use warn or fail')
  }
  const paths = judgePaths(
    {
      mode: v.mode,
      repo: v.repo,
      include: v.include,
      snapshotDir: v['snapshot-dir'],
      manifest: v.manifest,
      reportPath: v['report-path'],
      restoreTarget: v['restore-target']
    },
    context.cwd
  )
  return {
    mode: v.mode,
    repo: paths.repo,
    includes: paths.includes,
    snapshotDir: paths.snapshotDir,
    manifestPath: paths.manifestPath,
    force: v.force,
    compression: v.compression,
    workFactor: v['scrypt-work-factor'],
    migration: {
      exportCommand: v['migration-export'],
      checkCommand: v['migration-check'],
      importCommand: v['migration-import'],
      timeoutSeconds: v['migration-timeout']
    },
    reportPath: paths.reportPath,
    reportJsonPath: paths.reportJsonPath,
    restoreTarget: paths.restoreTarget,
    uploadArtifact: v['upload-artifact'],
    artifactName: v['artifact-name'],
    retentionDays: v['retention-days'],
    failOnNoGo: v['fail-on-no-go'],
    showPrivateNames: v['show-private-names'],
    allowWeakPassphrase: v['allow-weak-passphrase'],
    allowPublicArtifact: v['allow-public-artifact'],
    passphraseEnv: v['passphrase-env'],
    recipients: v.recipients,
    identityEnv: v['identity-env'],
    snapshot: v.snapshot,
    keepLast: v['keep-last'],
    exposure: v.exposure,
    tempDir: context.tempDir && context.tempDir !== '' ? context.tempDir : os.tmpdir(),
    store: storeSettingsOf(v.store, v)
  }
}
