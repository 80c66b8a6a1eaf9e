/** An error shaped like Node's own zstd errors (a `ZSTD_error_*` code), so callers map it alike. */
export function zstdError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code: `ZSTD_error_${code}` })
}
