import { writeFileAtomic } from '../util/atomic-write.js'
import { renderJson } from './render-json.js'
import { renderMarkdown } from './render-markdown.js'
import type { ReadinessReport } from './report-model.js'

/**
 * Writes the Markdown report and its JSON twin, each atomically (temp file + rename), creating
 * folders. A run that dies midway leaves the previous report whole, never half of a new one.
 */
export async function writeReportFiles(
  report: ReadinessReport,
  markdownPath: string,
  jsonPath: string
): Promise<void> {
  const markdown = renderMarkdown(report)
  const json = renderJson(report)
  writeFileAtomic(jsonPath, json)
  writeFileAtomic(markdownPath, markdown)
}
