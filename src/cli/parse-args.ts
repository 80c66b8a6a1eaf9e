import { MODES, type Mode } from '../config/config.js'
import { INPUT_NAMES, type InputName, type RawInputs } from '../config/input-names.js'
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

const BOOLEAN_INPUTS = new Set<InputName>([
  'force',
  'upload-artifact',
  'fail-on-no-go',
  'allow-weak-passphrase',
  'allow-public-artifact'
])
const FLAG_INPUTS = new Set<string>(
  INPUT_NAMES.filter((name) => name !== 'passphrase' && name !== 'identity')
)
/** Flags that name a file or a key: each takes one value, `--flag V` or `--flag=V`. */
const VALUE_FLAGS = new Set(['passphrase-file', 'identity-file', 'recipients-file', 'recipient'])

/**
 * `cutover-gate <mode> [--input value ...]`: the action's input names as flags. `--include` may
 * repeat. Booleans take `--force`, `--no-force` or `--force=false`. There is deliberately no flag
 * that carries the passphrase: argv is visible to every process on the machine.
 */
export function parseArgs(argv: readonly string[]): CliArgs {
  const inputs: RawInputs = {}
  const includes: string[] = []
  let passphraseFile: string | undefined
  let identityFile: string | undefined
  const recipients: string[] = []
  const recipientsFiles: string[] = []
  let help = false
  let version = false
  const args = [...argv]
  while (args.length > 0) {
    const arg = args.shift()!
    if (arg === '-h' || arg === '--help') {
      help = true
      continue
    }
    if (arg === '--version') {
      version = true
      continue
    }
    if (!arg.startsWith('--')) {
      if (inputs.mode !== undefined)
        throw new InputError(`unexpected argument "${arg}"; the mode is given once, first`)
      if (!(MODES as readonly string[]).includes(arg)) {
        throw new InputError(`mode "${arg}" is not one of ${MODES.join(', ')}`)
      }
      inputs.mode = arg as Mode
      continue
    }
    const eq = arg.indexOf('=')
    let name = eq === -1 ? arg.slice(2) : arg.slice(2, eq)
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1)
    if (name === 'passphrase') {
      throw new InputError(
        'the CLI has no --passphrase flag (command lines are visible to other processes): set GRAPHITI_SNAPSHOT_PASSPHRASE (or the variable named by --passphrase-env), use --passphrase-file, or answer the prompt'
      )
    }
    if (name === 'identity') {
      throw new InputError(
        'the CLI has no --identity flag (command lines are visible to other processes): set CUTOVER_GATE_AGE_IDENTITY (or the variable named by --identity-env), or use --identity-file'
      )
    }
    if (
      name.startsWith('no-') &&
      BOOLEAN_INPUTS.has(name.slice(3) as InputName) &&
      value === undefined
    ) {
      inputs[name.slice(3) as InputName] = 'false'
      continue
    }
    if (VALUE_FLAGS.has(name)) {
      value ??= args.shift()
      if (value === undefined || value === '')
        throw new InputError(
          `--${name} needs ${name === 'recipient' ? 'an age recipient (age1...)' : 'a file path'}`
        )
      if (name === 'passphrase-file') passphraseFile = value
      else if (name === 'identity-file') identityFile = value
      else if (name === 'recipients-file') recipientsFiles.push(value)
      else recipients.push(value)
      continue
    }
    if (!FLAG_INPUTS.has(name)) {
      throw new InputError(`unknown flag --${name}; see cutover-gate --help for the inputs`)
    }
    if (BOOLEAN_INPUTS.has(name as InputName) && value === undefined) {
      const next = args[0]
      value = next !== undefined && /^(true|false)$/i.test(next) ? args.shift()! : 'true'
    }
    value ??= args.shift()
    if (value === undefined) throw new InputError(`--${name} needs a value`)
    if (name === 'include') {
      includes.push(value)
      continue
    }
    name = name as InputName
    inputs[name as InputName] = value
  }
  if (includes.length > 0) inputs.include = includes.join('\n')
  return { inputs, passphraseFile, identityFile, recipients, recipientsFiles, help, version }
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
