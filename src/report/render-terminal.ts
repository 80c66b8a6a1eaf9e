import type { StepResult } from '../outcome/step-result.js'
import { describeEncryptionShort } from '../format/encryption-record.js'
import { stripControl } from './escape.js'
import { bytesBoth, groupDigits, humanDuration } from './format.js'
import { decisionPointOf, type ReadinessReport } from './report-model.js'
import { guidanceText, rollbackGuidance } from './rollback-guidance.js'
import { catalogueCells } from './catalogue-rows.js'
import { reportForSink, type NameSink } from '../privacy/name-policy.js'
import type { CatalogueEntry } from '../catalogue/read-catalogue.js'

export interface TerminalOptions {
  color: boolean
  /** Line width to wrap at; 80 by default. */
  width?: number
  /** Lines of the failed step's output to show; 20 by default. */
  outputLines?: number
  /** Where the text goes, for the names under the includes: the CLI's stdout by default. */
  sink?: NameSink
}

type Paint = (text: string) => string

function painter(color: boolean): Record<'red' | 'green' | 'yellow' | 'dim' | 'bold', Paint> {
  const sgr =
    (open: number, close: number): Paint =>
    (text) =>
      color ? `\x1b[${open}m${text}\x1b[${close}m` : text
  return {
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    dim: sgr(2, 22),
    bold: sgr(1, 22)
  }
}

/** Untrusted text made safe for a terminal: no escape sequences, one line. */
const clean = (text: string): string => stripControl(text).replace(/\s+/g, ' ').trim()

/** Wraps words to width, every line after the first indented by `indent` spaces. */
function wrap(text: string, width: number, indent: number, firstUsed = 0): string {
  const lines: string[] = []
  let line = ''
  let room = width - firstUsed
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > room) {
      lines.push(line)
      line = ''
      room = width - indent
    }
    // A word longer than a line is cut into pieces rather than overflowing.
    let rest = word
    while (!line && rest.length > room) {
      lines.push(rest.slice(0, room))
      rest = rest.slice(room)
      room = width - indent
    }
    line = line ? `${line} ${rest}` : rest
  }
  lines.push(line)
  return lines.join(`\n${' '.repeat(indent)}`)
}

