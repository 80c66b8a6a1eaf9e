import { MODE_NAMES, type Mode } from '../config/config.js'
import { MODES } from '../config/modes.js'
import { handOffSecrets, receiveSecrets } from './secret-handoff.js'

const runsRepositoryCode = (mode: string | undefined): boolean =>
  (MODE_NAMES as readonly string[]).includes(mode ?? '') && MODES[mode as Mode].runsRepositoryCode

/**
 * What both entry points do first, before their code loads. In the modes that run the migration,
 * a process started with secrets in its environment re-starts itself without them (same pid) and
 * takes them over fd 0; the re-started image receives them here, as an in-memory object. The
 * other modes run no repository code (snapshot, restore-test and restore only read and write
 * files), so nothing that could read /proc/<pid>/environ runs beside them with our uid.
 * Throws SecretHandoffError when the hand-off cannot be done: never run on with the secrets.
 */
export function prepareProcess(
  mode: string | undefined,
  argv: readonly string[]
): Record<string, string> {
  const received = receiveSecrets()
  if (Object.keys(received).length > 0) return received
  if (runsRepositoryCode(mode)) handOffSecrets(argv)
  return {}
}
