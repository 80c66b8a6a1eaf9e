import type { Config } from './config/config.js'
import type { OutputName } from './config/input-names.js'
import type { Door } from './config/door.js'
import { refusePublicArtifact } from './config/public-repository.js'
import type { SnapshotKeys } from './format/snapshot-keys.js'
import { runWarnings } from './gate/gate-warnings.js'
import { reportOf, type GateRun } from './gate/gate-run.js'
import { listCatalogue } from './gate/list-catalogue.js'
import { outputsOf } from './gate/outputs.js'
import { pruneAfterGo } from './gate/prune-after-go.js'
import { recordReport } from './gate/record-report.js'
import { uploadArtifact } from './gate/upload-artifact.js'
import { runLane } from './lane/run-lane.js'
import { MODES, needsKey } from './config/modes.js'
import type { ReadinessReport } from './report/report-model.js'
import { contextFromEnv } from './report/run-context.js'
import { renderMarkdown } from './report/render-markdown.js'
import type { Logger } from './util/logger.js'
import { githubRequestOf } from './exposure/github-request.js'
import { openLaneStore } from './store/store-lane.js'

export interface GateResult {
  report: ReadinessReport
  markdown: string
  outputs: Record<OutputName, string>
}

/**
 * The house both doors call. The lane runs the mode's steps (src/config/modes.ts); then the gate's
 * phases: record the report → upload → record → prune → record. Each phase adds facts to the run;
 * decide() (src/decision/decide.ts) judges them afresh each time the report is built. A report
 * that cannot be written stops the phases: unrecorded evidence is a NO-GO.
 */
export async function runGate(
  config: Config,
  keys: SnapshotKeys,
  logger: Logger,
  env: NodeJS.ProcessEnv,
  door: Door = 'action'
): Promise<GateResult> {
  if (!MODES[config.mode].writesReport) {
    const report = await listCatalogue(config, env)
    return { report, markdown: renderMarkdown(report), outputs: outputsOf(report, config, false) }
  }
  // before the lane: a refused upload must not leave a snapshot behind
  const visibilityWarning = refusePublicArtifact(config, env, door, keys)
  if (visibilityWarning) logger.warning(visibilityWarning)
  const startedAt = new Date()
  // git, for commit and ref outside Actions, answers while the lane runs
  const context = contextFromEnv(env, config.repo)
  const store = await openLaneStore(config, env)
  const lane = await runLane(config, keys, logger, {
    github: githubRequestOf(env, door, config.artifactName),
    store
  })
  let run: GateRun = {
    config,
    recorded: false,
    store,
    input: {
      mode: config.mode,
      steps: lane.steps,
      evidence: lane.evidence,
      context: await context,
      startedAt,
      finishedAt: new Date(),
      warnings: [...(visibilityWarning ? [visibilityWarning] : []), ...runWarnings(config, env)],
      // the manifest a rollback would use, in the modes that write or read one
      manifestPath: needsKey(config.mode) ? lane.manifestPath : undefined,
      exposure: lane.exposure
    }
  }
  run = await recordReport(run)
  for (const phase of [(r: GateRun) => uploadArtifact(r, env, logger), pruneAfterGo]) {
    if (!run.recorded) break
    const next = await phase(run)
    if (next) run = await recordReport(next)
  }
  const report = reportOf(run)
  return {
    report,
    markdown: renderMarkdown(report),
    outputs: outputsOf(report, config, run.recorded)
  }
}
