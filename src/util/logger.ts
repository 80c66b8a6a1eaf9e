/**
 * The lane's only way to speak while it runs. The action backs it with @actions/core (groups,
 * annotations), the CLI with stderr; the engine never imports either.
 */
export interface Logger {
  info(message: string): void
  warning(message: string): void
  /** Runs fn inside a named, collapsible group. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
}

/** A logger that keeps everything in memory: for tests and for callers that want silence. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = []
  info(message: string): void {
    this.lines.push(message)
  }
  warning(message: string): void {
    this.lines.push(`warning: ${message}`)
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.lines.push(`[${name}]`)
    return fn()
  }
}
