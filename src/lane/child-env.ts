/** The passphrase variable the runbook names; scrubbed even when passphrase-env names another. */
export const RUNBOOK_PASSPHRASE_ENV = 'GRAPHITI_SNAPSHOT_PASSPHRASE'

/**
 * Tokens a JavaScript action gets but a `run:` step does not: migration commands (PR code on a
 * pull_request gate) must not get more power than a `run:` step would (artifact/cache poisoning).
 */
const RUNTIME_SECRETS = [
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_RUNTIME_URL'
]

/**
 * The environment for migration commands: the parent's minus every secret. @actions/exec and
 * child_process replace the whole environment with `env`, so this is built in full, not merged.
 */
export function childEnv(env: NodeJS.ProcessEnv, passphraseEnv: string): Record<string, string> {
  const secretNames = new Set([
    'INPUT_PASSPHRASE',
    RUNBOOK_PASSPHRASE_ENV,
    ...RUNTIME_SECRETS,
    ...(passphraseEnv ? [passphraseEnv] : [])
  ])
  const isSecretName = (name: string): boolean =>
    secretNames.has(name) || name.toUpperCase().startsWith('INPUT_')
  // A copy of the passphrase under another name (e.g. `env: PW: ${{ secrets.X }}` twice) goes too.
  const secretValues = new Set(
    ['INPUT_PASSPHRASE', RUNBOOK_PASSPHRASE_ENV, passphraseEnv]
      .map((name) => (name ? env[name] : undefined))
      .filter((value): value is string => Boolean(value))
  )
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || isSecretName(name) || secretValues.has(value)) continue
    out[name] = value
  }
  return out
}
