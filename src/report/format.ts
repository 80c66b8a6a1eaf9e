/** 1234567 → `1,234,567`: fixed grouping, whatever the machine's locale. */
export function groupDigits(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** Bytes in binary units, one decimal: `1.2 MiB`; below 1 KiB exact: `512 B`. */
export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = n
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`
}

/** `1.2 MiB (1,234,567 bytes)`. */
export function bytesBoth(n: number): string {
  return n < 1024 ? `${groupDigits(n)} bytes` : `${humanBytes(n)} (${groupDigits(n)} bytes)`
}

/** `340 ms`, `12.3 s`, `4 min 05 s`. */
export function humanDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const seconds = Math.round(ms / 1000)
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}
