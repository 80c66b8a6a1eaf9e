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
import { createStoredSnapshot } from '../store/store-snapshot.js'
import type { LaneStore, StoredChoice } from '../store/store-lane.js'

/** What the lane did; the decision is the report's to make (buildReport), from these alone. */
export interface LaneOutcome {
  steps: StepResult[]
  evidence?: SnapshotEvidence
}

/**
 * Runs the mode's steps in the runbook's order. Steps return results; the first NO-GO stops the
 * lane and every later step is reported skipped. Never throws for a NO-GO.
 */
export async function runLane(
  config: Config,
  keys: KeySource,
  logger: Logger,
  /** With the store input: snapshots go to (and are read back from) the store. */
  stored?: LaneStore
): Promise<LaneOutcome> {
  const order = LANE_ORDER[config.mode]
  const steps: StepResult[] = []
  let evidence: SnapshotEvidence | undefined
  let failed: StepResult | undefined
  // what snapshot-create wrote, and its snapshot-dir lock, held until restore-test has read it
  // (a throw leaves it to this process's exit: a dead holder's lock is provably stale)
  let written: ExpectedSnapshot | undefined = stored?.chosen?.expected
  // a stored snapshot's manifest URL and lock, which the verifier's evidence does not know
  let storedFacts = stored?.chosen
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
    const result = await logger.group(name, async () => {
      const started = performance.now()
      const step = await timedStep(name, name === 'restore' ? 'B' : 'A', async () => {
        if (name === 'snapshot-create' && stored) {
          const outcome = await createStoredSnapshot(
            config,
            stored.store,
            stored.openOther,
            keys,
            logger,
            undefined,
            { unchangedSince: includesBefore }
          )
          written = outcome.expected
          evidence = { ...outcome.evidence, retainUntil: outcome.retainUntil }
          storedFacts = {
            expected: outcome.expected,
            manifestUrl: outcome.evidence.manifestPath,
            retainUntil: outcome.retainUntil
          }
          const e = outcome.evidence
          return {
            detail: `${e.files} files, ${humanBytes(e.bytes)} archived into ${e.snapshotPath} (${humanBytes(e.size)} encrypted, written once${outcome.retainUntil ? `, locked until ${outcome.retainUntil}` : ''})`,
            warnings: outcome.warnings
          }
        }
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
          evidence = storedEvidence(verified.evidence, storedFacts)
          return {
            detail: `decrypted, extracted and verified ${verified.extracted.entries} entries (${verified.extracted.files} files, ${humanBytes(verified.extracted.bytes)}) against the index and content digest`
          }
        }
        const verified = await restoreIntoTarget(
          config.manifestPath,
          keys,
          config.restoreTarget,
          logger,
          written
        )
        evidence = storedEvidence(verified.evidence, storedFacts)
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

  return { steps, evidence }
}

/** A stored snapshot's evidence names its manifest's URL and its lock. */
function storedEvidence(
  verified: SnapshotEvidence,
  facts: StoredChoice | undefined
): SnapshotEvidence {
  if (!facts) return verified
  return { ...verified, manifestPath: facts.manifestUrl, retainUntil: facts.retainUntil }
}
