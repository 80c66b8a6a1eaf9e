import fs from 'node:fs'
import path from 'node:path'

function makeWritable(dir: string): void {
  try {
    fs.chmodSync(dir, 0o700)
  } catch {
    return
  }
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) makeWritable(path.join(dir, entry.name))
  }
}

/** rm -rf that also copes with read-only folders a restored tree may legitimately contain. */
export function removeTree(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'EACCES' && code !== 'EPERM') throw error
    makeWritable(dir)
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
