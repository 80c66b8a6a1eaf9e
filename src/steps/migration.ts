import { runMigrationDryRun } from '../migration/migration-dry-run.js'
import { fingerprintIncludes } from '../util/tree-fingerprint.js'
import type { Step } from './step.js'

/**
 * Runbook step 1: export → check → import in a clean package folder, three rows. The includes are
 * fingerprinted first: the dry-run must leave them as they were, and so must anything it left
 * running, until the snapshot has read them (snapshot-create checks against the same print).
 */
export const migrationStep: Step = {
  id: 'migration',
  rows: ['migration-export', 'migration-check', 'migration-import'],
  async run(ctx) {
    const { config } = ctx
    ctx.includesBefore = fingerprintIncludes(config.repo, config.includes)
    return runMigrationDryRun({
      repo: config.repo,
      includes: config.includes,
      includesBefore: ctx.includesBefore,
      tempDir: config.tempDir,
      commands: config.migration,
      timeoutSeconds: config.migration.timeoutSeconds,
      passphraseEnv: config.passphraseEnv,
      identityEnv: config.identityEnv,
      logger: ctx.logger
    })
  }
}
