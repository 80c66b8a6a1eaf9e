import type { Config } from '../config/config.js'
import { readCatalogue } from '../catalogue/read-catalogue.js'
import { buildReport, type ReadinessReport } from '../report/report-model.js'
import { contextFromEnv } from '../report/run-context.js'
import { ignoredInputs } from './gate-warnings.js'
import { openLaneStore } from '../store/store-lane.js'
import { readStoreCatalogue } from '../store/store-catalogue.js'

/** list mode: the catalogue, read without a secret; it writes no report file. */
export async function listCatalogue(
  config: Config,
  env: NodeJS.ProcessEnv
): Promise<ReadinessReport> {
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
  return buildReport({
    mode: 'list',
    steps: [],
    context: await contextFromEnv(env, config.repo),
    startedAt,
    finishedAt: new Date(),
    catalogue,
    catalogueProblem,
    manifestPath: config.manifestPath,
    warnings: ignoredInputs(config)
  })
}
