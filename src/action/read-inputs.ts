import * as core from '@actions/core'
import { INPUT_NAMES, type RawInputs } from '../config/input-names.js'
import { normalizeSecret } from '../config/passphrase.js'

/** The variable @actions/core reads an input from. */
function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/**
 * Every input through @actions/core, the passphrase masked before anything else is read, and the
 * fallback variable masked as soon as its name is known, both under the one rule for secrets. An
 * input whose variable is unset is absent; the runner sets every declared one (with action.yml's
 * default), so '' means given empty.
 */
export function readActionInputs(env: NodeJS.ProcessEnv): { raw: RawInputs; passphrase: string } {
  const passphrase = normalizeSecret(core.getInput('passphrase'))
  if (passphrase !== '') core.setSecret(passphrase)
  const raw: RawInputs = {}
  for (const name of INPUT_NAMES) {
    if (name !== 'passphrase' && env[inputVariable(name)] !== undefined) {
      raw[name] = core.getInput(name)
    }
  }
  const envName = raw['passphrase-env'] || 'GRAPHITI_SNAPSHOT_PASSPHRASE'
  // the value the lane will use is the normalized one: that is the one that must never show
  const fromEnv = normalizeSecret(env[envName])
  if (fromEnv !== '') core.setSecret(fromEnv)
  return { raw, passphrase }
}
