import fs from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

// The one reader of every file cutover-gate reads by a name someone could plant or the operator
// names (SPEC "Safety rules"): opened without following a last link and without blocking (a fifo
// with no writer would otherwise hang the run in open(2), deaf to Ctrl-C), judged by fstat on the
// very descriptor read (a swap after a check cannot slip a fifo or a link in), and read up to a
// cap that the error names (a planted sparse 1.1 GB manifest was once read whole).

/** How much of a kind of file is ever read, and what the error calls it. */
export interface ReadCap {
  bytes: number
  what: string
}

const KiB = 1024
const MiB = 1024 * KiB

/** Every kind of file read by a name, with its cap: far above what cutover-gate writes or reads. */
export const CAPS = {
  manifest: { bytes: 1 * MiB, what: 'a manifest' },
  report: { bytes: 64 * MiB, what: 'a readiness report' },
  // GitHub's webhook payloads stop at 25 MB
  eventPayload: { bytes: 32 * MiB, what: 'an event payload (GITHUB_EVENT_PATH)' },
  gitfile: { bytes: 64 * KiB, what: 'a .git file' },
  marker: { bytes: 64 * KiB, what: 'a leftover marker' },
  lock: { bytes: 64 * KiB, what: 'a snapshot-dir lock' },
  secretFile: { bytes: 1 * MiB, what: 'a passphrase or identity file' },
  // a hybrid (ML-KEM) recipient is ~2,000 characters: room for 500 of them
  recipientsFile: { bytes: 1 * MiB, what: 'a recipients file' }
} as const satisfies Record<string, ReadCap>

/** A pipe given by its descriptor's name (`<(cmd)` is /dev/fd/N): the operator's own, not a link. */
const DESCRIPTOR_NAME = /^\/(?:dev\/fd|proc\/self\/fd)\/(\d+)$/

/** The descriptor a name stands for (`/dev/fd/N`, `/proc/self/fd/N`, `/dev/stdin`), if it does. */
export function descriptorOf(file: string): number | undefined {
  if (file === '/dev/stdin') return 0
  const n = DESCRIPTOR_NAME.exec(file)?.[1]
  return n === undefined ? undefined : Number(n)
}

/** How long a fifo or pipe may have no writer before it is an input error. */
export const NO_WRITER_MS = 1000
const POLL_MS = 10

function readError(message: string, code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code })
}

function capText(bytes: number): string {
  if (bytes % MiB === 0) return `${bytes / MiB} MiB`
  return bytes % KiB === 0 ? `${bytes / KiB} KiB` : `${bytes} bytes`
}

function tooBig(file: string, cap: ReadCap, size?: number): NodeJS.ErrnoException {
  const got = size === undefined ? 'more' : `${size} bytes`
  return readError(
    `${file} is larger than the ${capText(cap.bytes)} cap for ${cap.what} (${got}); name the right file, or remove this one if it was planted`,
    'ETOOBIG'
  )
}

/** Reads a regular file's descriptor to its end, refusing past cap (it may grow after fstat). */
function readCapped(fd: number, file: string, cap: ReadCap, size: number): string {
  if (size > cap.bytes) throw tooBig(file, cap, size)
  const chunks: Buffer[] = []
  let have = 0
  for (;;) {
    const buffer = Buffer.alloc(Math.min(cap.bytes + 1 - have, Math.max(size - have, 0) + 64 * KiB))
    const n = fs.readSync(fd, buffer, 0, buffer.length, null)
    if (n === 0) break
    have += n
    if (have > cap.bytes) throw tooBig(file, cap)
    chunks.push(buffer.subarray(0, n))
  }
  return Buffer.concat(chunks).toString('utf8')
}

function openNoFollow(file: string): number {
  return fs.openSync(
    file,
    fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK
  )
}

/**
 * The text of a regular file, or an error with a code (ENOENT, ELOOP for a link, ENOTREG,
 * ETOOBIG naming the cap): for files someone could plant, where a fifo or a device is refused.
 */
export function readRegularFile(file: string, cap: ReadCap): string {
  return readRegularFileStat(file, cap).text
}

/** readRegularFile, with the fstat of the descriptor that was read (its inode, its mode). */
export function readRegularFileStat(file: string, cap: ReadCap): { text: string; stat: fs.Stats } {
  const fd = openNoFollow(file)
  try {
    const stat = fs.fstatSync(fd)
    if (!stat.isFile()) throw readError(`${file} is not a regular file`, 'ENOTREG')
    return { text: readCapped(fd, file, cap, stat.size), stat }
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * The text of a file the operator names on the command line: a regular file, or a fifo or pipe
 * (`--identity-file <(cmd)`, a named fifo) read while a writer is there until it closes. No
 * writer within NO_WRITER_MS is an error (ENOWRITER), and the wait leaves the event loop free,
 * so SIGINT and SIGTERM are answered. Links other than a descriptor's own name are not followed.
 */
export async function readNamedInput(
  file: string,
  cap: ReadCap,
  noWriterMs = NO_WRITER_MS
): Promise<{ text: string; stat: fs.Stats }> {
  const descriptor = descriptorOf(file)
  // /proc/self/fd/N is a link the kernel makes to our own descriptor: open it as the pipe it is
  const fd =
    descriptor === undefined
      ? openNoFollow(file)
      : fs.openSync(`/proc/self/fd/${descriptor}`, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)
  try {
    const stat = fs.fstatSync(fd)
    if (stat.isFile()) return { text: readCapped(fd, file, cap, stat.size), stat }
    if (!stat.isFIFO()) throw readError(`${file} is not a regular file or a pipe`, 'ENOTREG')
    return { text: await readPipe(fd, file, cap, noWriterMs), stat }
  } finally {
    fs.closeSync(fd)
  }
}

async function readPipe(fd: number, file: string, cap: ReadCap, noWriterMs: number) {
  const chunks: Buffer[] = []
  let have = 0
  let writerSeen = false
  const since = Date.now()
  const buffer = Buffer.alloc(64 * KiB)
  try {
    for (;;) {
      let n: number
      try {
        n = fs.readSync(fd, buffer, 0, buffer.length, null)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error
        writerSeen = true // a writer holds it open and has not written yet
        await sleep(POLL_MS)
        continue
      }
      if (n > 0) {
        writerSeen = true
        have += n
        if (have > cap.bytes) throw tooBig(file, cap)
        chunks.push(Buffer.from(buffer.subarray(0, n)))
        continue
      }
      if (writerSeen) break // the writer closed it: the end
      if (Date.now() - since >= noWriterMs) {
        throw readError(
          `${file} is a fifo or pipe with no writer for ${noWriterMs / 1000} s; start the command that writes it first, or name a regular file`,
          'ENOWRITER'
        )
      }
      await sleep(POLL_MS)
    }
    const all = Buffer.concat(chunks)
    const text = all.toString('utf8')
    all.fill(0)
    return text
  } finally {
    buffer.fill(0)
    for (const chunk of chunks) chunk.fill(0)
  }
}
