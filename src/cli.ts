import './cli/check-node.js'
import { handlesSnapshots } from './config/config.js'
import { relaunchWithHugePages } from './runtime/huge-pages.js'
import { keepYoungGenerationSmall } from './runtime/young-generation.js'

// before the CLI's code loads (the re-executed process loads it once, not twice); not for
// --help, --version or the dry-run alone, where it would only cost a second start
if (handlesSnapshots(process.argv[2])) {
  relaunchWithHugePages()
  keepYoungGenerationSmall()
}
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
