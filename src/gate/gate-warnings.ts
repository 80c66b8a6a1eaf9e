import type { Config } from '../config/config.js'
import { MODES } from '../config/modes.js'

/** Inputs given to a mode that does not use them: said, not silently dropped. */
export function ignoredInputs(config: Config): string[] {
  const mode = MODES[config.mode]
  const ignored: string[] = []
  if (config.snapshot !== 'latest' && !mode.picksSnapshot)
    ignored.push(
      `snapshot: ${config.snapshot} is ignored in mode ${config.mode}; only restore-test and restore pick a snapshot`
    )
  if (config.keepLast > 0 && !mode.prunesAfterGo)
    ignored.push(
      `keep-last: ${config.keepLast} is ignored in mode ${config.mode}; only a GO of precutover, snapshot or restore-test prunes`
    )
  if (config.store && config.uploadArtifact)
    ignored.push(
      'upload-artifact: true is ignored with store: the snapshot and its manifest are in the store'
    )
  return ignored
}

/** What the operator must know about this run that belongs to no step. */
export function runWarnings(config: Config, env: NodeJS.ProcessEnv): string[] {
  const warnings: string[] = []
  if (
    MODES[config.mode].createsSnapshot &&
    !config.uploadArtifact &&
    !config.store &&
    env.RUNNER_ENVIRONMENT === 'github-hosted'
  ) {
    warnings.push(
      'the snapshot lives only on this GitHub-hosted runner and disappears with it: set upload-artifact: true, or run on a self-hosted runner with approved storage'
    )
  }
  return [...warnings, ...ignoredInputs(config)]
}
