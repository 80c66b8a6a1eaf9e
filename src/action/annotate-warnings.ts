import type { Logger } from '../util/logger.js'

/**
 * The lane's logger for the action, and what it already annotated: the report's warnings (step
 * warnings too, which otherwise reach only the summary) become ::warning:: annotations after the
 * lane, each once, whether the lane warned it as it ran or only recorded it in a step.
 */
export function annotatingLogger(base: Logger): {
  logger: Logger
  annotateRest(warnings: readonly string[]): void
} {
  const annotated: string[] = []
  return {
    logger: {
      ...base,
      warning(message) {
        annotated.push(message)
        base.warning(message)
      }
    },
    annotateRest(warnings) {
      for (const warning of warnings) {
        // a step's warning is recorded as "<step>: <warning>"
        if (annotated.some((a) => warning === a || warning.endsWith(`: ${a}`))) continue
        annotated.push(warning)
        base.warning(warning)
      }
    }
  }
}
