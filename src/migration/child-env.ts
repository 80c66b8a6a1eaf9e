import { RUN_MARKER_VAR, runMarker } from '../runtime/escaped-processes.js'
import { secretNames, splitSecrets } from '../runtime/secret-names.js'

/**
 * The environment for migration commands: the parent's minus every secret and every INPUT_*,
 * plus this run's marker, by which processes that escape the command's group are found again.
 * child_process replaces the whole environment with `env`, so this is built in full, not merged.
 * After the secret hand-off the parent holds no secret already; this is the second wall.
 */
export function childEnv(
  env: NodeJS.ProcessEnv,
  passphraseEnv: string,
  identityEnv = ''
): Record<string, string> {
  const names = secretNames(env)
  if (passphraseEnv) names.add(passphraseEnv)
  if (identityEnv) names.add(identityEnv)
  const { rest } = splitSecrets(env, names)
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(rest)) {
    if (!name.toUpperCase().startsWith('INPUT_')) out[name] = value
  }
  out[RUN_MARKER_VAR] = runMarker()
  return out
}
