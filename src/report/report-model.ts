import type { Mode } from '../config/config.js'
import type { DecisionPoint, StepName } from '../outcome/step-names.js'
import type { SnapshotEvidence } from '../format/snapshot-evidence.js'
import type { StepResult } from '../outcome/step-result.js'
import type { RunContext } from './run-context.js'
import { decide, type DecisionFacts } from '../decision/decide.js'
import { idOfSnapshotName } from '../format/catalogue-names.js'
import type { CatalogueEntry } from '../catalogue/read-catalogue.js'
import type { PrunedSnapshot } from '../catalogue/prune.js'
import type { ExposureAudit } from '../exposure/exposure-model.js'

/** Bumped when a field of the JSON twin changes meaning or goes away. */
export const REPORT_VERSION = 1

/**
 * Everything the readiness report says. It has no passphrase field, on purpose: what is not in
 * the model cannot reach the summary, the files or the terminal.
 */
export interface ReadinessReport {
  decision: 'GO' | 'NO-GO'
  mode: Mode
  failedStep?: StepName
  reason?: string
  startedAt: string
  finishedAt: string
  steps: StepResult[]
  evidence?: SnapshotEvidence
  context: RunContext
  /** Every warning of the run (the steps' ones included), shown once. */
  warnings: string[]
  artifact?: { id: number; url: string; name: string }
  /** The manifest the run used or would use, for the rollback guidance when there is no evidence. */
  manifestPath?: string
  /** The id (UTC stamp) of the snapshot the evidence is about. */
  snapshotId?: string
  /** The catalogue of snapshot-dir: list mode, and after a prune. Newest first. */
  catalogue?: CatalogueEntry[]
  /** What keep-last pruned after the GO. */
  pruned?: PrunedSnapshot[]
  /** What going public would publish (the exposure-audit step). */
  exposure?: ExposureAudit
}

export interface ReportInput {
  mode: Mode
  steps: StepResult[]
  evidence?: SnapshotEvidence
  context: RunContext
  startedAt: Date | string
  finishedAt: Date | string
  /** Warnings of the run that belong to no step; the steps' own are added. */
  warnings?: string[]
  artifact?: ReadinessReport['artifact']
  manifestPath?: string
  /** list mode: the catalogue read, or why it could not be; after a prune, what is left. */
  catalogue?: CatalogueEntry[]
  catalogueProblem?: string
  /** What keep-last pruned after the GO. */
  pruned?: PrunedSnapshot[]
  /** Why the readiness report could not be written: the evidence is then not recorded. */
  unrecorded?: string
  exposure?: ExposureAudit
}

const iso = (time: Date | string): string => (typeof time === 'string' ? time : time.toISOString())

/** What the decision rests on, as the lane left it (the gate adds the rest as the run goes on). */
export function factsOf(input: ReportInput): DecisionFacts {
  return {
    mode: input.mode,
    steps: input.steps,
    evidence: Boolean(input.evidence),
    catalogueRead: Boolean(input.catalogue),
    catalogueProblem: input.catalogueProblem,
    unrecorded: input.unrecorded
  }
}

/** The report from the lane's results; its decision is decide()'s (src/decision/decide.ts). */
export function buildReport(input: ReportInput): ReadinessReport {
  const { decision, failedStep, reason } = decide(factsOf(input))
  const report: ReadinessReport = {
    decision,
    mode: input.mode,
    ...(failedStep ? { failedStep } : {}),
    ...(reason ? { reason } : {}),
    startedAt: iso(input.startedAt),
    finishedAt: iso(input.finishedAt),
    steps: input.steps,
    context: input.context,
    warnings: [
      ...(input.warnings ?? []),
      ...input.steps.flatMap((step) => step.warnings.map((w) => `${step.name}: ${w}`))
    ]
  }
  if (input.evidence) report.evidence = input.evidence
  if (input.artifact) report.artifact = input.artifact
  if (input.manifestPath) report.manifestPath = input.manifestPath
  const id = input.evidence && idOfSnapshotName(input.evidence.snapshotPath.split(/[\\/]/).at(-1)!)
  if (id) report.snapshotId = id
  if (input.catalogue) report.catalogue = input.catalogue
  if (input.pruned) report.pruned = input.pruned
  if (input.exposure) report.exposure = input.exposure
  return report
}

/**
 * The rollback decision point a NO-GO reached: the failed step's own; else B for mode restore
 * (that is a rollback already), A otherwise (nothing written to production yet).
 */
export function decisionPointOf(report: ReadinessReport): DecisionPoint | undefined {
  if (report.decision === 'GO' || report.mode === 'list') return undefined
  const failed = report.steps.find(
    (step) => step.name === report.failedStep && step.status === 'failed'
  )
  const point = (failed ?? report.steps.find((step) => step.status === 'failed'))?.decisionPoint
  return point ?? (report.mode === 'restore' ? 'B' : 'A')
}
