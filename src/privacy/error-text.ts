import { privateName } from './private-name.js'

/**
 * An error's message for a report or log line, with the paths a system error carries (`path`,
 * `dest`: often a file under an include, as absolute paths) marked as private names. Node puts
 * them in the message too (`EACCES: permission denied, open '/repo/state/x'`).
 */
export function errorText(error: unknown): string {
  // not instanceof: errors thrown by node's own modules may come from another realm (vm, jest)
  const message0 = (error as { message?: unknown } | null)?.message
  if (typeof message0 !== 'string') return String(error)
  const { path, dest } = error as NodeJS.ErrnoException & { dest?: unknown }
  let message = message0
  for (const named of [path, dest]) {
    if (typeof named !== 'string' || named === '') continue
    message = message.split(named).join(privateName(named))
  }
  return message
}
