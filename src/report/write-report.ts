import path from 'node:path'
import { realPath } from '../paths/real-path.js'
import { writeFileAtomic } from '../util/atomic-write.js'
import { replaceProblem } from '../format/earlier-report.js'
import { renderJson } from './render-json.js'
import { renderMarkdown } from './render-markdown.js'
import type { ReadinessReport } from './report-model.js'

/** A folder that, since the inputs were judged, became (or sits behind) a link: refuse it. */
function folderProblem(target: string): string | undefined {
  const folder = path.dirname(target)
  const real = realPath(folder)
  if (real === folder) return undefined
  return `${folder} now leads through a symlink to ${real}; the report is not written through links: choose another report-path`
}

/**
 * Writes the Markdown report and its JSON twin, each atomically (temp file + rename), creating
 * folders. Replaces only an earlier readiness report: anything else at either path (a manifest, a
 * script, a link) refuses both before either is written. A run that dies midway leaves the
 * previous report whole, never half of a new one.
 */
export async function writeReportFiles(
  report: ReadinessReport,
  markdownPath: string,
  jsonPath: string
): Promise<void> {
  const problem =
    folderProblem(markdownPath) ??
    folderProblem(jsonPath) ??
    replaceProblem(markdownPath, 'markdown') ??
    replaceProblem(jsonPath, 'json')
  if (problem) throw new Error(problem)
  const markdown = renderMarkdown(report)
  const json = renderJson(report)
  writeFileAtomic(jsonPath, json)
  writeFileAtomic(markdownPath, markdown)
}
