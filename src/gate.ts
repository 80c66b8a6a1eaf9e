import fs from 'node:fs'
import path from 'node:path'
import { snapshotManifestName } from './format/catalogue-names.js'
import type { Config } from './config/config.js'
import type { OutputName } from './config/input-names.js'
import type { Door } from './config/door.js'
import { refusePublicArtifact } from './config/public-repository.js'
import { runLane, type LaneOutcome } from './lane/run-lane.js'
import { timedStep } from './lane/timed-step.js'
import { pruneSnapshots } from './catalogue/prune.js'
import { readCatalogue } from './catalogue/read-catalogue.js'
import { resolveSnapshot } from './catalogue/resolve-snapshot.js'
import {
  applyDecision,
  buildReport,
  contextFromEnv,
  factsOf,
  type ReadinessReport,
  type ReportInput
} from './report/report-model.js'
import { decide, type DecisionFacts } from './decision/decide.js'
import { renderMarkdown } from './report/render-markdown.js'
import { writeReportFiles } from './report/write-report.js'
import { keysOf, type KeySource } from './format/snapshot-keys.js'
import type { Logger } from './util/logger.js'
import { readStoreCatalogue } from './store/store-catalogue.js'
import { pruneStore } from './store/store-prune.js'
import {
  chooseFromStore,
  openLaneStore,
  type LaneStore,
  type StoredChoice
} from './store/store-lane.js'

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
    'artifact-url': report.artifact?.url ?? '',
    'snapshot-id': report.snapshotId ?? '',
    snapshots: report.catalogue ? JSON.stringify(report.catalogue) : '',
    'snapshot-url': config.store && e ? e.snapshotPath : ''
  }
}

function ownManifestOf(snapshotPath: string, id: string | undefined): string[] {
  const own = id ? path.join(path.dirname(snapshotPath), snapshotManifestName(id)) : ''
  return own && fs.existsSync(own) ? [own] : []
}

const WRITES_SNAPSHOT = new Set(['precutover', 'snapshot'])
/** Modes whose GO proves a snapshot, after which keep-last may prune the older ones. */
const PRUNES_AFTER_GO = new Set(['precutover', 'snapshot', 'restore-test'])

/** Catalogue inputs given to a mode that does not use them: said, not silently dropped. */
function ignoredInputs(config: Config): string[] {
  const ignored: string[] = []
  if (config.snapshot !== 'latest' && config.mode !== 'restore-test' && config.mode !== 'restore')
    ignored.push(
      `snapshot: ${config.snapshot} is ignored in mode ${config.mode}; only restore-test and restore pick a snapshot`
    )
  if (config.keepLast > 0 && !PRUNES_AFTER_GO.has(config.mode))
    ignored.push(
      `keep-last: ${config.keepLast} is ignored in mode ${config.mode}; only a GO of precutover, snapshot or restore-test prunes`
    )
  if (config.store && config.uploadArtifact)
    ignored.push(
      'upload-artifact: true is ignored with store: the snapshot and its manifest are in the store'
    )
  return ignored
}

/** list mode: the catalogue, read without a passphrase; no report file is replaced by it. */
async function listGate(config: Config, env: NodeJS.ProcessEnv): Promise<GateResult> {
  const startedAt = new Date()
  let catalogue
  let catalogueProblem: string | undefined
  try {
    const stored = await openLaneStore(config, env)
    catalogue = stored
      ? (await readStoreCatalogue(stored.store)).entries
      : readCatalogue(config.snapshotDir, config.manifestPath).entries
  } catch (error) {
    catalogueProblem = (error as Error).message
  }
  const report = buildReport({
    mode: 'list',
    steps: [],
    context: await contextFromEnv(env, config.repo),
    startedAt,
    finishedAt: new Date(),
    catalogue,
    catalogueProblem,
    warnings: ignoredInputs(config)
  })
  return { report, markdown: renderMarkdown(report), outputs: outputsOf(report, config) }
}

/** restore-test / restore of `snapshot: <id>`: the lane verifies that id's own manifest. */
async function laneFor(
  config: Config,
  keys: KeySource,
  logger: Logger,
  stored?: LaneStore
): Promise<{ lane: LaneOutcome; manifestPath: string }> {
  if (stored && (config.mode === 'restore-test' || config.mode === 'restore')) {
    // in a store, latest is the newest id with a manifest: there is no latest-manifest object
    let chosen: StoredChoice | undefined
    const step = await timedStep(config.mode, config.mode === 'restore' ? 'B' : 'A', async () => {
      chosen = await chooseFromStore(stored.store, config.snapshot)
      return { detail: '' }
    })
    if (!chosen) return { lane: { steps: [step] }, manifestPath: config.manifestPath }
    return {
      lane: await runLane(config, keys, logger, { ...stored, chosen }),
      manifestPath: chosen.manifestUrl
    }
  }
  if (stored) return { lane: await runLane(config, keys, logger, stored), manifestPath: '' }
  if (config.snapshot === 'latest' || (config.mode !== 'restore-test' && config.mode !== 'restore'))
    return { lane: await runLane(config, keys, logger), manifestPath: config.manifestPath }
  let manifestPath = config.manifestPath
  const chosen = await timedStep(config.mode, config.mode === 'restore' ? 'B' : 'A', async () => {
    manifestPath = resolveSnapshot(config)
    return { detail: '' }
  })
  if (chosen.status === 'failed') return { lane: { steps: [chosen] }, manifestPath }
  return { lane: await runLane({ ...config, manifestPath }, keys, logger), manifestPath }
}

