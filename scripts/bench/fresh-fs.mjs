// Each timed run's outputs on a file system made for it, as a runner's fresh VM has: a journaled
// ext4 in a loop image (as root), so no side meets a disk the other side aged.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const GiB = 1024 ** 3
let counter = 0

const can = (tool) =>
  spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0

/** Why a fresh ext4 cannot be made here, or '' when it can. */
export function freshFsUnavailable() {
  if (process.getuid?.() !== 0) return 'not root (a loop mount needs root)'
  const missing = ['mkfs.ext4', 'mount', 'umount', 'losetup'].filter((t) => !can(t))
  return missing.length ? `${missing.join(', ')} not installed` : ''
}

/** The file system type and mount options that hold `dir`, for the output. */
export function describeFs(dir) {
  const out = spawnSync('findmnt', ['-n', '-o', 'FSTYPE,OPTIONS', '-T', dir], {
    encoding: 'utf8'
  })
  return out.status === 0 ? out.stdout.trim().replace(/\s+/, ' (') + ')' : 'unknown'
}

/**
 * A fresh journaled ext4 of `bytes` (sparse image under `work`, inode tables written at mkfs so
 * no background initialisation runs during the timing) mounted at a new folder; `inodes` for
 * many-file cases. Without root: a new folder in `work`, and `fresh` false so the output says so.
 * The caller calls release() after the run.
 */
export function freshFs(work, { bytes = 6 * GiB, inodes } = {}) {
  const id = `fs-${process.pid}-${++counter}`
  const dir = join(work, id)
  mkdirSync(dir, { recursive: true })
  const why = freshFsUnavailable()
  if (why) {
    return {
      dir,
      fresh: false,
      description: `NOT a fresh file system (${why}): a folder on ${describeFs(dir)}`,
      release: () => rmSync(dir, { recursive: true, force: true })
    }
  }
  const image = join(work, `${id}.img`)
  execFileSync('truncate', ['-s', String(bytes), image])
  execFileSync(
    'mkfs.ext4',
    [
      '-q',
      '-F',
      '-E',
      'lazy_itable_init=0,lazy_journal_init=0',
      ...(inodes ? ['-N', String(inodes)] : []),
      image
    ],
    { stdio: 'ignore' }
  )
  execFileSync('mount', ['-o', 'loop', image, dir])
  return {
    dir,
    fresh: true,
    description: `fresh ext4 with journal (loop image of ${(bytes / GiB).toFixed(0)} GiB, made for each run)`,
    release: () => {
      execFileSync('umount', [dir])
      rmSync(image, { force: true })
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
