import { platformError } from '../config/platform.js'

// Imported by the CLI entry after check-node: on another OS, one input error (exit 2) before
// anything runs; --help and --version still answer.
const unsupported = platformError(process.platform)
const asks = process.argv.slice(2).some((arg) => ['--help', '-h', '--version'].includes(arg))
if (unsupported && !asks) {
  process.stderr.write(`cutover-gate: ${unsupported}\n`)
  process.exit(2)
}
