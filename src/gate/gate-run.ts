import type { Config } from '../config/config.js'
import type { LaneStore } from '../store/store-lane.js'
import { buildReport, type ReadinessReport, type ReportInput } from '../report/report-model.js'

/**
 * One run of the gate between its phases: what the report will say (the lane's rows and every
 * later fact), and whether the report files hold it. Phases return a new run; none edits a
 * report, which is always built afresh from `input` (and so decided afresh by decide()).
 */
export interface GateRun {
  readonly config: Config
  readonly input: ReportInput
  /** Whether the report files hold what `input` says now. */
  readonly recorded: boolean
  /** With the store input: the open store (keep-last prunes there). */
  readonly store?: LaneStore
}

export const reportOf = (run: GateRun): ReadinessReport => buildReport(run.input)
