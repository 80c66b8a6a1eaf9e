import './cli/check-node.js'
import './cli/check-platform.js'
import { installExitCleanup } from './runtime/cleanup-on-exit.js'
import { prepareProcess } from './runtime/prepare-process.js'

let secrets: Record<string, string> | undefined
try {
  secrets = prepareProcess(process.argv[2], process.argv.slice(2))
} catch (error) {
  process.stderr.write(`cutover-gate: ${(error as Error).message}\n`)
  process.exitCode = 1
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
    stdoutIsTTY: Boolean(process.stdout.isTTY)
  })
}
