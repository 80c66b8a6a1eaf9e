import { decisionPointOf, REPORT_VERSION, type ReadinessReport } from './report-model.js'
import { encryptionRecordJson } from '../format/encryption-record.js'
import { guidanceText, rollbackGuidance } from './rollback-guidance.js'
import { reportForSink } from '../privacy/name-policy.js'

/**
 * The JSON twin: the same facts as the Markdown for programs. Field names are stable; a field
 * that does not apply is null rather than missing, so readers need no existence checks.
 */
export function reportJson(report: ReadinessReport): Record<string, unknown> {
  const point = decisionPointOf(report)
  const e = report.evidence
  const c = report.context
  const guidance = point
    ? rollbackGuidance(point, {
        failedStep: report.failedStep,
        reason: report.reason,
        manifestPath: e?.manifestPath ?? report.manifestPath
      })
    : undefined
  const took = Date.parse(report.finishedAt) - Date.parse(report.startedAt)
  return {
    version: REPORT_VERSION,
    tool: 'cutover-gate',
    decision: report.decision,
    mode: report.mode,
    failedStep: report.failedStep ?? null,
    reason: report.reason ?? null,
    decisionPoint: point ?? null,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    durationMs: Number.isFinite(took) ? took : null,
    steps: report.steps.map((step) => ({
      name: step.name,
      status: step.status,
      durationMs: Math.round(step.durationMs),
      detail: step.detail,
      decisionPoint: step.decisionPoint ?? null,
      warnings: step.warnings,
      output: step.output ?? null
    })),
    evidence: e
      ? {
          snapshotPath: e.snapshotPath,
          manifestPath: e.manifestPath,
          size: e.size,
          sha256: e.sha256,
          contentDigest: e.contentDigest,
          files: e.files,
          bytes: e.bytes,
          compression: e.compression,
          encryption: encryptionRecordJson(e.encryption),
          createdAt: e.createdAt,
          retainUntil: e.retainUntil ?? null
        }
      : null,
    artifact: report.artifact
      ? { id: report.artifact.id, url: report.artifact.url, name: report.artifact.name }
      : null,
    context: {
      repository: c.repository ?? null,
      commit: c.commit ?? null,
      ref: c.ref ?? null,
      event: c.event ?? null,
      workflow: c.workflow ?? null,
      runUrl: c.runUrl ?? null,
      runner: c.runner ?? null,
      actor: c.actor ?? null
    },
    warnings: report.warnings,
    rollback: guidance
      ? {
          decisionPoint: guidance.decisionPoint,
          title: guidance.title,
          steps: guidanceText(guidance.steps)
        }
      : null,
    // added with the catalogue; after the older fields so their order stays
    snapshotId: report.snapshotId ?? null,
    catalogue: report.catalogue ?? null,
    pruned: report.pruned ?? null,
    // the exposure audit: counts, include roots, commit and ref ids, never a path under an include
    exposure: report.exposure ?? null
  }
}

/** The JSON twin as text: two-space indented, with a final newline. */
export function renderJson(report: ReadinessReport): string {
  return `${JSON.stringify(reportJson(reportForSink('report', report)), null, 2)}\n`
}
