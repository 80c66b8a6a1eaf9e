import type { Logger } from './logger.js'

const MiB = 1024 * 1024

/** What the whole of a long step is, when known before it starts (the walk, the manifest). */
export interface ProgressTotals {
  /** Unknown when the unit counted is not what the source totals (entries against files). */
  count?: number
  bytes: number
}

const grouped = (n: number): string => n.toLocaleString('en-US')

/**
 * Logs done/total, percent and rate every few seconds of long work; silent for short runs. The
 * clock starts at the first piece of work, not at construction: a key derivation or a wait before
 * the data flows would make the first rate a lie ("1 entries, 0.0 MiB/s").
 */
export class ProgressReporter {
  private started: number | undefined
  private last = 0

  constructor(
    private readonly logger: Logger,
    private readonly label: string,
    private readonly unit = 'files',
    private readonly totals?: ProgressTotals,
    private readonly everyMs = 5000,
    private readonly now: () => number = Date.now
  ) {}

  update(count: number, bytes: number): void {
    const now = this.now()
    if (this.started === undefined) {
      this.started = now
      this.last = now
      return
    }
    if (now - this.last < this.everyMs) return
    this.last = now
    this.logger.info(this.line(count, bytes, now))
  }

  /** The line for `count` and `bytes` done at `now`. */
  line(count: number, bytes: number, now = this.now()): string {
    const seconds = Math.max((now - (this.started ?? now)) / 1000, 0.001)
    const rate = `${(bytes / MiB / seconds).toFixed(1)} MiB/s`
    const t = this.totals
    if (!t)
      return `${this.label}: ${grouped(count)} ${this.unit}, ${(bytes / MiB).toFixed(1)} MiB, ${rate}`
    // percent by bytes: the time goes with the bytes; by count when there are none
    const share =
      t.bytes > 0 ? bytes / t.bytes : t.count !== undefined && t.count > 0 ? count / t.count : 1
    const percent = `${Math.min(100, Math.floor(share * 100))}%`
    const mib = `${(bytes / MiB).toFixed(1)}/${(t.bytes / MiB).toFixed(1)} MiB`
    if (t.count === undefined)
      return `${this.label}: ${grouped(count)} ${this.unit}, ${mib} (${percent}), ${rate}`
    return `${this.label}: ${grouped(count)}/${grouped(t.count)} ${this.unit} (${percent}), ${mib}, ${rate}`
  }
}

/** The line said before scrypt runs, so a second or more of silence has its reason. */
export function keyDerivationLine(workFactor: number): string {
  const mib = (128 * 8 * 2 ** workFactor) / MiB
  return `deriving the key from the passphrase: scrypt work factor ${workFactor} (${mib >= 1 ? `${mib} MiB` : 'under 1 MiB'}${workFactor >= 17 ? ', about a second or more' : ''})`
}
