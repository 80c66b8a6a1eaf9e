import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

// The stock tools interop tests drive, and the Debian package of each; a copy of STOCK_TOOLS in
// stock-tools.ts (this file is loaded outside the module mapper, hence only built-ins here).
const STOCK_TOOLS: Record<string, string> = {
  age: 'age',
  'age-keygen': 'age',
  zstd: 'zstd',
  gzip: 'gzip',
  script: 'bsdutils'
}

function onPath(name: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '')
    .some((dir) => {
      try {
        fs.accessSync(path.join(dir, name), fs.constants.X_OK)
        return fs.statSync(path.join(dir, name)).isFile()
      } catch {
        return false
      }
    })
}

/**
 * One temp folder per test run: TMPDIR points there for every test and every process a test
 * starts, so global-teardown.ts removes everything the run made in one go (a run used to leave
 * hundreds of folders in /tmp). Traversable by all, like /tmp, for the test that runs as nobody.
 * A stock tool missing from PATH is said once, here: the tests that drive it skip (not in CI).
 */
export default function globalSetup(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-gate-tests-'))
  fs.chmodSync(dir, 0o755)
  process.env.CUTOVER_GATE_TEST_TMPDIR = dir
  process.env.TMPDIR = dir
  const missing = Object.keys(STOCK_TOOLS).filter((tool) => !onPath(tool))
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((tool) => STOCK_TOOLS[tool]))].join(' ')
    process.stderr.write(
      process.env.CI
        ? `\nstock tools not on PATH: ${missing.join(', ')}: the tests that drive them will fail (CI skips nothing); apt-get install ${packages}\n`
        : `\nstock tools not on PATH: ${missing.join(', ')}: the tests that drive them are skipped; apt-get install ${packages} to run them\n`
    )
  }
}
