import type { Config } from '../config/config.js'
import type { OutputName } from '../config/input-names.js'
import type { ReadinessReport } from '../report/report-model.js'
import { exposureOutput } from '../exposure/exposure-model.js'

/** The step's outputs (SPEC "Outputs"); a report that is not written is not pointed at. */
export function outputsOf(
  report: ReadinessReport,
  config: Config,
  recorded: boolean
): Record<OutputName, string> {
  const e = report.evidence
  return {
    decision: report.decision,
    'failed-step': report.failedStep ?? '',
    'snapshot-path': e?.snapshotPath ?? '',
    'manifest-path': e?.manifestPath ?? report.manifestPath ?? '',
    'snapshot-sha256': e?.sha256 ?? '',
    'snapshot-size': e ? String(e.size) : '',
    'content-digest': e?.contentDigest ?? '',
    'file-count': e ? String(e.files) : '',
    'report-path': recorded ? config.reportPath : '',
    'report-json-path': recorded ? config.reportJsonPath : '',
    'artifact-id': report.artifact ? String(report.artifact.id) : '',
    'artifact-url': report.artifact?.url ?? '',
    'snapshot-id': report.snapshotId ?? '',
    snapshots: report.catalogue ? JSON.stringify(report.catalogue) : '',
    exposure: report.exposure ? exposureOutput(report.exposure) : '',
    'snapshot-url': config.store && e ? e.snapshotPath : ''
  }
}
