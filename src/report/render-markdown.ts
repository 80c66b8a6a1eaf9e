import type { StepResult } from '../outcome/step-result.js'
import { describeEncryptionRecord } from '../format/encryption-record.js'
import { codeBlock, escapeHtml, escapeMarkdown, inlineCode, richText, safeUrl } from './escape.js'
import { bytesBoth, groupDigits, humanDuration, plural } from './format.js'
import { decisionPointOf, REPORT_VERSION, type ReadinessReport } from './report-model.js'
import { rollbackGuidance, type Part } from './rollback-guidance.js'
import { CATALOGUE_COLUMNS, catalogueCells } from './catalogue-rows.js'
import { reportForSink } from '../privacy/name-policy.js'
import { exposureSection } from './exposure-section.js'
import { needsKey } from '../config/modes.js'

/** GitHub's limit for one step's job summary. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024
/** What the report aims for: under the limit, with room for a line the action door may add. */
export const DEFAULT_MAX_BYTES = SUMMARY_LIMIT_BYTES - 48 * 1024

const MAX_DETAIL = 2000
const MAX_REASON = 4000
const MAX_WARNINGS = 100
const MAX_WARNING = 1000

export interface MarkdownOptions {
  /** Total size cap in bytes; command output is cut first, never the decision or evidence. */
  maxBytes?: number
}

const STATUS_ICON: Record<StepResult['status'], string> = {
  passed: '✅',
  failed: '❌',
  skipped: '⏭️'
}

const clip = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text
const bytesOf = (text: string): number => Buffer.byteLength(text, 'utf8')

