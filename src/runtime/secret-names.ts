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

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** `--passphrase-env NAME` / `--identity-env NAME` (or `=NAME`) from the CLI's arguments. */
function flagValue(argv: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag) return argv[i + 1]
    if (argv[i]?.startsWith(`${flag}=`)) return argv[i]!.slice(flag.length + 1)
  }
  return undefined
}

/**
 * Names of every variable that holds a secret, for either door: the inputs, the variables that
 * passphrase-env and identity-env name (action input or CLI flag), and the runtime tokens.
 */
export function secretNames(env: NodeJS.ProcessEnv, argv: readonly string[] = []): Set<string> {
  const named = [
    env['INPUT_PASSPHRASE-ENV'],
    env['INPUT_IDENTITY-ENV'],
    flagValue(argv, '--passphrase-env'),
    flagValue(argv, '--identity-env')
  ].filter((name): name is string => name !== undefined && VAR_NAME.test(name.trim()))
  return new Set([
    'INPUT_PASSPHRASE',
    'INPUT_IDENTITY',
    RUNBOOK_PASSPHRASE_ENV,
    DEFAULT_IDENTITY_ENV,
    ...RUNTIME_SECRETS,
    ...STORE_SECRETS,
    ...named.map((name) => name.trim())
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
