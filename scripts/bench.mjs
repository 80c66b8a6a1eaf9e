// npm run bench: times our bundled CLI (snapshot, restore-test; precutover as one process) against
// the stock shell pipeline (tar | age, age -d | tar -x + SHA-256) on generated data, checks the
// budgets, and with --markdown writes the figures to docs/performance.md. Usage: --help.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readArgs, USAGE } from './bench/args.mjs'
import { describeFs } from './bench/fresh-fs.mjs'
import { RSS_METHOD } from './bench/child.mjs'
import { buildBigFile, buildEmptyFiles, buildManyFiles, buildMixed } from './bench/dataset.mjs'
import { cliPath } from './bench/ours.mjs'
import {
  runBigFileCase,
  runEmptyFilesCase,
  runFilesCase,
  runMainCase,
  runScaling
} from './bench/cases.mjs'
import { writeMarkdown } from './bench/markdown.mjs'
import { runPrecutoverCase } from './bench/precutover-case.mjs'
import { HASH_TOOL, missingShellTools } from './bench/shell.mjs'
import { Budgets, size } from './bench/summary.mjs'

const log = (line = '') => process.stdout.write(`${line}\n`)
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..')

async function main() {
  const args = readArgs(process.argv.slice(2))
  if (args.help) return log(USAGE)
  const cli = args.shellOnly ? null : cliPath(projectRoot, args.cli)
  const work = mkdtempSync(join(args.dir ?? tmpdir(), 'cutover-gate-bench-'))
  const budgets = new Budgets()
  const dataFs = describeFs(work)
  const missing = missingShellTools(args.compression)
  const context = {
    ...args,
    cli,
    work,
    log,
    budgets,
    figures: [],
    shell: missing.length === 0,
    passphrase: `bench-${randomBytes(12).toString('hex')}`
  }
  log(
    `cutover-gate bench: node ${process.version}, ${args.compression}, work factor ${args.workFactor}`
  )
  if (cli) log(`cli ${cli}`)
  log(
    `data in ${work} on ${describeFs(work)}; command: npm run bench -- ${process.argv.slice(2).join(' ')}`
  )
  log(`peak RSS: ${RSS_METHOD}; shell hashing: ${HASH_TOOL}`)
  const startLoad = load()
  log(`load average ${startLoad} on ${availableParallelism()} cores (a busy machine skews times)`)
  if (missing.length > 0) log(`shell pipeline skipped: ${missing.join(', ')} not installed`)
  try {
    if (args.memoryScaling) {
      await runScaling(context, (root, bytes) => buildMixed(root, bytes), [
        256 * 1024 ** 2,
        2 * 1024 ** 3
      ])
    } else {
      if (args.cases.length > 0) {
        log(`\ngenerating ${size(args.size)} of mixed data ...`)
        context.dataset = buildMixed(join(work, 'repo'), args.size)
        log(`${context.dataset.files} files, ${size(context.dataset.bytes)}`)
      }
      const dataset = context.dataset
      if (args.cases.includes('main')) await runMainCase(context, dataset)
      if (args.cases.includes('precutover')) {
        if (context.shell || !cli) await runPrecutoverCase(context, dataset)
        else budgets.skip('precutover case', `shell tools missing: ${missing.join(', ')}`)
      }
      if (args.files > 0) {
        log(`\ngenerating ${args.files} files of 200 bytes ...`)
        const many = buildManyFiles(join(work, 'many'), args.files)
        await runFilesCase(context, many)
        rmSync(many.root, { recursive: true, force: true })
      }
      if (args.emptyFiles > 0) {
        log(`\ngenerating ${args.emptyFiles} empty files ...`)
        const empty = buildEmptyFiles(join(work, 'empty'), args.emptyFiles)
        await runEmptyFilesCase(context, empty)
        rmSync(empty.root, { recursive: true, force: true })
      }
      if (args.bigFile > 0) await runBigFileCase(context, args.bigFile, buildBigFile)
    }
  } finally {
    if (args.keep) log(`\nkept ${work}`)
    else rmSync(work, { recursive: true, force: true })
  }
  const endLoad = load()
  log(`\nload average at the end ${endLoad}`)
  budgets.print(log)
  if (args.markdown) {
    const file = resolve(projectRoot, args.markdown)
    writeMarkdown(file, {
      args,
      // the command that made the figures, less a --cli of a local copy (the figures then are
      // of that copy: the committed bundle is what a rerun measures)
      argv: process.argv.slice(2),
      figures: context.figures,
      budgets,
      rssMethod: RSS_METHOD,
      hashTool: HASH_TOOL,
      load: { start: startLoad, end: endLoad },
      dataFs
    })
    log(`figures written to ${file}`)
  }
  if (budgets.failed) process.exitCode = 1
}

main().catch((error) => {
  process.stderr.write(`bench: ${error.message}\n`)
  process.exitCode = 2
})
