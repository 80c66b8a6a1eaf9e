import { parseArgs as parseArgsOf, type ParseArgsConfig } from 'node:util'
import { MODE_NAMES, type Mode } from '../config/config.js'
import { INPUT_NAMES, type RawInputs } from '../config/input-names.js'
import { InputError } from '../config/input-error.js'

export interface CliArgs {
  inputs: RawInputs
  passphraseFile?: string
  /** `--recipient R`, in order (public keys: fine on a command line). */
  recipients: string[]
  recipientsFiles: string[]
  identityFile?: string
  help: boolean
  version: boolean
}

const BOOLEAN_INPUTS = new Set<string>([
  'force',
  'upload-artifact',
  'fail-on-no-go',
  'allow-weak-passphrase',
  'allow-public-artifact'
])
/** Inputs that are secrets have no flag: argv is visible to every process on the machine. */
const NO_FLAG: Record<string, string> = {
  passphrase:
    'the CLI has no --passphrase flag (command lines are visible to other processes): set GRAPHITI_SNAPSHOT_PASSPHRASE (or the variable named by --passphrase-env), use --passphrase-file, or answer the prompt',
  identity:
    'the CLI has no --identity flag (command lines are visible to other processes): set CUTOVER_GATE_AGE_IDENTITY (or the variable named by --identity-env), or use --identity-file'
}
/** Flags of the CLI alone, that name a file or a key. */
const CLI_FLAGS = {
  'passphrase-file': { type: 'string' },
  'identity-file': { type: 'string' },
  'recipients-file': { type: 'string', multiple: true },
  recipient: { type: 'string', multiple: true }
} as const

const OPTIONS: ParseArgsConfig['options'] = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  ...CLI_FLAGS,
  ...Object.fromEntries(
    INPUT_NAMES.filter((name) => !(name in NO_FLAG)).map((name) => [
      name,
      BOOLEAN_INPUTS.has(name)
        ? { type: 'boolean' as const }
        : { type: 'string' as const, multiple: name === 'include' }
    ])
  )
}

/** `--force=false` and `--force false` as node:util's parser spells them: `--no-force`. */
function spellBooleans(argv: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg)
    const name = match?.[1]
    if (name && NO_FLAG[name]) throw new InputError(NO_FLAG[name]!)
    if (!name || !BOOLEAN_INPUTS.has(name)) {
      out.push(arg)
      continue
    }
    let value = match[2]
    if (value === undefined && /^(true|false)$/i.test(argv[i + 1] ?? '')) value = argv[++i]
    if (value !== undefined && !/^(true|false)$/i.test(value)) {
      throw new InputError(`--${name} accepts true or false (got "${value}")`)
    }
    out.push(value !== undefined && /^false$/i.test(value) ? `--no-${name}` : `--${name}`)
  }
  return out
}

/** node:util's errors, said the way the rest of the CLI speaks. */
function explain(error: NodeJS.ErrnoException): InputError {
  const option = /'(--?[\w-]+)/.exec(error.message)?.[1] ?? ''
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return new InputError(`unknown flag ${option}; see cutover-gate --help for the inputs`)
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
    return new InputError(`${option} needs a value`)
  return new InputError(error.message)
}

/**
 * `cutover-gate <mode> [--input value ...]`: the action's input names as flags (node:util
 * parseArgs). `--include`, `--recipient` and `--recipients-file` repeat. Booleans take `--force`,
 * `--no-force`, `--force=false` or `--force false`. No flag carries a secret.
 */
export function parseArgs(argv: readonly string[]): CliArgs {
  let parsed
  try {
    parsed = parseArgsOf({
      args: spellBooleans(argv),
      options: OPTIONS,
      allowPositionals: true,
      allowNegative: true,
      strict: true
    })
  } catch (error) {
    if (error instanceof InputError) throw error
    throw explain(error as NodeJS.ErrnoException)
  }
  const positionals = parsed.positionals
  // the options are built from INPUT_NAMES at run time, so their types are known only as a union
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>
  const inputs: RawInputs = {}
  if (positionals.length > 1) {
    throw new InputError(`unexpected argument "${positionals[1]}"; the mode is given once, first`)
  }
  const mode = positionals[0]
  if (mode !== undefined) {
    if (!(MODE_NAMES as readonly string[]).includes(mode)) {
      throw new InputError(`mode "${mode}" is not one of ${MODE_NAMES.join(', ')}`)
    }
    inputs.mode = mode as Mode
  }
  for (const name of INPUT_NAMES) {
    const value = values[name]
    if (value === undefined || name === 'mode') continue
    if (typeof value === 'boolean') inputs[name] = String(value)
    else if (Array.isArray(value)) inputs[name] = value.join('\n')
    else inputs[name] = value
  }
  const file = (flag: keyof typeof CLI_FLAGS): string | undefined => {
    const value = values[flag] as string | undefined
    if (value === '') throw new InputError(`--${flag} needs a file path`)
    return value
  }
  const recipients = (values.recipient as string[] | undefined) ?? []
  if (recipients.some((r) => r === ''))
    throw new InputError('--recipient needs an age recipient (age1...)')
  const recipientsFiles = (values['recipients-file'] as string[] | undefined) ?? []
  if (recipientsFiles.some((f) => f === ''))
    throw new InputError('--recipients-file needs a file path')
  return {
    inputs,
    passphraseFile: file('passphrase-file'),
    identityFile: file('identity-file'),
    recipients,
    recipientsFiles,
    help: values.help === true,
    version: values.version === true
  }
}

export const USAGE = `Usage: cutover-gate <mode> [--input value ...]

Modes: precutover (default): migration dry-run, snapshot, restore-test
       migration-dry-run | snapshot | restore-test | restore
       list: the snapshot catalogue of snapshot-dir (no passphrase)

Inputs (the action's names; see README): --repo, --include (repeat), --snapshot-dir,
  --manifest, --force/--no-force, --compression zstd|gzip|none, --scrypt-work-factor 10-20,
  --migration-export/-check/-import CMD, --migration-timeout S, --report-path,
  --restore-target DIR, --snapshot latest|ID, --keep-last N, --passphrase-env NAME,
  --upload-artifact, --artifact-name, --retention-days, --fail-on-no-go,
  --allow-weak-passphrase, --allow-public-artifact

Recipients (no passphrase then): --recipient age1... (repeat), --recipients-file F (age -R
  format). Identity for recipient snapshots: $CUTOVER_GATE_AGE_IDENTITY (or --identity-env NAME)
  or --identity-file F (age-keygen output). Never a flag.

Passphrase: from $GRAPHITI_SNAPSHOT_PASSPHRASE (or --passphrase-env NAME), --passphrase-file F,
  or a prompt without echo on a terminal (asked twice for a new snapshot). Never a flag.
  Leading and trailing whitespace is removed, as the action does.

Exit status: 0 GO, 1 NO-GO, 2 usage or input error.`
