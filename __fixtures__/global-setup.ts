import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * One temp folder per test run: TMPDIR points there for every test and every process a test
 * starts, so global-teardown.ts removes everything the run made in one go (a run used to leave
 * hundreds of folders in /tmp). Traversable by all, like /tmp, for the test that runs as nobody.
 */
export default function globalSetup(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-gate-tests-'))
  fs.chmodSync(dir, 0o755)
  process.env.CUTOVER_GATE_TEST_TMPDIR = dir
  process.env.TMPDIR = dir
}
