import { createHash } from 'node:crypto'
import { z } from 'zod'

/**
 * The per-file index: the archive's last entry, at INDEX_PATH, so it is encrypted with the data
 * and never shown in the manifest. One JSON object per line, fields in a fixed order, in archive
 * order (depth-first, children sorted by the bytes of their UTF-8 names). `content.digest` is the
 * SHA-256 of the index file's bytes, so the same tree gives the same digest everywhere.
 */
export const INDEX_PATH = '.cutover-gate/index.jsonl'

/** Permission bits kept for every entry; symlinks always record 0o777 (Linux ignores their mode). */
export const MODE_MASK = 0o7777

export const IndexEntrySchema = z.discriminatedUnion('type', [
  z.strictObject({
    path: z.string().min(1),
    type: z.literal('file'),
    mode: z.number().int().min(0).max(MODE_MASK),
    size: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/)
  }),
  z.strictObject({
    path: z.string().min(1),
    type: z.literal('dir'),
    mode: z.number().int().min(0).max(MODE_MASK)
  }),
  z.strictObject({
    path: z.string().min(1),
    type: z.literal('symlink'),
    mode: z.number().int().min(0).max(MODE_MASK),
    target: z.string().min(1)
  })
])

export type IndexEntry = z.infer<typeof IndexEntrySchema>

/** The one canonical line for an entry: field order fixed here, never by object construction. */
export function indexLine(entry: IndexEntry): string {
  switch (entry.type) {
    case 'file':
      return JSON.stringify({
        path: entry.path,
        type: entry.type,
        mode: entry.mode,
        size: entry.size,
        sha256: entry.sha256
      })
    case 'dir':
      return JSON.stringify({ path: entry.path, type: entry.type, mode: entry.mode })
    case 'symlink':
      return JSON.stringify({
        path: entry.path,
        type: entry.type,
        mode: entry.mode,
        target: entry.target
      })
  }
}

/** Parses one index line; throws a one-line error naming the line number. */
export function parseIndexLine(line: string, lineNumber: number): IndexEntry {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    throw new Error(`archive index line ${lineNumber} is not JSON`)
  }
  const parsed = IndexEntrySchema.safeParse(value)
  if (!parsed.success) throw new Error(`archive index line ${lineNumber} does not fit the schema`)
  if (indexLine(parsed.data) !== line) {
    throw new Error(`archive index line ${lineNumber} is not in canonical form`)
  }
  return parsed.data
}

/** Digest of an index file's bytes, as the manifest's content.digest records it. */
export function digestOfIndex(index: Uint8Array): string {
  return `sha256:${createHash('sha256').update(index).digest('hex')}`
}
