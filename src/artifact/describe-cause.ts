/**
 * One line saying why the artifact client failed. Its messages run to several lines of advice
 * (the first says what went wrong); blob storage errors only make sense with their status.
 */
export function describeCause(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '')
  const message = line ?? (error instanceof Error ? error.name : 'unknown error')
  if (isRestError(error)) {
    const code = typeof error.code === 'string' ? ` ${error.code}` : ''
    return `blob storage answered ${error.statusCode}${code}: ${message}`
  }
  return message
}

// @azure/storage-blob's RestError, recognised by shape: that package is not ours to import.
function isRestError(error: unknown): error is Error & { statusCode: number; code?: unknown } {
  return (
    error instanceof Error &&
    error.name === 'RestError' &&
    typeof (error as { statusCode?: unknown }).statusCode === 'number'
  )
}
