import fs from 'node:fs'
import { showPath } from '../tar/entry-path.js'

/** Never through an existing name, link or not: the restore folder holds only what we made. */
const OPEN_FLAGS =
  fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW

/**
 * The restore's file-system writes, made at once with synchronous calls on this thread, in
 * archive order. Folder modes and times wait for settle(), after every file is written (a
 * read-only folder would refuse its own contents). Every failure names the entry; after one, or
 * after stop(), every call is refused.
 */
export class PlainWriters {
  readonly root: string
  #fd = -1
  #entry = ''
  #failure: Error | undefined
  #stopped = false
  readonly #folderModes: { path: string; mode: number; mtime: number | undefined }[] = []

  constructor(root: string) {
    this.root = root
  }

  /** A folder; `forEntry` names the entry it is a missing parent of, when it is one. */
  mkdir(rel: string, forEntry?: string): void {
    const what = forEntry === undefined ? 'create folder' : 'create parent folder of'
    this.#do(what, forEntry ?? rel, () => fs.mkdirSync(this.#full(rel), 0o700))
  }

  symlink(rel: string, target: string): void {
    this.#do('create symlink', rel, () => fs.symlinkSync(target, this.#full(rel)))
  }

  open(rel: string): void {
    this.#do('create file', rel, () => {
      this.#fd = fs.openSync(this.#full(rel), OPEN_FLAGS, 0o600)
      this.#entry = rel
    })
  }

  write(piece: Buffer): void {
    this.#do('write', this.#entry, () => {
      for (let done = 0; done < piece.length;)
        done += fs.writeSync(this.#fd, piece, done, piece.length - done)
    })
  }

  finishFile(mode: number, mtime: number | undefined): void {
    const fd = this.#fd
    this.#fd = -1
    this.#do('finish', this.#entry, () => {
      try {
        fs.fchmodSync(fd, mode)
        if (mtime !== undefined) fs.futimesSync(fd, mtime, mtime)
      } finally {
        fs.closeSync(fd)
      }
    })
  }

  /** A folder's mode and time, set by settle(). */
  chmod(rel: string, mode: number, mtime: number | undefined): void {
    this.#refuseIfDone()
    this.#folderModes.push({ path: rel, mode, mtime })
  }

  /** Nothing is queued: only a failure or a stop is heard here. */
  backpressure(): Promise<void> {
    return this.#settled(() => {})
  }

  /** Sets the folders' modes and times in the order given: the tree is then as described. */
  settle(): Promise<void> {
    return this.#settled(() => {
      for (const { path, mode, mtime } of this.#folderModes.splice(0)) {
        this.#do('set mode of', path, () => {
          fs.chmodSync(this.#full(path), mode)
          if (mtime !== undefined) fs.utimesSync(this.#full(path), mtime, mtime)
        })
      }
    })
  }

  /** `run` after a check that nothing failed or stopped; a throw becomes the rejection. */
  #settled(run: () => void): Promise<void> {
    try {
      this.#refuseIfDone()
      run()
      return Promise.resolve()
    } catch (error) {
      return Promise.reject(error as Error)
    }
  }

  /** Closes an open file; nothing is written after. Safe to call twice. */
  stop(): Promise<void> {
    this.#stopped = true
    this.#close()
    return Promise.resolve()
  }

  #full(rel: string): string {
    return `${this.root}/${rel}`
  }

  #refuseIfDone(): void {
    if (this.#failure) throw this.#failure
    if (this.#stopped) throw new Error('the restore writers were stopped: nothing more is written')
  }

  #do(action: string, entry: string, run: () => void): void {
    this.#refuseIfDone()
    try {
      run()
    } catch (error) {
      const code = String((error as NodeJS.ErrnoException).code ?? (error as Error).message)
      this.#failure = new Error(`cannot ${action} entry ${showPath(entry)}: ${code}`)
      this.#close()
      throw this.#failure
    }
  }

  #close(): void {
    if (this.#fd < 0) return
    try {
      fs.closeSync(this.#fd)
    } catch {
      // closing is all that is left to do with it; the caller discards the folder anyway
    }
    this.#fd = -1
  }
}
