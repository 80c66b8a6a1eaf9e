// Command-line flags of scripts/bench.mjs.
import { parseArgs } from 'node:util'

export const USAGE = `usage: npm run bench -- [options]
  --size 256M          data set size (K/M/G suffixes), ~60% JSONL text, ~40% random
  --files N            also run a many-small-files case: N files of 200 bytes
  --empty-files N      also run N empty files (issue 23: 1000000) through snapshot and
                       restore-test and check each one's peak RSS
  --big-file SIZE      also run one file of SIZE (e.g. 4G) through ours, after checking free disk
  --runs N             runs per side, alternated ours/shell (default 5; 1 with --memory-scaling)
  --compression KIND   zstd (default), gzip or none
  --work-factor N      scrypt log2 N for our snapshots (default 10; age -p always uses 18,
                       so below 18 the shell's scrypt time is measured and taken out of the
                       ratio; at 18 both sides pay it and the raw ratio is gated)
  --memory-scaling     run ours at 256M and 2G and check that peak RSS does not grow
  --shell-only         skip our CLI (develop the shell half without a bundle)
  --cli PATH           the bundled CLI to time (default dist/cli.js)
  --dir PATH           where the data and the loop images go (default: the OS temp folder)
  --only CASE          run one case: main (snapshot + restore-test vs tar | age -p),
                       precutover (one process vs tar | age -r X25519 and restic), or none
                       (only --files / --empty-files / --big-file); default main and precutover
  --markdown [FILE]    write the figures to FILE (default docs/performance.md)
  --keep               keep the generated data and outputs
Every precutover run's outputs (and the empty-files case's) go on a journaled ext4 made for
that run in a loop image, as on a runner's fresh VM: that needs root, and the output says so
when it is not available. The data has no repeated blocks (restic would deduplicate them).`

const UNITS = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }

/** "256M" → bytes; K/M/G are binary units, a bare number is bytes. */
export function parseSize(text) {
  const match = /^(\d+(?:\.\d+)?)\s*([KMG]?)i?B?$/i.exec(String(text).trim())
  if (!match) throw new Error(`--size: "${text}" is not a size like 256M, 1.5G or 4096K`)
  return Math.round(Number(match[1]) * UNITS[match[2].toUpperCase()])
}

function positiveInt(name, text) {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name}: "${text}" is not a whole number ≥ 1`)
  return n
}

export function readArgs(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      size: { type: 'string', default: '256M' },
      files: { type: 'string' },
      'empty-files': { type: 'string' },
      'big-file': { type: 'string' },
      runs: { type: 'string' },
      compression: { type: 'string', default: 'zstd' },
      'work-factor': { type: 'string', default: '10' },
      'memory-scaling': { type: 'boolean', default: false },
      'shell-only': { type: 'boolean', default: false },
      cli: { type: 'string' },
      dir: { type: 'string' },
      keep: { type: 'boolean', default: false },
      only: { type: 'string' },
      markdown: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false }
    }
  })
  if (values['memory-scaling'] && values['shell-only']) {
    throw new Error('--memory-scaling measures our CLI: it does not go with --shell-only')
  }
  if (!['zstd', 'gzip', 'none'].includes(values.compression)) {
    throw new Error(`--compression: "${values.compression}" is not zstd, gzip or none`)
  }
  if (positionals.length > (values.markdown ? 1 : 0)) {
    throw new Error(
      `unexpected argument "${positionals.at(-1)}": only --markdown takes a file after it`
    )
  }
  if (values.only !== undefined && !['main', 'precutover', 'none'].includes(values.only)) {
    throw new Error(`--only: "${values.only}" is not main, precutover or none`)
  }
  const workFactor = positiveInt('work-factor', values['work-factor'])
  if (workFactor < 10 || workFactor > 20) throw new Error('--work-factor: must be 10 to 20')
  return {
    help: values.help,
    size: parseSize(values.size),
    files: values.files === undefined ? 0 : positiveInt('files', values.files),
    emptyFiles:
      values['empty-files'] === undefined ? 0 : positiveInt('empty-files', values['empty-files']),
    bigFile: values['big-file'] === undefined ? 0 : parseSize(values['big-file']),
    runs:
      values.runs === undefined
        ? values['memory-scaling']
          ? 1
          : 5
        : positiveInt('runs', values.runs),
    compression: values.compression,
    workFactor,
    memoryScaling: values['memory-scaling'],
    shellOnly: values['shell-only'],
    cli: values.cli,
    dir: values.dir,
    keep: values.keep,
    cases: values.only === 'none' ? [] : values.only ? [values.only] : ['main', 'precutover'],
    markdown: values.markdown ? (positionals[0] ?? 'docs/performance.md') : null
  }
}
