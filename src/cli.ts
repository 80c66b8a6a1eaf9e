import './cli/check-node.js'
import { prepareProcess } from './runtime/prepare-process.js'

prepareProcess(process.argv[2])
const { runCli } = await import('./cli/run-cli.js')

process.exitCode = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  stdinIsTTY: Boolean(process.stdin.isTTY),
  stdoutIsTTY: Boolean(process.stdout.isTTY)
})
