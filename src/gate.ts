import path from 'node:path'
import type { Config } from './config/config.js'
import type { OutputName } from './config/input-names.js'
import { runLane } from './lane/run-lane.js'
import { buildReport, contextFromEnv, type ReadinessReport } from './report/report-model.js'
import { renderMarkdown } from './report/render-markdown.js'
import { writeReportFiles } from './report/write-report.js'
import type { Logger } from './util/logger.js'

export interface GateResult {
  report: ReadinessReport
  markdown: string
  outputs: Record<OutputName, string>
}

function commonFolder(paths: string[]): string {
  let common = path.dirname(paths[0]!)
  for (const p of paths.slice(1)) {
    while (path.relative(common, p).startsWith('..')) common = path.dirname(common)
  }
  return common
}

function outputsOf(report: ReadinessReport, config: Config): Record<OutputName, string> {
  const e = report.evidence
  return {
    decision: report.decision,
    'failed-step': report.failedStep ?? '',
    'snapshot-path': e?.snapshotPath ?? '',
    'manifest-path':
      e?.manifestPath ?? (config.mode === 'migration-dry-run' ? '' : config.manifestPath),
    'snapshot-sha256': e?.sha256 ?? '',
    'snapshot-size': e ? String(e.size) : '',
    'content-digest': e?.contentDigest ?? '',
    'file-count': e ? String(e.files) : '',
    'report-path': config.reportPath,
    'report-json-path': config.reportJsonPath,
    'artifact-id': report.artifact ? String(report.artifact.id) : '',
    'artifact-url': report.artifact?.url ?? ''
  }
}

const WRITES_SNAPSHOT = new Set(['precutover', 'snapshot'])

/**
 * The house both doors call: run the lane, record the evidence in the report files (GO only if that
 * worked), upload the artifact when asked, and hand back the report and the outputs to publish.
 */
export async function runGate(
  config: Config,
  passphrase: string,
  logger: Logger,
  env: NodeJS.ProcessEnv
): Promise<GateResult> {
  const startedAt = new Date()
  // git, for commit and ref outside Actions, answers while the lane runs
  const context = contextFromEnv(env, config.repo)
  const lane = await runLane(config, passphrase, logger)
  const warnings: string[] = []
  if (
    WRITES_SNAPSHOT.has(config.mode) &&
    !config.uploadArtifact &&
    env.RUNNER_ENVIRONMENT === 'github-hosted'
  ) {
    warnings.push(
      'the snapshot lives only on this GitHub-hosted runner and disappears with it: set upload-artifact: true, or run on a self-hosted runner with approved storage'
    )
  }
  const report = buildReport({
    mode: config.mode,
    steps: lane.steps,
    evidence: lane.evidence,
    context: await context,
    startedAt,
    finishedAt: new Date(),
    warnings,
    manifestPath: config.mode === 'migration-dry-run' ? undefined : config.manifestPath
  })

  const record = async (): Promise<boolean> => {
    try {
      await writeReportFiles(report, config.reportPath, config.reportJsonPath)
      return true
    } catch (error) {
      report.decision = 'NO-GO'
      report.reason = `the readiness report could not be written to ${config.reportPath}: ${(error as Error).message}; the evidence is not recorded`
      return false
    }
  }

  if (await record()) {
    if (config.uploadArtifact && report.decision === 'GO' && report.evidence) {
      const files = [
        report.evidence.snapshotPath,
        report.evidence.manifestPath,
        config.reportPath,
        config.reportJsonPath
      ]
      // the artifact client reads these from process.env: set only now, when every migration
      // process is gone (a write to process.env does not change /proc/<pid>/environ)
      for (const name of ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL']) {
        if (env[name] && !process.env[name]) process.env[name] = env[name]
      }
      try {
        // loaded only here: the artifact client is most of the bundle, and most runs never upload
        const { uploadEvidence } = await import('./artifact/upload-evidence.js')
        const uploaded = await logger.group('upload-artifact', () =>
          uploadEvidence({
            name: config.artifactName,
            files,
            rootDirectory: commonFolder(files),
            retentionDays: config.retentionDays
          })
        )
        report.artifact = { id: uploaded.id, url: uploaded.url, name: uploaded.name }
      } catch (error) {
        report.decision = 'NO-GO'
        report.reason = `artifact upload failed: ${(error as Error).message}`
      }
      await record()
    } else if (config.uploadArtifact && report.decision === 'NO-GO') {
      report.warnings.push('artifact not uploaded: the decision is NO-GO')
      await record()
    }
  }
  return { report, markdown: renderMarkdown(report), outputs: outputsOf(report, config) }
}