/**
 * The house both doors call: run the lane, record the evidence in the report files (GO only if that
 * worked), upload the artifact when asked, and hand back the report and the outputs to publish.
 */
export async function runGate(
  config: Config,
  keys: KeySource,
  logger: Logger,
  env: NodeJS.ProcessEnv,
  door: Door = 'action'
): Promise<GateResult> {
  if (config.mode === 'list') return listGate(config, env)
  // before the lane: a refused upload must not leave a snapshot behind
  const visibilityWarning = refusePublicArtifact(config, env, door, keysOf(keys))
  if (visibilityWarning) logger.warning(visibilityWarning)
  const startedAt = new Date()
  // git, for commit and ref outside Actions, answers while the lane runs
  const context = contextFromEnv(env, config.repo)
  const stored = await openLaneStore(config, env)
  const { lane, manifestPath } = await laneFor(config, keys, logger, stored)
  const warnings: string[] = visibilityWarning ? [visibilityWarning] : []
  if (
    WRITES_SNAPSHOT.has(config.mode) &&
    !config.uploadArtifact &&
    !config.store &&
    env.RUNNER_ENVIRONMENT === 'github-hosted'
  ) {
    warnings.push(
      'the snapshot lives only on this GitHub-hosted runner and disappears with it: set upload-artifact: true, or run on a self-hosted runner with approved storage'
    )
  }
  warnings.push(...ignoredInputs(config))
  const input: ReportInput = {
    mode: config.mode,
    steps: lane.steps,
    evidence: lane.evidence,
    context: await context,
    startedAt,
    finishedAt: new Date(),
    warnings,
    manifestPath: config.mode === 'migration-dry-run' ? undefined : manifestPath
  }
  const report = buildReport(input)
  // what the decision rests on; each later fact (report not recorded, upload failed) is added
  // here and the decision taken again by decide(), never set by hand
  const facts: DecisionFacts = factsOf(input)
  const settle = (fact: Partial<DecisionFacts>): void => {
    Object.assign(facts, fact)
    applyDecision(report, decide(facts))
  }
  let recorded = false
  const record = async (): Promise<boolean> => {
    try {
      await writeReportFiles(report, config.reportPath, config.reportJsonPath)
      return (recorded = true)
    } catch (error) {
      recorded = false
      settle({
        unrecorded: `the readiness report could not be written to ${config.reportPath}: ${(error as Error).message}; the evidence is not recorded`
      })
      return false
    }
  }

  if (await record()) {
    if (config.uploadArtifact && !stored && report.decision === 'GO' && report.evidence) {
      const evidenceFiles = [
        report.evidence.snapshotPath,
        report.evidence.manifestPath,
        // its own manifest too, so `snapshot: <id>` works on the downloaded artifact
        ...ownManifestOf(report.evidence.snapshotPath, report.snapshotId),
        config.reportPath,
        config.reportJsonPath
      ]
      // restore-test of an id has that manifest as its evidence already
      const files = [...new Set(evidenceFiles)]
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
        settle({ uploadFailed: `artifact upload failed: ${(error as Error).message}` })
      }
      await record()
    } else if (config.uploadArtifact && report.decision === 'NO-GO') {
      report.warnings.push('artifact not uploaded: the decision is NO-GO')
      await record()
    }
  }
  // last, once the decision is final (report recorded, artifact uploaded): never on a NO-GO
  if (
    report.decision === 'GO' &&
    report.evidence &&
    config.keepLast > 0 &&
    PRUNES_AFTER_GO.has(config.mode)
  ) {
    try {
      const { pruned, kept, catalogue } = stored
        ? await pruneStore(
            stored.store,
            config.keepLast,
            new Set([report.evidence.snapshotPath.slice(stored.store.url().length)])
          )
        : {
            kept: [],
            ...pruneSnapshots(
              config.snapshotDir,
              config.manifestPath,
              config.keepLast,
              new Set([path.basename(report.evidence.snapshotPath)])
            )
          }
      report.pruned = pruned
      report.catalogue = catalogue.entries
      // a locked snapshot is not an error: it is listed as kept until its retain-until
      for (const k of kept)
        report.warnings.push(
          `keep-last: snapshot ${k.id} is kept: Object Lock holds it until ${k.retainUntil}`
        )
    } catch (error) {
      report.warnings.push(
        `keep-last: pruning ${stored ? stored.store.url() : config.snapshotDir} stopped: ${(error as Error).message}; the catalogue stays consistent, rerun to finish`
      )
    }
    await record()
  }
  const outputs = outputsOf(report, config)
  // a report that could not be written (or rewritten) is not pointed at as if it were there
  if (!recorded) outputs['report-path'] = outputs['report-json-path'] = ''
  return { report, markdown: renderMarkdown(report), outputs }
}
