import { modeNeedsPassphrase, type Mode } from './config.js'
import { InputError } from './input-error.js'

/**
 * The passphrase from the first source that has one: the explicit value (action input, CLI file or
 * prompt), else the environment variable named by passphrase-env. Never logged, never an argv.
 */
export function resolvePassphrase(
  explicit: string,
  env: NodeJS.ProcessEnv,
  envName: string
): string {
  if (explicit !== '') return explicit
  return env[envName] ?? ''
}

/** An empty passphrase in a mode that needs one: say why it may be empty and what to do. */
export function requirePassphrase(mode: Mode, passphrase: string, envName: string): void {
  if (!modeNeedsPassphrase(mode) || passphrase !== '') return
  throw new InputError(
    `input passphrase: mode ${mode} needs a passphrase, but neither the passphrase input nor ${envName} is set; pass a secret (secrets are not given to workflows triggered from forks: use mode migration-dry-run there)`
  )
}

/** A passphrase file's content: one trailing line break is the editor's, not the secret's. */
export function passphraseFromFileContent(content: string): string {
  return content.replace(/\r?\n$/, '')
}
