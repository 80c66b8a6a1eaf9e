import './cli/check-node.js'
import './cli/check-platform.js'
import { installExitCleanup } from './runtime/cleanup-on-exit.js'
import { secretPlan } from './cli/parse-args.js'
import { prepareProcess } from './runtime/prepare-process.js'

let secrets: Record<string, string> | undefined
try {
  // the hand-off reads argv with the CLI's one parser: what it scrubs is what the lane will use
  secrets = prepareProcess(secretPlan(process.argv.slice(2)))
} catch (error) {
  process.stderr.write(`cutover-gate: ${(error as Error).message}\n`)
  process.exitCode = (error as { inputError?: boolean }).inputError ? 2 : 1
}
if (secrets) {
  installExitCleanup()
  const { runCli } = await import('./cli/run-cli.js')
  process.exitCode = await runCli({
    argv: process.argv.slice(2),
    env: process.env,
    secrets,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY)
  })
}
