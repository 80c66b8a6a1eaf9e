/** `a, b, c and 4 more` for a one-line detail. */
export function nameFew(files: string[], few = 5): string {
  const shown = files.slice(0, few).join(', ')
  return files.length > few ? `${shown} and ${files.length - few} more` : shown
}
