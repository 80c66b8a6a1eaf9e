import fs from 'node:fs'
import { z } from 'zod'
import { CAPS, readRegularFile } from '../util/read-regular-file.js'

// The headline and footer render-markdown writes: together they mark a file as one of ours.
const MARKDOWN_HEAD = /^# (✅ GO|⛔ NO-GO) — cutover-gate readiness\r?\n/
const MARKDOWN_FOOT =
  /<sub>cutover-gate readiness report, format version \d+\. It never holds the passphrase\.<\/sub>\s*$/

// The JSON twin's fixed fields; the manifest's `tool` is an object, so it never matches.
const JsonReport = z.object({
  tool: z.literal('cutover-gate'),
  decision: z.enum(['GO', 'NO-GO']),
  mode: z.string(),
  steps: z.array(z.unknown())
})

// A report is small; anything far larger is not one, and is not read whole to find out.
const MAX_REPORT_BYTES = 64 * 1024 * 1024

export type ReportKind = 'markdown' | 'json'

function looksLike(kind: ReportKind, text: string): boolean {
  if (kind === 'markdown') return MARKDOWN_HEAD.test(text) && MARKDOWN_FOOT.test(text)
  try {
    return JsonReport.safeParse(JSON.parse(text)).success
  } catch {
    return false
  }
}

/**
 * Why target may not be replaced by a report of that kind, or undefined when it may: it is absent,
 * or a plain file holding an earlier readiness report. Never follows a link at target.
 */
export function replaceProblem(target: string, kind: ReportKind): string | undefined {
  let info
  try {
    info = fs.lstatSync(target)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    return `${target} cannot be inspected (${code ?? 'error'}); choose another report-path`
  }
  if (info.isSymbolicLink()) {
    return `${target} is a symlink (to ${fs.readlinkSync(target)}); a report is never written through a link: remove it or choose another report-path`
  }
  if (!info.isFile()) return `${target} is not a regular file; choose another report-path`
  const earlier =
    info.size <= MAX_REPORT_BYTES && looksLike(kind, readRegularFile(target, CAPS.report))
  if (earlier) return undefined
  return `${target} exists and is not an earlier cutover-gate readiness report, so it is left untouched: choose another report-path or move that file away`
}
