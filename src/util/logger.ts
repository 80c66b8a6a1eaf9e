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
