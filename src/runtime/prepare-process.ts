import { MODE_NAMES, type Mode } from '../config/config.js'
import { MODES } from '../config/modes.js'
import { handOffSecrets, receiveSecrets } from './secret-handoff.js'

const runsRepositoryCode = (mode: string | undefined): boolean =>
  (MODE_NAMES as readonly string[]).includes(mode ?? '') && MODES[mode as Mode].runsRepositoryCode

/**
 * What a door read from its inputs that the hand-off must know: the mode, and the variables the
 * inputs name as holding secrets. The door reads them with the very reader the lane uses (the
 * CLI: parseArgs' secretPlan), so the two cannot disagree; undefined when the inputs do not
 * read at all (the door then stops with an input error before any step runs).
 */
export interface SecretPlan {
  mode: string
  named: readonly string[]
  /** Files the door will read after the hand-off (the CLI's --identity-file and the like). */
  files?: readonly { flag: string; file: string }[]
}

/**
 * What both entry points do first, before their code loads. In the modes that run the migration,
 * a process started with secrets in its environment re-starts itself without them (same pid) and
 * takes them over fd 0; the re-started image receives them here, as an in-memory object. The
 * other modes run no repository code (snapshot, restore-test and restore only read and write
 * files), so nothing that could read /proc/<pid>/environ runs beside them with our uid. Inputs
 * that do not read hand off too: no step runs then, but no guess about the mode is made either.
 * Throws SecretHandoffError when the hand-off cannot be done: never run on with the secrets.
 */
export function prepareProcess(plan: SecretPlan | undefined): Record<string, string> {
  const received = receiveSecrets()
  if (Object.keys(received).length > 0) return received
  if (plan === undefined || runsRepositoryCode(plan.mode)) handOffSecrets(plan?.named, plan?.files)
  return {}
}

/**
 * The action door's plan, read as @actions/core's getInput reads an input (INPUT_<NAME>,
 * trimmed; '' is the default) so that it names what the action's lane will use.
 */
export function actionSecretPlan(env: NodeJS.ProcessEnv): SecretPlan {
  const input = (name: string): string => (env[`INPUT_${name.toUpperCase()}`] ?? '').trim()
  return {
    mode: input('mode') || 'precutover',
    named: [input('passphrase-env'), input('identity-env')].filter((name) => name !== '')
  }
}
