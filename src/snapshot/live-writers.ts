import fs from 'node:fs'
import { NoGoError } from '../outcome/step-result.js'
import { privateName } from '../privacy/private-name.js'
import { SpillFile } from '../runtime/spill-file.js'

/** A process that can change a file's bytes: it holds it open for writing, or maps it shared and writable. */
export interface Holder {
  pid: number
  command: string
  how: string
}

/** One pass over /proc: every file some other process could be writing, by dev:inode. */
export interface WriterScan {
  holders: Map<string, Holder[]>
  /** Processes whose fds or maps could not be read (another user's, without privilege). */
  hidden: Hidden[]
}

/** A process we could not look into, with the ids its file access is checked against. */
export interface Hidden {
  pid: number
  command: string
  /** The filesystem uid and gids (/proc/<pid>/status, readable by all); undefined if gone. */
  uid?: number
  gids?: number[]
}

const O_ACCMODE = 0o3
const O_WRONLY = 0o1
const O_RDWR = 0o2
const O_APPEND = 0o2000

export const fileKey = (dev: bigint, ino: bigint): string => `${dev}:${ino}`

/** st_dev from the major:minor (hex) that /proc/<pid>/maps shows: glibc's makedev. */
function makedev(text: string): bigint {
  const [maj, min] = text.split(':').map((part) => BigInt(`0x${part}`))
  const major = maj ?? 0n
  const minor = min ?? 0n
  return (
    ((major & 0xfffff000n) << 32n) |
    ((major & 0xfffn) << 8n) |
    ((minor & 0xffffff00n) << 12n) |
    (minor & 0xffn)
  )
}

function commandOf(pid: string): string {
  try {
    const comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
    if (comm) return comm
  } catch {
    // gone, or not ours: cmdline may still say what it was
  }
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] || '?'
  } catch {
    return '?'
  }
}

/** Kernel threads have an empty command line and hold no user files: not worth a warning. */
function isKernelThread(dir: string): boolean {
  try {
    return fs.readFileSync(`${dir}/cmdline`).length === 0
  } catch {
    return true // gone
  }
}

/** Filesystem uid, gid and supplementary groups from /proc/<pid>/status (world-readable). */
function idsOf(dir: string): { uid?: number; gids?: number[] } {
  try {
    const status = fs.readFileSync(`${dir}/status`, 'utf8')
    // Uid:/Gid: real, effective, saved, filesystem: file access checks the last
    const uid = Number(/^Uid:\s+\d+\s+\d+\s+\d+\s+(\d+)/m.exec(status)?.[1])
    const gid = Number(/^Gid:\s+\d+\s+\d+\s+\d+\s+(\d+)/m.exec(status)?.[1])
    const groups = (/^Groups:(.*)$/m.exec(status)?.[1] ?? '').trim().split(/\s+/).filter(Boolean)
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) return {}
    return { uid, gids: [gid, ...groups.map(Number)] }
  } catch {
    return {} // gone
  }
}

const isDenied = (error: unknown): boolean => {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'EACCES' || code === 'EPERM'
}

/**
 * Reads every other process's fds (with their fdinfo flags) and shared writable mappings once.
 * Our own process is left out: its threads share its fd table and its files are read-only.
 */
export function scanWriters(proc = '/proc'): WriterScan {
  const holders = new Map<string, Holder[]>()
  const hidden: WriterScan['hidden'] = []
  const add = (key: string, holder: Holder): void => {
    const list = holders.get(key) ?? []
    if (!list.some((h) => h.pid === holder.pid && h.how === holder.how)) list.push(holder)
    holders.set(key, list)
  }
  for (const pid of fs.readdirSync(proc)) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue
    let command: string | undefined
    const name = (): string => (command ??= commandOf(pid))
    let denied = false
    let fds: string[] = []
    try {
      fds = fs.readdirSync(`${proc}/${pid}/fd`)
    } catch (error) {
      denied ||= isDenied(error)
    }
    for (const fd of fds) {
      let flags: number
      try {
        // sockets, pipes and anon inodes have no path: skip them without reading fdinfo
        if (!fs.readlinkSync(`${proc}/${pid}/fd/${fd}`).startsWith('/')) continue
        const info = /^flags:\s*([0-7]+)$/m.exec(
          fs.readFileSync(`${proc}/${pid}/fdinfo/${fd}`, 'utf8')
        )
        if (!info) continue
        flags = parseInt(info[1]!, 8)
      } catch {
        continue // closed meanwhile
      }
      const access = flags & O_ACCMODE
      if (access !== O_WRONLY && access !== O_RDWR) continue
      let stat: fs.BigIntStats
      try {
        stat = fs.statSync(`${proc}/${pid}/fd/${fd}`, { bigint: true })
      } catch {
        continue
      }
      const mode = `${access === O_WRONLY ? 'O_WRONLY' : 'O_RDWR'}${flags & O_APPEND ? '|O_APPEND' : ''}`
      add(fileKey(stat.dev, stat.ino), {
        pid: Number(pid),
        command: name(),
        how: `open for writing, fd ${fd} ${mode}`
      })
    }
    let maps = ''
    try {
      maps = fs.readFileSync(`${proc}/${pid}/maps`, 'utf8')
    } catch (error) {
      denied ||= isDenied(error)
    }
    for (const line of maps.split('\n')) {
      // address perms offset dev inode path; a private (p) mapping cannot change the file
      const [, perms, , dev, inode] = line.split(/\s+/, 5)
      if (perms?.[1] !== 'w' || perms[3] !== 's' || !dev || !inode || inode === '0') continue
      add(fileKey(makedev(dev), BigInt(inode)), {
        pid: Number(pid),
        command: name(),
        how: 'mapped shared and writable'
      })
    }
    if (denied && !isKernelThread(`${proc}/${pid}`))
      hidden.push({ pid: Number(pid), command: name(), ...idsOf(`${proc}/${pid}`) })
  }
  return { holders, hidden }
}

