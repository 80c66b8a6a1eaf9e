/** Terminal escape sequences (colors, cursor moves) that command output may carry. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g
/** Control characters other than tab and newline. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g

/** Drops escape sequences and control characters, keeping tabs and line breaks (as \n). */
export function stripControl(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(ANSI, '').replace(CONTROL, '')
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }

/** For text inside HTML (`<summary>`): entities only. */
export function escapeHtml(text: string): string {
  return stripControl(text)
    .replace(/[&<>"]/g, (c) => ENTITIES[c] as string)
    .replace(/\n/g, ' ')
}

/**
 * Text from files or commands made inert in Markdown, in a paragraph or a table cell: HTML
 * characters become entities, Markdown's punctuation is backslash-escaped, and line breaks
 * become `<br>` so a cell stays one row.
 */
export function escapeMarkdown(text: string): string {
  return (
    stripControl(text)
      .replace(/[&<>]/g, (c) => ENTITIES[c] as string)
      .replace(/[\\`*_[\]|~]/g, '\\$&')
      .replace(/\n/g, '<br>')
      // At the start of a list item a `#`, `-` or `1.` would open a heading or a list.
      .replace(/^[#+\-=]/, '\\$&')
      .replace(/^(\d+)([.)])/, '$1\\$2')
  )
}

/** An inline code span that no content can close early; `inTable` escapes pipes for GFM cells. */
export function inlineCode(text: string, inTable = true): string {
  let body = stripControl(text).replace(/\n/g, ' ')
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  if (body.startsWith('`') || body.endsWith('`') || body === '') body = ` ${body} `
  if (inTable) body = body.replace(/\|/g, '\\|')
  return `${fence}${body}${fence}`
}

/**
 * Our own details carry `code` in single backticks around untrusted parts (commands, paths): each
 * span is rendered as a real code span and the rest as escaped text, so nothing can break out.
 */
export function richText(text: string, inTable = true): string {
  const parts = stripControl(text).split('`')
  // An odd number of backticks leaves one unpaired: it is shown as text.
  if (parts.length % 2 === 0) parts[parts.length - 2] += `\`${parts.pop() as string}`
  return parts
    .map((part, i) => (i % 2 === 1 ? inlineCode(part, inTable) : escapeMarkdown(part)))
    .join('')
}

/** A fenced block longer than any backtick run inside, so the content cannot close it. */
export function codeBlock(text: string, info = 'text'): string {
  const body = stripControl(text)
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}${info}\n${body}\n${fence}`
}

/** Only plain http(s) links, written so `<`, `>`, spaces or quotes cannot leave the link. */
export function safeUrl(url: string | undefined): string | undefined {
  return url && /^https?:\/\/[^\s<>"`\\]+$/.test(url) ? url : undefined
}
