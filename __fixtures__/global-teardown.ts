import { execFileSync } from 'node:child_process'
import fs from 'node:fs'

/** Removes the run's temp folder made by global-setup.ts (loaded outside the module mapper,
 * hence only built-ins here). Restored trees keep read-only modes: make them writable first. */
export default function globalTeardown(): void {
  const dir = process.env.CUTOVER_GATE_TEST_TMPDIR
  if (!dir) return
  execFileSync('chmod', ['-R', 'u+rwX', dir])
  fs.rmSync(dir, { recursive: true, force: true })
}
