import type { CatalogueEntry } from '../catalogue/read-catalogue.js'
import { groupDigits, humanBytes } from './format.js'

/** The catalogue table's columns, as SPEC's list mode names them, shared by both renderers. */
export const CATALOGUE_COLUMNS = [
  'id',
  'created',
  'size',
  'files',
  'bytes',
  'encryption',
  'latest',
  'state'
] as const

/** One entry as plain cells; the renderers escape them for their medium. */
export function catalogueCells(entry: CatalogueEntry): string[] {
  return [
    entry.id,
    entry.createdAt ?? '—',
    humanBytes(entry.size),
    entry.files === null ? '—' : groupDigits(entry.files),
    entry.bytes === null ? '—' : humanBytes(entry.bytes),
    entry.encryption ?? '—',
    entry.latest ? 'latest' : '',
    (entry.orphan ? `orphan (${entry.problem}): never used or pruned` : (entry.problem ?? 'ok')) +
      (entry.retainUntil ? `; locked until ${entry.retainUntil}` : '')
  ]
}
