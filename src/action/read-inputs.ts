import * as core from '@actions/core'
import { INPUT_DEFAULTS, INPUT_NAMES, type RawInputs } from '../config/input-names.js'
import { normalizeSecret } from '../config/passphrase.js'

/** The variable @actions/core reads an input from. */
function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

const SECRET_INPUTS = new Set<string>(['passphrase', 'identity', 'github-token'])

/**
 * Masks a secret as a whole and, for an identities text, each key line too: the runner masks
 * values, and a log line may hold one line of a multi-line secret.
 */
export function maskSecret(value: string): void {
  if (value === '') return
  core.setSecret(value)
  for (const line of value.split('\n')) {
    const key = normalizeSecret(line)
    if (key !== '' && key !== value && !key.startsWith('#')) core.setSecret(key)
  }
}

/**
 * Every input through @actions/core, the secrets masked before anything else is read, and the
 * fallback variables masked as soon as their names are known, all under the one rule for secrets.
 * An input whose variable is unset is absent; the runner sets every declared one (with
 * action.yml's default), so '' means given empty.
 */
export function readActionInputs(env: NodeJS.ProcessEnv): {
  raw: RawInputs
  passphrase: string
  identity: string
} {
  const passphrase = normalizeSecret(core.getInput('passphrase'))
  maskSecret(passphrase)
  const identity = normalizeSecret(core.getInput('identity'))
  maskSecret(identity)
  // the exposure audit's token: read where it is used (src/exposure/github-request.ts), masked here
  maskSecret(core.getInput('github-token'))
  const raw: RawInputs = {}
  for (const name of INPUT_NAMES) {
    if (!SECRET_INPUTS.has(name) && env[inputVariable(name)] !== undefined) {
      raw[name] = core.getInput(name)
    }
  }
  // the values the lane will use are the normalized ones: those must never show
  maskSecret(normalizeSecret(env[raw['passphrase-env'] || INPUT_DEFAULTS['passphrase-env']]))
  maskSecret(normalizeSecret(env[raw['identity-env'] || INPUT_DEFAULTS['identity-env']]))
  return { raw, passphrase, identity }
}
