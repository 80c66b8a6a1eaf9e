import fs from 'node:fs'
import path from 'node:path'
import { snapshotManifestName } from '../format/catalogue-names.js'
import { timedRow } from '../steps/step.js'
import { NoGoError, type StepResult } from '../outcome/step-result.js'
import type { Logger } from '../util/logger.js'
import { reportOf, type GateRun } from './gate-run.js'

function commonFolder(paths: string[]): string {
  let common = path.dirname(paths[0]!)
  for (const p of paths.slice(1)) {
    while (path.relative(common, p).startsWith('..')) common = path.dirname(common)
  }
  return common
}

function ownManifestOf(snapshotPath: string, id: string | undefined): string[] {
  const own = id ? path.join(path.dirname(snapshotPath), snapshotManifestName(id)) : ''
  return own && fs.existsSync(own) ? [own] : []
}

/**
 * upload-artifact, when asked for: after a recorded GO, the snapshot, its manifests and the report
 * go up as one workflow artifact; a failed upload is its own failed row (so NO-GO, naming it).
 * After a NO-GO the row is skipped: an unverified snapshot is not handed on.
 */
export async function uploadArtifact(
  run: GateRun,
  env: NodeJS.ProcessEnv,
  logger: Logger
): Promise<GateRun | undefined> {
  const { config } = run
  // with a store, the snapshot is already where it outlives the runner
  if (!config.uploadArtifact || config.store) return undefined
  const report = reportOf(run)
  const evidence = report.evidence
  if (report.decision !== 'GO' || !evidence) {
    if (report.decision === 'GO') return undefined // a mode with no snapshot to hand on
    const skipped: StepResult = {
      name: 'upload-artifact',
      status: 'skipped',
      durationMs: 0,
      detail: 'not run: the decision is NO-GO, and an unverified snapshot is not uploaded',
      warnings: []
    }
    return { ...run, input: { ...run.input, steps: [...run.input.steps, skipped] } }
  }
  let artifact: { id: number; url: string; name: string } | undefined
  const row = await timedRow('upload-artifact', 'A', async () => {
    const files = [
      ...new Set([
        evidence.snapshotPath,
        evidence.manifestPath,
        // its own manifest too, so `snapshot: <id>` works on the downloaded artifact
        ...ownManifestOf(evidence.snapshotPath, report.snapshotId),
        config.reportPath,
        config.reportJsonPath
      ])
    ]
    // the artifact client reads these from process.env: set only now, when every migration
    // process is gone (a write to process.env does not change /proc/<pid>/environ)
    for (const name of ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL']) {
      if (env[name] && !process.env[name]) process.env[name] = env[name]
    }
    try {
      // loaded only here: the artifact client is most of the bundle, and most runs never upload
      const { uploadEvidence } = await import('../artifact/upload-evidence.js')
      artifact = await logger.group('upload-artifact', () =>
        uploadEvidence({
          name: config.artifactName,
          files,
          rootDirectory: commonFolder(files),
          retentionDays: config.retentionDays
        })
      )
    } catch (error) {
      throw new NoGoError(`artifact upload failed: ${(error as Error).message}`)
    }
    return {
      detail: `${files.length} files uploaded as artifact ${artifact.name} (id ${artifact.id})`
    }
  })
  const steps = [...run.input.steps, row]
  return { ...run, input: { ...run.input, steps, ...(artifact ? { artifact } : {}) } }
}
