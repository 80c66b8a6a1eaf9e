import type { Logger } from './logger.js'

const MiB = 1024 * 1024

/** Logs files, bytes and MB/s every few seconds of long work; silent for short runs. */
export class ProgressReporter {
  private readonly started = Date.now()
  private last = Date.now()

  constructor(
    private readonly logger: Logger,
    private readonly label: string,
    private readonly unit = 'files',
    private readonly everyMs = 5000
  ) {}

  update(count: number, bytes: number): void {
    const now = Date.now()
    if (now - this.last < this.everyMs) return
    this.last = now
    const seconds = (now - this.started) / 1000
    const rate = bytes / MiB / Math.max(seconds, 0.001)
    this.logger.info(
      `${this.label}: ${count} ${this.unit}, ${(bytes / MiB).toFixed(1)} MiB, ${rate.toFixed(1)} MiB/s`
    )
  }
}
