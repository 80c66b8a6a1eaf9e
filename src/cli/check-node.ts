import { nodeTooOld } from './require-node.js'

// Imported first by the CLI entry: on an older Node, say so before anything else loads and
// fails in a way nobody could act on (a missing zstd function deep in a snapshot).
const tooOld = nodeTooOld(process.version)
if (tooOld) {
  process.stderr.write(`${tooOld}\n`)
  process.exit(2)
}
