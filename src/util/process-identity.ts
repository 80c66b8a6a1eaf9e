import fs from 'node:fs'
import os from 'node:os'
import { z } from 'zod'

/**
 * Who a process is, beyond its pid: pids are reused, so a pid alone cannot prove that the process
 * which wrote a lock or a marker is gone. The start time (clock ticks since boot, field 22 of
 * /proc/<pid>/stat) and the boot id pin one process of one boot of one host.
 */
export interface ProcessIdentity {
  pid: number
  startTime: string
  bootId: string
  host: string
}

const IdentitySchema = z.object({
  pid: z.number().int().positive(),
  startTime: z.string().regex(/^\d+$/),
  bootId: z.string().min(1),
  host: z.string().min(1)
})

/** This boot of this machine (a fresh UUID at every boot), or `unknown` without /proc. */
export function readBootId(): string {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
  } catch {
    return 'unknown'
  }
}

/** The first 8 hex digits of a boot id: enough to tell boots apart in a file name. */
export function bootPrefix(bootId: string): string {
  return (bootId.replace(/[^0-9a-f]/g, '') + '00000000').slice(0, 8)
}

/** Field 22 of /proc/<pid>/stat, or undefined when there is no such process (or no /proc). */
export function startTimeOf(pid: number): string | undefined {
  let stat: string
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // the command name (field 2) is in parentheses and may hold spaces or ')': split after the last one
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return fields[19]
}

export function identityOf(pid: number): ProcessIdentity | undefined {
  const startTime = startTimeOf(pid)
  if (startTime === undefined) return undefined
  return { pid, startTime, bootId: readBootId(), host: os.hostname() }
}

export function selfIdentity(): ProcessIdentity {
  const identity = identityOf(process.pid)
  if (!identity) throw new Error('cannot read /proc/self/stat: cutover-gate needs Linux /proc')
  return identity
}

/** One line of JSON: what lock files and leftover markers hold. */
export function formatIdentity(identity: ProcessIdentity): string {
  return `${JSON.stringify(identity)}\n`
}

/** The identity a file holds, or undefined when it does not hold one (never a guess). */
export function parseIdentity(text: string): ProcessIdentity | undefined {
  try {
    const parsed = IdentitySchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

export type Liveness = 'alive' | 'dead' | 'unknown'

/**
 * Whether the process an identity names still runs: `dead` only when that is proven (this host
 * has booted since, or the pid is free, or it now belongs to a process started at another time);
 * `unknown` for another host's process, which this machine cannot see.
 */
export function liveness(identity: ProcessIdentity): Liveness {
  if (identity.host !== os.hostname()) return 'unknown'
  const bootId = readBootId()
  if (bootId === 'unknown') return 'unknown'
  if (identity.bootId !== bootId) return 'dead'
  const now = startTimeOf(identity.pid)
  if (now === undefined) return 'dead'
  return now === identity.startTime ? 'alive' : 'dead'
}
