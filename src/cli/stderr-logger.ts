import type { Logger } from '../util/logger.js'

/** The lane's logger in a terminal: progress and warnings on stderr, so stdout holds the report. */
export function stderrLogger(stream: NodeJS.WritableStream = process.stderr): Logger {
  return {
    info: (message) => void stream.write(`${message}\n`),
    warning: (message) => void stream.write(`warning: ${message}\n`),
    async group(name, fn) {
      stream.write(`── ${name}\n`)
      return fn()
    }
  }
}
