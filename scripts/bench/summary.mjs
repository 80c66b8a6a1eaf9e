// Medians, formatting and the PASS/FAIL budget list.

export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return NaN
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export const max = (values) => Math.max(...values.filter((v) => Number.isFinite(v)))

export const seconds = (s) => `${s.toFixed(2).padStart(7)} s`
export const rate = (bytes, s) => `${(bytes / 1e6 / s).toFixed(1).padStart(7)} MB/s`
export const mib = (m) => (Number.isFinite(m) ? `${m.toFixed(0).padStart(5)} MiB` : '    n/a')
export const ratio = (r) => (Number.isFinite(r) ? r.toFixed(2) : 'n/a')

export function size(bytes) {
  const units = ['B', 'KiB', 'MiB', 'GiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`
}

/** One timed step: "snapshot   2.41 s   111.4 MB/s    98 MiB". */
export const step = (name, result, bytes) =>
  `${name.padEnd(13)}${seconds(result.seconds)} ${rate(bytes, result.seconds)} ${mib(result.peakMiB)}`

export class Budgets {
  #rows = []

  check(name, pass, detail) {
    this.#rows.push({ verdict: pass ? 'PASS' : 'FAIL', name, detail })
  }

  skip(name, why) {
    this.#rows.push({ verdict: 'SKIP', name, detail: why })
  }

  get rows() {
    return [...this.#rows]
  }

  get failed() {
    return this.#rows.some((row) => row.verdict === 'FAIL')
  }

  print(log) {
    log('\nbudgets')
    for (const row of this.#rows) log(`  ${row.verdict}  ${row.name.padEnd(44)} ${row.detail}`)
  }
}
