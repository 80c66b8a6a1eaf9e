/** The passphrase variable the runbook names; a secret even when passphrase-env names another. */
export const RUNBOOK_PASSPHRASE_ENV = 'GRAPHITI_SNAPSHOT_PASSPHRASE'
/** The identity variable's default name (identity-env). */
export const DEFAULT_IDENTITY_ENV = 'CUTOVER_GATE_AGE_IDENTITY'

/**
 * Tokens a JavaScript action gets but a `run:` step does not: migration commands (PR code on a
 * pull_request gate) must not get more power than a `run:` step would (artifact/cache poisoning).
 */
export const RUNTIME_SECRETS = [
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_RUNTIME_URL'
]

/**
 * The store's credentials (the standard AWS chain's secret parts): with them repository code
 * could read, replace or delete the snapshots. ACTIONS_ID_TOKEN_REQUEST_* (above) would let it
 * mint the job's OIDC token and assume the same role.
 */
export const STORE_SECRETS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_WEB_IDENTITY_TOKEN_FILE'
]

/**
 * Names of every variable that holds a secret: the secret inputs, the runbook's and identity's
 * default variables, the runtime tokens, the variables the action's passphrase-env and
 * identity-env inputs name, and `named`: the variables the door's own reading of its inputs names
 * (the CLI passes what its one parser, parseArgs, read from --passphrase-env / --identity-env;
 * there is no second reading of argv here to disagree with it). A name is taken as given and
 * trimmed: naming one variable too many scrubs a variable, naming one too few leaks a secret.
 */
export function secretNames(env: NodeJS.ProcessEnv, named: readonly string[] = []): Set<string> {
  const given = [env['INPUT_PASSPHRASE-ENV'], env['INPUT_IDENTITY-ENV'], ...named].filter(
    (name): name is string => name !== undefined && name.trim() !== ''
  )
  return new Set([
    'INPUT_PASSPHRASE',
    'INPUT_IDENTITY',
    // the exposure audit's token: repository code must not read the repository with it
    'INPUT_GITHUB-TOKEN',
    RUNBOOK_PASSPHRASE_ENV,
    DEFAULT_IDENTITY_ENV,
    ...RUNTIME_SECRETS,
    ...STORE_SECRETS,
    ...given,
    ...given.map((name) => name.trim())
  ])
}

/**
 * Splits env into the secrets (named ones that are set, non-empty) and the rest, where any other
 * variable whose value equals a secret's (a copy under another name) is a secret too.
 */
export function splitSecrets(
  env: NodeJS.ProcessEnv,
  names: Set<string>
): { secrets: Record<string, string>; rest: Record<string, string> } {
  const secrets: Record<string, string> = {}
  for (const name of names) {
    const value = env[name]
    if (value !== undefined && value !== '') secrets[name] = value
  }
  const values = new Set(Object.values(secrets))
  const rest: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || name in secrets) continue
    if (values.has(value)) secrets[name] = value
    else rest[name] = value
  }
  return { secrets, rest }
}