function table(header: [string, string] | string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

function guidancePart(part: Part): string {
  return typeof part === 'string' ? escapeMarkdown(part) : inlineCode(part.code, false)
}

function headline(report: ReadinessReport): string {
  const go = report.decision === 'GO'
  if (report.mode === 'list') {
    const title = go
      ? '# ✅ GO — cutover-gate snapshot catalogue'
      : '# ⛔ NO-GO — cutover-gate snapshot catalogue'
    const reason = go
      ? ''
      : `\n\n**Reason:** ${richText(clip(report.reason ?? 'not given', MAX_REASON), false)}`
    return `${title}\n\n**Mode:** ${inlineCode('list', false)}${reason}`
  }
  const title = go ? '# ✅ GO — cutover-gate readiness' : '# ⛔ NO-GO — cutover-gate readiness'
  const facts = [`**Mode:** ${inlineCode(report.mode, false)}`]
  if (go) {
    facts.push(`**Steps:** ${report.steps.length} passed`)
    const evidence = report.evidence ? ' and the snapshot evidence below is recorded' : ''
    return `${title}\n\n${facts.join(' · ')}\n\nEvery step passed${evidence}.`
  }
  if (report.failedStep) facts.push(`**Failed step:** ${inlineCode(report.failedStep, false)}`)
  facts.push(`**Rollback:** decision point ${decisionPointOf(report)}`)
  const reason = report.reason ? richText(clip(report.reason, MAX_REASON), false) : 'not given'
  return `${title}\n\n${facts.join(' · ')}\n\n**Reason:** ${reason}`
}

function stepsSection(report: ReadinessReport): string | undefined {
  if (report.mode === 'list') return undefined
  if (report.steps.length === 0) return '## Steps\n\n_No step ran._'
  const rows = report.steps.map((step) => [
    inlineCode(step.name),
    `${STATUS_ICON[step.status]} ${step.status}`,
    step.status === 'skipped' ? '—' : humanDuration(step.durationMs),
    richText(clip(step.detail, MAX_DETAIL))
  ])
  return `## Steps\n\n${table(['Step', 'Status', 'Duration', 'Detail'], rows)}`
}

function guidanceSection(report: ReadinessReport): string | undefined {
  const point = decisionPointOf(report)
  if (!point) return undefined
  const guidance = rollbackGuidance(point, {
    failedStep: report.failedStep,
    reason: report.reason,
    manifestPath: report.evidence?.manifestPath ?? report.manifestPath
  })
  const steps = guidance.steps.map((parts, i) => `${i + 1}. ${parts.map(guidancePart).join('')}`)
  return `## Rollback guidance — decision point ${point}: ${guidance.title}\n\n${steps.join('\n')}`
}

function evidenceSection(report: ReadinessReport): string | undefined {
  const e = report.evidence
  if (!e) {
    // only a mode that writes or reads a snapshot owes the reader one
    if (!needsKey(report.mode)) return undefined
    return '## Snapshot evidence\n\n_No snapshot was written or verified in this run._'
  }
  const rows = [
    ...(report.snapshotId ? [['Snapshot id', inlineCode(report.snapshotId)]] : []),
    ['File', inlineCode(e.snapshotPath)],
    ['Size', bytesBoth(e.size)],
    ['SHA-256', inlineCode(e.sha256)],
    ['Content digest', inlineCode(e.contentDigest)],
    ['Files', groupDigits(e.files)],
    ['Bytes', bytesBoth(e.bytes)],
    ['Compression', escapeMarkdown(e.compression)],
    ['Encryption', escapeMarkdown(describeEncryptionRecord(e.encryption))],
    ['Manifest', inlineCode(e.manifestPath)],
    ['Created', escapeMarkdown(e.createdAt)],
    ...(e.retainUntil ? [['Locked until', escapeMarkdown(`${e.retainUntil} (Object Lock)`)]] : [])
  ]
  if (report.artifact) {
    const url = safeUrl(report.artifact.url)
    const name = escapeMarkdown(report.artifact.name)
    rows.push(['Artifact', `${url ? `[${name}](<${url}>)` : name} (id ${report.artifact.id})`])
  }
  return `## Snapshot evidence\n\n${table(['Evidence', 'Value'], rows)}`
}

function catalogueSection(report: ReadinessReport): string | undefined {
  if (!report.catalogue) return undefined
  if (report.catalogue.length === 0)
    return '## Snapshot catalogue\n\n_snapshot-dir holds no snapshot._'
  const rows = report.catalogue.map((entry) =>
    catalogueCells(entry).map((cell, i) => (i === 0 ? inlineCode(cell) : escapeMarkdown(cell)))
  )
  return `## Snapshot catalogue\n\n${table([...CATALOGUE_COLUMNS], rows)}`
}

function prunedSection(report: ReadinessReport): string | undefined {
  if (!report.pruned) return undefined
  if (report.pruned.length === 0) return '## Pruned (keep-last)\n\n_Nothing to prune._'
  const freed = report.pruned.reduce((sum, p) => sum + p.freedBytes, 0)
  const rows = report.pruned.map((p) => [
    inlineCode(p.id),
    p.file ? inlineCode(p.file) : '—',
    inlineCode(p.manifest),
    bytesBoth(p.freedBytes)
  ])
  return `## Pruned (keep-last)\n\n${table(['Id', 'File', 'Manifest', 'Freed'], rows)}\n\nFreed ${bytesBoth(freed)} in all.`
}

function warningsSection(report: ReadinessReport): string | undefined {
  if (report.warnings.length === 0) return undefined
  const shown = report.warnings
    .slice(0, MAX_WARNINGS)
    .map((w) => `- ${richText(clip(w, MAX_WARNING), false)}`)
  const more = report.warnings.length - shown.length
  if (more > 0) shown.push(`- …and ${more} more (all of them are in the JSON report)`)
  return `## Warnings\n\n${shown.join('\n')}`
}

function contextSection(report: ReadinessReport): string {
  const c = report.context
  const rows: string[][] = []
  const add = (label: string, value: string | undefined, code = true): void => {
    if (value) rows.push([label, code ? inlineCode(value) : escapeMarkdown(value)])
  }
  add('Repository', c.repository)
  add('Commit', c.commit)
  add('Ref', c.ref)
  add('Event', c.event)
  add('Workflow', c.workflow, false)
  const url = safeUrl(c.runUrl)
  if (url)
    rows.push([
      'Workflow run',
      `[${escapeMarkdown(url.replace(/^https?:\/\/[^/]+\//, ''))}](<${url}>)`
    ])
  add('Runner', c.runner, false)
  add('Actor', c.actor, false)
  const took = Date.parse(report.finishedAt) - Date.parse(report.startedAt)
  add('Started', report.startedAt, false)
  add(
    'Finished',
    Number.isFinite(took) ? `${report.finishedAt} (${humanDuration(took)})` : report.finishedAt,
    false
  )
  return `## Run context\n\n${table(['Context', 'Value'], rows)}`
}

/** The last maxBytes of text (whole characters, from a line start when one is near). */
function keepTail(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8')
  if (bytes.length <= maxBytes) return text
  let start = bytes.length - Math.max(0, maxBytes)
  while (start < bytes.length && ((bytes[start] as number) & 0xc0) === 0x80) start++
  let kept = bytes.subarray(start).toString('utf8')
  const newline = kept.indexOf('\n')
  if (newline >= 0 && newline < 200) kept = kept.slice(newline + 1)
  const cut = bytes.length - bytesOf(kept)
  return `[truncated to fit the job summary: ${groupDigits(cut)} earlier bytes not shown here; the JSON report has the full tail]\n${kept}`
}

function outputBlock(step: StepResult, text: string): string {
  const body = text.replace(/\n+$/, '')
  const lines = body === '' ? 0 : body.split('\n').length
  const summary = `<code>${escapeHtml(step.name)}</code> — ${step.status}, ${plural(lines, 'line')} of output`
  return `<details><summary>${summary}</summary>\n\n${codeBlock(body)}\n\n</details>`
}

/** Shares budget bytes among outputs: small ones whole, the rest an equal share each. */
function share(sizes: number[], budget: number): number[] {
  const order = sizes.map((size, i) => [size, i] as const).sort((a, b) => a[0] - b[0])
  const grant = new Array<number>(sizes.length).fill(0)
  let left = Math.max(0, budget)
  order.forEach(([size, i], k) => {
    const fair = Math.floor(left / (order.length - k))
    grant[i] = Math.min(size, fair)
    left -= grant[i] as number
  })
  return grant
}

/** The readiness report as GitHub-flavoured Markdown, for the job summary and `report-path`. */
export function renderMarkdown(given: ReadinessReport, options: MarkdownOptions = {}): string {
  // the summary and the report files name no path under an include unless the door allows it
  const report = reportForSink('report', given)
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
  const fixed = [
    headline(report),
    stepsSection(report),
    guidanceSection(report),
    evidenceSection(report),
    catalogueSection(report),
    prunedSection(report),
    exposureSection(report.exposure),
    warningsSection(report),
    contextSection(report)
  ]
  const footer = `<sub>cutover-gate readiness report, format version ${REPORT_VERSION}. It never holds the passphrase.</sub>`
  const withOutput = report.steps.filter((step) => step.output)
  const assemble = (bodies: string[] | undefined): string => {
    const outputs = bodies
      ? withOutput.map((step, i) => outputBlock(step, bodies[i] as string))
      : []
    const section = outputs.length > 0 ? [`## Command output\n\n${outputs.join('\n\n')}`] : []
    const left = bodies
      ? []
      : withOutput.length > 0
        ? [
            '_Command output left out: it did not fit the job summary. The JSON report and the job log have it._'
          ]
        : []
    return `${[...fixed, ...section, ...left, footer].filter(Boolean).join('\n\n')}\n`
  }

  const full = withOutput.map((step) => step.output as string)
  let markdown = assemble(full)
  if (bytesOf(markdown) <= maxBytes) return markdown
  // Command output is the only part that gives way: shrink it until the whole fits.
  const note = 200
  let budget = maxBytes - bytesOf(assemble(full.map(() => ''))) - note * full.length
  for (let attempt = 0; attempt < 5 && budget > 0; attempt++) {
    const grants = share(full.map(bytesOf), budget)
    markdown = assemble(full.map((text, i) => keepTail(text, grants[i] as number)))
    const over = bytesOf(markdown) - maxBytes
    if (over <= 0) return markdown
    budget -= over + 64
  }
  return assemble(undefined)
}
