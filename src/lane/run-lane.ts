import type { Config } from '../config/config.js'
import { humanBytes } from '../report/format.js'
import { restoreIntoTarget } from '../restore/restore-into-target.js'
import { restoreTest } from '../restore/restore-test.js'
import type { ExpectedSnapshot } from '../restore/verify-snapshot.js'
import type { SnapshotDirLock } from '../snapshot/snapshot-dir-lock.js'
import { createSnapshot } from '../snapshot/create-snapshot.js'
import type { KeySource } from '../format/snapshot-keys.js'
import { fingerprintIncludes } from '../util/tree-fingerprint.js'
import type { Logger } from '../util/logger.js'
import { LANE_ORDER } from './lane-order.js'
import { runMigrationDryRun } from '../migration/migration-dry-run.js'
import type { SnapshotEvidence, StepResult } from '../outcome/step-result.js'
import { skippedStep, timedStep } from './timed-step.js'
import { snapshotDirWarnings } from '../snapshot/snapshot-dir-hygiene.js'
import type { Door } from '../config/door.js'
import type { ExposureAudit } from '../exposure/exposure-model.js'
import { runExposureStep } from '../exposure/exposure-step.js'

/** What the lane did; the decision is the report's to make (buildReport), from these alone. */
export interface LaneOutcome {
  steps: StepResult[]
  evidence?: SnapshotEvidence
  exposure?: ExposureAudit
}

/**
 * Runs the mode's steps in the runbook's order. Steps return results; the first NO-GO stops the
 * lane and every later step is reported skipped. Never throws for a NO-GO.
 */
export async function runLane(
  config: Config,
  keys: KeySource,
  logger: Logger,
  world: { env: NodeJS.ProcessEnv; door: Door } = { env: {}, door: 'cli' }
): Promise<LaneOutcome> {
  // exposure: off leaves the audit out of the lane (not skipped: a skipped step is no GO)
  const order = LANE_ORDER[config.mode].filter(
    (name) => name !== 'exposure-audit' || config.exposure !== 'off'
  )
  let exposure: ExposureAudit | undefined
  const steps: StepResult[] = []
  let evidence: SnapshotEvidence | undefined
  let failed: StepResult | undefined
  // what snapshot-create wrote, and its snapshot-dir lock, held until restore-test has read it
  // (a throw leaves it to this process's exit: a dead holder's lock is provably stale)
  let written: ExpectedSnapshot | undefined
  // the includes before the dry-run: the dry-run must leave them so, and so must anything it
  // left running, until the snapshot has read them
  const includesBefore = order.includes('migration-export')
    ? fingerprintIncludes(config.repo, config.includes)
    : undefined
  let lock: SnapshotDirLock | undefined

  const record = (result: StepResult) => {
    steps.push(result)
    if (result.status === 'failed' && !failed) failed = result
  }

  for (const name of order) {
    // the migration dry-run reports its three commands together, from migration-export
    if (name === 'migration-check' || name === 'migration-import') continue
    if (failed) {
      record(skippedStep(name, failed.name))
      continue
    }
    if (name === 'migration-export') {
      const results = await runMigrationDryRun({
        repo: config.repo,
        includes: config.includes,
        includesBefore,
        tempDir: config.tempDir,
        commands: config.migration,
        timeoutSeconds: config.migration.timeoutSeconds,
        passphraseEnv: config.passphraseEnv,
        identityEnv: config.identityEnv,
        logger
      })
      results.forEach(record)
      continue
    }
    if (name === 'exposure-audit') {
      const ran = await logger.group(name, () =>
        runExposureStep(config, world.env, world.door, logger)
      )
      exposure = ran.audit
      logger.info(`${name}: ${ran.result.status} — ${ran.result.detail}`)
      record(ran.result)
      continue
    }
    const result = await logger.group(name, async () => {
      const started = performance.now()
      const step = await timedStep(name, name === 'restore' ? 'B' : 'A', async () => {
        if (name === 'snapshot-create') {
          // git answers while the snapshot streams
          const hygiene = snapshotDirWarnings(config)
          const outcome = await createSnapshot(config, keys, logger, undefined, {
            keepLock: order.includes('restore-test'),
            unchangedSince: includesBefore
          })
          lock = outcome.lock
          written = { manifest: outcome.manifest, snapshotPath: outcome.evidence.snapshotPath }
          evidence = outcome.evidence
          const e = outcome.evidence
          return {
            detail: `${e.files} files, ${humanBytes(e.bytes)} archived into ${e.snapshotPath} (${humanBytes(e.size)} encrypted)`,
            warnings: [...outcome.warnings, ...(await hygiene)]
          }
        }
        if (name === 'restore-test') {
          const verified = await restoreTest(
            config.manifestPath,
            keys,
            config.tempDir,
            logger,
            written
          )
          evidence = verified.evidence
          return {
            detail: `decrypted, extracted and verified ${verified.extracted.entries} entries (${verified.extracted.files} files, ${humanBytes(verified.extracted.bytes)}) against the index and content digest`
          }
        }
        const verified = await restoreIntoTarget(
          config.manifestPath,
          keys,
          config.restoreTarget,
          logger
        )
        evidence = verified.evidence
        return {
          detail: `restored and verified ${verified.extracted.entries} entries into ${config.restoreTarget}`
        }
      })
      logger.info(
        `${name}: ${step.status} in ${((performance.now() - started) / 1000).toFixed(1)} s — ${step.detail}`
      )
      return step
    })
    record(result)
  }
  lock?.release()

  return { steps, evidence, exposure }
}
