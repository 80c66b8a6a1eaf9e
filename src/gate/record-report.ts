import { writeReportFiles } from '../report/write-report.js'
import { reportOf, type GateRun } from './gate-run.js'

/**
 * Writes the report files. A report that cannot be written is a NO-GO: evidence that is not
 * recorded is no evidence (runbook: GO only when evidence is recorded).
 */
export async function recordReport(run: GateRun): Promise<GateRun> {
  const { reportPath, reportJsonPath } = run.config
  try {
    await writeReportFiles(reportOf(run), reportPath, reportJsonPath)
    return { ...run, recorded: true }
  } catch (error) {
    const unrecorded = `the readiness report could not be written to ${reportPath}: ${(error as Error).message}; the evidence is not recorded`
    return { ...run, input: { ...run.input, unrecorded }, recorded: false }
  }
}
