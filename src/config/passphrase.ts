import type { Config, Mode } from './config.js'
import { MODES, needsKey } from './modes.js'
import type { Door } from './door.js'
import { InputError } from './input-error.js'

/**
 * The one whitespace rule for secrets, in every door: leading and trailing whitespace is removed,
 * inner whitespace kept. It is exactly String.prototype.trim (spaces, tabs, CR, LF and the other
 * Unicode spaces), because that is what the runner's @actions/core getInput already does to
 * INPUT_PASSPHRASE: a snapshot made by the action must open in the CLI with the same secret.
 * The result '' means "not given".
 */
export function normalizeSecret(value: string | undefined): string {
  const secret = (value ?? '').trim()
  // Node decodes env, files and input as UTF-8 with U+FFFD for bad bytes: distinct secrets
  // (`\xff` and `\xfe`) would become one, and not the bytes stock age reads
  if (secret.includes('\uFFFD')) {
    throw new InputError(
      'passphrase is not valid UTF-8 (a byte decodes to U+FFFD), so two different secrets would open the same snapshot: use a UTF-8 passphrase'
    )
  }
  return secret
}

/**
 * The passphrase from the first source that has one: the explicit value (action input, CLI file or
 * prompt), else the environment variable named by passphrase-env. Never logged, never an argv.
 */
export function resolvePassphrase(
  explicit: string,
  env: NodeJS.ProcessEnv,
  envName: string
): string {
  const given = normalizeSecret(explicit)
  if (given !== '') return given
  return normalizeSecret(env[envName])
}

/** An empty passphrase in a mode that needs one: say where a passphrase comes from in this door. */
export function requirePassphrase(
  mode: Mode,
  passphrase: string,
  envName: string,
  door: Door = 'action'
): void {
  if (!needsKey(mode) || passphrase !== '') return
  if (door === 'cli') {
    throw new InputError(
      `mode ${mode} needs a passphrase: use --passphrase-file FILE or the ${envName} variable, or run on a terminal to be asked`
    )
  }
  throw new InputError(
    `input passphrase: mode ${mode} needs a passphrase, but neither the passphrase input nor ${envName} is set; pass a secret (secrets are not given to workflows triggered from forks: use mode migration-dry-run there)`
  )
}

/** A passphrase file's content, under the same rule as every other door (a final newline goes too). */
export function passphraseFromFileContent(content: string): string {
  return normalizeSecret(content)
}

/**
 * Refuses a weak passphrase for a NEW snapshot, before anything runs; old snapshots still open with
 * any passphrase. The estimator (and its dictionaries) loads only in the modes that need it.
 */
export async function refuseWeakPassphrase(
  config: Pick<Config, 'mode' | 'workFactor' | 'allowWeakPassphrase'>,
  passphrase: string,
  door: Door
): Promise<void> {
  if (!MODES[config.mode].createsSnapshot || config.allowWeakPassphrase || passphrase === '') return
  const { weakPassphraseProblem } = await import('./passphrase-strength.js')
  const problem = weakPassphraseProblem(passphrase, config.workFactor, door)
  if (problem) throw new InputError(door === 'cli' ? problem : `input passphrase: ${problem}`)
}
