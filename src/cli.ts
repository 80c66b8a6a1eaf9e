import './cli/check-node.js'
import { createsSnapshots, relaunchWithHugePages } from './runtime/huge-pages.js'
import { handlesSnapshots, keepYoungGenerationSmall } from './runtime/young-generation.js'

// before the CLI's code loads (the re-executed process loads it once, not twice); only when
// creating a snapshot: elsewhere it would cost a second start and gain nothing
if (createsSnapshots(process.argv[2])) relaunchWithHugePages()
if (handlesSnapshots(process.argv[2])) keepYoungGenerationSmall()
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
