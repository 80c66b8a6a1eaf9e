import type { ExposureAudit } from '../exposure/exposure-model.js'
import { escapeMarkdown, inlineCode, richText } from './escape.js'
import { groupDigits } from './format.js'

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

/** What was looked at, one line per part, so "nothing found" says how much was searched. */
function scope(audit: ExposureAudit): string[] {
  const lines: string[] = []
  const roots = audit.includes.map((root) => inlineCode(root, false)).join(', ')
  lines.push(`Include roots: ${roots}.`)
  if (!audit.git.checked) lines.push(`Git: not checked: ${escapeMarkdown(audit.git.reason)}.`)
  else {
    const h = audit.history
    const c = audit.content
    if (h)
      lines.push(
        `History: ${groupDigits(h.scanned)} commits of every ref (branches, tags, remote-tracking refs, notes, stashes), object format ${escapeMarkdown(audit.git.objectFormat)}.`
      )
    if (c)
      lines.push(
        `Content: ${groupDigits(c.lookedUp)} of ${groupDigits(c.files)} files under the includes looked up by blob id (files under 64 bytes are not evidence)${c.unreadable > 0 ? `; ${c.unreadable} could not be read` : ''}.`
      )
  }
  const g = audit.github
  if (!g.checked) lines.push(`GitHub surface: ${escapeMarkdown(g.reason)}.`)
  else
    lines.push(
      `GitHub surface of ${inlineCode(g.repository, false)}: visibility ${escapeMarkdown(g.visibility)}, wiki ${g.wiki ? 'on' : 'off'}, ${g.artifacts.length + g.otherArtifacts} unexpired artifacts, ${g.caches.count} caches, ${g.forks.length} forks, ${g.releases} releases.`
    )
  return lines
}

/**
 * The report's "What going public would publish": findings in counts, include roots, commit ids
 * and remedies. It has no field that could hold a path under an include.
 */
export function exposureSection(audit: ExposureAudit | undefined): string | undefined {
  if (!audit) return undefined
  const parts = ['## What going public would publish']
  if (audit.findings.length === 0) {
    parts.push(
      '_Nothing found: making the repository public would publish none of the included state, as far as these checks see._'
    )
  } else {
    const rows = audit.findings.map((finding) => [
      inlineCode(finding.kind),
      groupDigits(finding.count),
      richText(finding.summary),
      richText(finding.remedy)
    ])
    parts.push(table(['Finding', 'Count', 'What', 'Remedy'], rows))
  }
  const h = audit.history
  if (h && h.refNames.length > 0) {
    parts.push(
      `Refs whose history holds them: ${h.refNames.map((name) => inlineCode(name, false)).join(', ')}${h.refNames.length < Object.values(h.refs).reduce((a, b) => a + b, 0) ? ', …' : ''}`
    )
  }
  parts.push(
    scope(audit)
      .map((line) => `- ${line}`)
      .join('\n')
  )
  if (audit.notes.length > 0)
    parts.push(audit.notes.map((note) => `- ${richText(note, false)}`).join('\n'))
  return parts.join('\n\n')
}
