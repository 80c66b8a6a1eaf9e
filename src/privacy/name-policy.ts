import type { Logger } from '../util/logger.js'
import { addIncludeRoots, renderNames, renderNamesDeep } from './private-name.js'

/**
 * Where names under the includes may show, set once by the door that runs (SPEC, Safety rules:
 * "Names under the includes are private"). Each sink renders every message it emits through this;
 * the default, before any door sets it, shows no name anywhere.
 */
export interface NamePolicy {
  /** The report files and the job summary: names only with show-private-names. */
  report: boolean
  /** The job log, annotations and outputs; the CLI's stderr: names with the input, or on a terminal. */
  log: boolean
  /** The CLI's stdout: names with the input, or on a terminal. */
  stdout: boolean
  /** show-private-names was given: every sink that shows names says why they usually do not. */
  asked?: boolean
}

const HIDE_ALL: NamePolicy = { report: false, log: false, stdout: false }
let current: NamePolicy = HIDE_ALL

export const SHOW_NAMES_WARNING =
  'show-private-names is true: the log, summary, report and outputs of this run name paths under the includes. A private repository makes its Actions logs and committed reports public when it goes public, which is why they name only include roots and fingerprints by default; turn it off once done'

/** The door's choice; `includes` are not private and stay readable in every message. */
export function setNamePolicy(policy: NamePolicy, includes: readonly string[] = []): void {
  current = { ...policy }
  addIncludeRoots(includes)
}

export function namePolicy(): NamePolicy {
  return current
}

/** The action: every sink is public-to-be, so names show only with show-private-names. */
export function actionNamePolicy(showPrivateNames: boolean): NamePolicy {
  return {
    report: showPrivateNames,
    log: showPrivateNames,
    stdout: showPrivateNames,
    asked: showPrivateNames
  }
}

/** The CLI: a person at a terminal may see names there; the report files never, unless asked. */
export function cliNamePolicy(
  showPrivateNames: boolean,
  terminal: { stdout: boolean; stderr: boolean }
): NamePolicy {
  return {
    report: showPrivateNames,
    log: showPrivateNames || terminal.stderr,
    stdout: showPrivateNames || terminal.stdout,
    asked: showPrivateNames
  }
}

export type NameSink = 'report' | 'log' | 'stdout'

/** A message as `sink` may show it under the door's policy. */
export function forSink(sink: NameSink, text: string): string {
  return renderNames(text, current[sink])
}

/** Every string of a value as `sink` may show it. */
export function forSinkDeep<T>(sink: NameSink, value: T): T {
  return renderNamesDeep(value, current[sink])
}

/** Restores the default (tests run several doors in one process). */
export function resetNamePolicy(): void {
  current = HIDE_ALL
}

/**
 * The report as `sink` may show it: every string rendered, and when names show, the warning
 * that says why they usually do not.
 */
export function reportForSink<T extends { warnings: string[] }>(sink: NameSink, report: T): T {
  const rendered = forSinkDeep(sink, report)
  return current[sink] && current.asked === true
    ? { ...rendered, warnings: [SHOW_NAMES_WARNING, ...rendered.warnings] }
    : rendered
}

/** The lane's logger as `sink` may speak: every line and group title rendered. */
export function loggerForSink(logger: Logger, sink: NameSink): Logger {
  return {
    info: (message) => logger.info(forSink(sink, message)),
    warning: (message) => logger.warning(forSink(sink, message)),
    group: (name, fn) => logger.group(forSink(sink, name), fn)
  }
}