const describe = (holders: Holder[]): string =>
  holders
    .slice(0, 3)
    .map((h) => `pid ${h.pid} (${h.command}): ${h.how}`)
    .join('; ')

function liveWriter(rel: string, holders: Holder[], when: string): NoGoError {
  const who = describe(holders)
  return new NoGoError(
    `${privateName(rel)} is being written by another process ${when} (${who}); pause rollout and isolate writes (runbook decision point B): stop the writer and rerun`,
    'B'
  )
}

/**
 * Writers of the archived files, seen by a scan before the archive starts and a second one
 * after all data was read, so a writer that starts mid-read is caught too.
 */
export class LiveWriterWatch {
  private readonly before: WriterScan
  /** Every archived file as `dev:ino<TAB>JSON name` lines, on disk: 1,000,000 files in a Map took ~150 MiB. */
  private readonly archived = new SpillFile()
  private readonly hidden = new Map<number, Hidden>()
  /** Who could write an archived file by its permission bits. */
  private readonly owners = new Set<number>()
  private readonly groupWritable = new Set<number>()
  private worldWritable = false

  constructor() {
    this.before = this.noteHidden(scanWriters())
  }

  /** Before a file is read (stat from its open fd): NO-GO if the first scan saw a writer. */
  admit(rel: string, stat: fs.BigIntStats): void {
    const key = fileKey(stat.dev, stat.ino)
    this.archived.append(`${key}\t${JSON.stringify(rel)}\n`)
    this.owners.add(Number(stat.uid))
    if (stat.mode & 0o020n) this.groupWritable.add(Number(stat.gid))
    if (stat.mode & 0o002n) this.worldWritable = true
    const holders = this.before.holders.get(key)
    if (holders) throw liveWriter(rel, holders, 'as the snapshot starts')
  }

  /** After the data was read: NO-GO naming any archived file that now has a writer. */
  recheck(): void {
    const after = this.noteHidden(scanWriters())
    if (after.holders.size === 0) return
    for (const line of this.archived.lines()) {
      const tab = line.indexOf('\t')
      const holders = after.holders.get(line.slice(0, tab))
      if (holders)
        throw liveWriter(
          JSON.parse(line.slice(tab + 1)) as string,
          holders,
          'while the snapshot read it'
        )
    }
  }

  /** Deletes the list of archived files. */
  close(): void {
    this.archived.remove()
  }

  /** For a file seen changing: who holds it for writing now ('' when no one is seen), to name them. */
  whoWrites(stat: fs.BigIntStats): string {
    const holders = this.noteHidden(scanWriters()).holders.get(fileKey(stat.dev, stat.ino))
    return holders ? `; held by ${describe(holders)}` : ''
  }

  /**
   * One line on the processes we could not look into that could write an archived file by its
   * permission bits (its owner, a group it is writable by, or any user): a writer among them
   * would go unseen. Root's processes are not counted: root can write and hide anything, which
   * no check of ours can stop (README, Security model); one that has gone is not counted either.
   */
  warnings(): string[] {
    const could = [...this.hidden.values()].filter(
      (h) =>
        h.uid !== undefined &&
        h.uid !== 0 &&
        (this.worldWritable ||
          this.owners.has(h.uid) ||
          (h.gids ?? []).some((gid) => this.groupWritable.has(gid)))
    )
    if (could.length === 0) return []
    const few = could
      .slice(0, 5)
      .map((h) => `${h.pid} (${h.command}, uid ${h.uid})`)
      .join(', ')
    return [
      `could not inspect ${could.length} processes that could write the included files (their /proc entries are not readable: EACCES), e.g. ${few}; run as their user or make sure none of them writes the repository`
    ]
  }

  private noteHidden(scan: WriterScan): WriterScan {
    for (const hidden of scan.hidden) this.hidden.set(hidden.pid, hidden)
    return scan
  }
}
