import fs from 'node:fs'

/**
 * The text of a regular file, or an error: opened without following a last link and without
 * blocking (a fifo planted under the name would otherwise hang the run in open(2)), then judged
 * by fstat on the very descriptor read, so a swap after a check cannot slip a fifo or a link in.
 */
export function readRegularFile(file: string): string {
  const fd = fs.openSync(
    file,
    fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK
  )
  try {
    if (!fs.fstatSync(fd).isFile()) {
      throw Object.assign(new Error(`${file} is not a regular file`), { code: 'ENOTREG' })
    }
    return fs.readFileSync(fd, 'utf8')
  } finally {
    fs.closeSync(fd)
  }
}
