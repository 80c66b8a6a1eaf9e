import * as core from '@actions/core'
import { annotatingLogger } from './action/annotate-warnings.js'
import { coreLogger } from './action/core-logger.js'
import { parseInputs } from './config/inputs.js'
import { refuseWeakPassphrase, resolvePassphrase } from './config/passphrase.js'
import { resolveKeys } from './config/resolve-keys.js'
import { maskSecret, readActionInputs } from './action/read-inputs.js'
import { runGate } from './gate.js'
import { MODES } from './config/modes.js'
import { renderTerminal } from './report/render-terminal.js'
import { runMarker } from './runtime/escaped-processes.js'
import {
  actionNamePolicy,
  forSink,
  loggerForSink,
  setNamePolicy,
  SHOW_NAMES_WARNING
} from './privacy/name-policy.js'
import { STORE_SECRETS } from './runtime/secret-names.js'

/** The action: inputs → one validated config → the lane → outputs, job summary, pass or fail. */
export async function run(secrets: Record<string, string> = {}): Promise<void> {
  try {
    // the secrets handed off past the re-start (never back into process.env, which children get)
    for (const value of Object.values(secrets)) core.setSecret(value)
    const env = { ...process.env, ...secrets }
    // the store's credentials are masked in every mode, also where no hand-off took them
    for (const name of STORE_SECRETS) if (env[name]) core.setSecret(env[name])
    const read = readActionInputs(env)
    const given = read.passphrase || (secrets.INPUT_PASSPHRASE ?? '')
    const givenIdentity = read.identity || (secrets.INPUT_IDENTITY ?? '')
    const config = parseInputs(read.raw, { cwd: process.cwd(), tempDir: process.env.RUNNER_TEMP })
    // everything this door prints, sets or writes renders names under the includes by this
    setNamePolicy(actionNamePolicy(config.showPrivateNames === true), config.includes)
    if (config.showPrivateNames === true) core.warning(SHOW_NAMES_WARNING)
    const passphrase = resolvePassphrase(given, env, config.passphraseEnv)
    const identity = resolvePassphrase(givenIdentity, env, config.identityEnv)
    // the values in use are the normalized ones: mask them as such too
    maskSecret(passphrase)
    maskSecret(identity)
    const keys = resolveKeys(config, { passphrase, identity }, 'action')
    await refuseWeakPassphrase(config, passphrase, 'action')
    core.saveState('temp-dir', config.tempDir)
    core.saveState('snapshot-dir', config.snapshotDir)
    // every other place a killed run can leave temp or staging files, for the post step's sweep
    core.saveState('manifest-path', config.manifestPath)
    core.saveState('report-path', config.reportPath)
    if (config.mode === 'restore') core.saveState('restore-target', config.restoreTarget)
    // the post step stops what a migration left running if this process is killed
    core.saveState('run-marker', runMarker())

    // every line the lane logs, and every warning annotated, is shown by the log's name policy
    const annotations = annotatingLogger(loggerForSink(coreLogger, 'log'))
    const { report, markdown, outputs } = await runGate(config, keys, annotations.logger, env)
    annotations.annotateRest(report.warnings)
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, forSink('log', value))
    try {
      await core.summary.addRaw(markdown, true).write()
    } catch (error) {
      core.warning(forSink('log', `job summary not written: ${(error as Error).message}`))
    }

    if (report.decision === 'GO' && !MODES[config.mode].writesReport) {
      // list writes no report file: the log and the summary show the catalogue
      core.info(renderTerminal(report, { color: false, sink: 'log' }))
      return
    }
    if (report.decision === 'GO') {
      core.info(`GO: ${config.mode} passed; report at ${config.reportPath}`)
      return
    }
    const where = report.failedStep ? ` at ${report.failedStep}` : ''
    const message = forSink('log', `NO-GO${where}: ${report.reason ?? 'see the readiness report'}`)
    if (config.failOnNoGo) core.setFailed(message)
    else core.warning(`${message} (fail-on-no-go is false)`)
  } catch (error) {
    core.setFailed(forSink('log', error instanceof Error ? error.message : String(error)))
  }
}
