import * as core from '@actions/core'
import { INPUT_NAMES, type RawInputs } from '../config/input-names.js'

/**
 * Every input through @actions/core, the passphrase masked before anything else is read, and the
 * fallback variable masked as soon as its name is known.
 */
export function readActionInputs(env: NodeJS.ProcessEnv): { raw: RawInputs; passphrase: string } {
  const passphrase = core.getInput('passphrase')
  if (passphrase !== '') core.setSecret(passphrase)
  const raw: RawInputs = {}
  for (const name of INPUT_NAMES) {
    if (name !== 'passphrase') raw[name] = core.getInput(name)
  }
  const envName = raw['passphrase-env'] || 'GRAPHITI_SNAPSHOT_PASSPHRASE'
  const fromEnv = env[envName]
  if (fromEnv) core.setSecret(fromEnv)
  return { raw, passphrase }
}
