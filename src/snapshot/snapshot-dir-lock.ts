import fs from 'node:fs'
import path from 'node:path'
import { NoGoError } from '../lane/step-result.js'
import { registerPath, unregisterPath } from '../runtime/cleanup-on-exit.js'

export const LOCK_NAME = '.cutover-gate.lock'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * One writer per snapshot-dir: a second run fails at once, naming the holder, instead of racing
 * the first one's rename and manifest. A lock left by a dead process is taken over.
 */
export function lockSnapshotDir(dir: string): () => void {
  const lockPath = path.join(dir, LOCK_NAME)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx', 0o600)
      registerPath(lockPath) // a signal mid-snapshot must not leave the lock behind
      fs.writeSync(fd, `${process.pid}\n`)
      fs.closeSync(fd)
      return () => {
        fs.rmSync(lockPath, { force: true })
        unregisterPath(lockPath)
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = Number.parseInt(fs.readFileSync(lockPath, 'utf8'), 10)
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
        throw new NoGoError(
          `snapshot-dir ${dir} is locked by another cutover-gate run (pid ${holder}); wait for it to finish, or use another snapshot-dir`
        )
      }
      fs.rmSync(lockPath, { force: true })
    }
  }
  throw new NoGoError(
    `snapshot-dir ${dir} lock ${LOCK_NAME} could not be taken; remove it if no run is active`
  )
}

/** Removes temp files a killed run left behind (their names carry the writer's pid). */
export function removeStaleTemps(dir: string): string[] {
  const removed: string[] = []
  for (const name of fs.readdirSync(dir)) {
    const match = /^\..+\.tmp-(\d+)-[0-9a-f]{8}$/.exec(name)
    if (match && !alive(Number(match[1]))) {
      fs.rmSync(path.join(dir, name), { force: true })
      removed.push(name)
    }
  }
  return removed
}
