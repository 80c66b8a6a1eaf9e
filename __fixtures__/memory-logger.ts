import type { Logger } from '../src/util/logger.js'

/** A logger that keeps everything in memory: what a test reads back. */
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