/** The readiness report for a person at an 80-column terminal. */
export function renderTerminal(given: ReadinessReport, options: TerminalOptions): string {
  const report = reportForSink(options.sink ?? 'stdout', given)
  const width = options.width ?? 80
  const p = painter(options.color)
  const out: string[] = []
  const go = report.decision === 'GO'
  // list decides nothing: it lists, so a listing that worked carries no GO
  if (go && report.mode === 'list') out.push(p.bold('cutover-gate catalogue · list'))
  else
    out.push(
      `${go ? p.bold(p.green('GO')) : p.bold(p.red('NO-GO'))}  cutover-gate readiness · ${report.mode}`
    )
  if (!go) {
    const head = report.failedStep ? `${report.failedStep}: ` : ''
    out.push(`${p.red('✖')} ${wrap(head + clean(report.reason ?? 'no reason given'), width, 2, 2)}`)
  }
  out.push('')

  const nameWidth = Math.max(0, ...report.steps.map((s) => s.name.length))
  const mark: Record<StepResult['status'], string> = {
    passed: p.green('✔'),
    failed: p.red('✖'),
    skipped: p.dim('·')
  }
  for (const step of report.steps) {
    const time = step.status === 'skipped' ? '' : humanDuration(step.durationMs)
    const head = `${step.name.padEnd(nameWidth)}  ${step.status.padEnd(7)}  ${time.padStart(8)}`
    out.push(`  ${mark[step.status]} ${head}`.trimEnd())
    // the failed step's reason is the headline above: said once
    const headline = step.status === 'failed' && clean(step.detail) === clean(report.reason ?? '')
    if (step.status !== 'skipped' && step.detail && !headline)
      out.push(`      ${p.dim(wrap(clean(step.detail), width, 6, 6))}`)
  }

  const e = report.evidence
  if (e) {
    out.push('', p.bold(report.snapshotId ? `snapshot ${report.snapshotId}` : 'snapshot'))
    out.push(`  ${wrap(clean(e.snapshotPath), width, 2, 2)}`)
    out.push(`  size     ${bytesBoth(e.size)}`)
    out.push(`  sha256   ${e.sha256}`)
    // `sha256:` + 64 hex does not fit beside a label in 80 columns: the digest gets its own line.
    out.push('  content digest', `    ${clean(e.contentDigest)}`)
    out.push(`  files    ${groupDigits(e.files)} files, ${bytesBoth(e.bytes)}`)
    out.push(`  format   ${clean(e.compression)}, ${describeEncryptionShort(e.encryption)}`)
    out.push(`  manifest ${wrap(clean(e.manifestPath), width, 11, 11)}`)
    if (report.artifact)
      out.push(
        `  artifact ${clean(report.artifact.name)} (id ${report.artifact.id}) ${clean(report.artifact.url)}`
      )
  }

  if (report.catalogue) {
    const n = report.catalogue.length
    out.push('', p.bold(`catalogue: ${n} snapshot${n === 1 ? '' : 's'}`))
    out.push(...catalogueTable(report.catalogue, width))
  }
  if (report.pruned) {
    const freed = report.pruned.reduce((sum, pr) => sum + pr.freedBytes, 0)
    out.push('', p.bold(`pruned (keep-last): ${report.pruned.length}, freed ${bytesBoth(freed)}`))
    for (const pr of report.pruned)
      out.push(`  - ${pr.id} ${clean(pr.file || pr.manifest)} (${bytesBoth(pr.freedBytes)})`)
  }

  const point = decisionPointOf(report)
  if (point) {
    const guidance = rollbackGuidance(point, {
      failedStep: report.failedStep,
      reason: report.reason,
      manifestPath: e?.manifestPath ?? report.manifestPath
    })
    out.push('', p.bold(wrap(`rollback — decision point ${point}: ${guidance.title}`, width, 2)))
    guidanceText(guidance.steps).forEach((text, i) =>
      out.push(`  ${i + 1}. ${wrap(clean(text), width, 5, 5)}`)
    )
  }

  if (report.warnings.length > 0) {
    out.push('', p.bold(p.yellow('warnings')))
    for (const warning of report.warnings)
      out.push(`  ${p.yellow('!')} ${wrap(clean(warning), width, 4, 4)}`)
  }

  const failed = report.steps.find((s) => s.status === 'failed' && s.output)
  if (failed?.output) {
    const lines = stripControl(failed.output)
      .split('\n')
      .slice(-(options.outputLines ?? 20))
    out.push('', p.bold(`last ${lines.length} lines of ${failed.name} output`))
    for (const line of lines) out.push(p.dim(`  | ${line.replace(/\t/g, '  ')}`))
  }

  const c = report.context
  const where = [c.repository, c.commit?.slice(0, 12), c.ref]
    .filter(Boolean)
    .map((s) => clean(s as string))
  if (where.length > 0 || c.runUrl) {
    out.push('')
    if (where.length > 0) out.push(p.dim(where.join(' · ')))
    if (c.runUrl) out.push(p.dim(clean(c.runUrl)))
  }
  return `${out.join('\n')}\n`
}

/** "age-v1 scrypt (work factor 18)" → "scrypt 18", "age-v1 x25519 (2 recipients)" → "x25519 ×2". */
function shortKey(encryption: string): string {
  const m = /^\S+ (\S+)(?: \(work factor (\d+)\))?(?: \((\d+) recipients\))?$/.exec(encryption)
  if (!m) return encryption
  return m[2] ? `${m[1]} ${m[2]}` : m[3] ? `${m[1]} ×${m[3]}` : m[1]!
}

/**
 * The catalogue in 80 columns: the id is the creation time (UTC), so no created column; the
 * encryption in short; "latest" is the state of the newest good snapshot. A long state (an
 * orphan's problem) wraps under its row.
 */
function catalogueTable(entries: CatalogueEntry[], width: number): string[] {
  const rows = [
    ['id (UTC)', 'size', 'files', 'bytes', 'key', 'state'],
    ...entries.map((entry) => {
      const [id, , size, files, bytes, encryption, latest, state] = catalogueCells(entry).map(clean)
      const key = encryption === '—' ? '—' : shortKey(encryption!)
      return [id!, size!, files!, bytes!, key, latest && state === 'ok' ? latest : state!]
    })
  ]
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  const left = 2 + widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0)
  return rows.map((row) => {
    const head = row.slice(0, -1).map((cell, i) => cell.padEnd(widths[i]!))
    return `  ${[...head, wrap(row.at(-1)!, width, left, left)].join('  ')}`.trimEnd()
  })
}
