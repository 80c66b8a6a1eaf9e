// Runs the precutover case: ours (one process) and the stock X25519 pipeline, alternated.
import { join } from 'node:path'
import { commitRepo, makeKeys, oursKey, oursPrecutover, shellX25519 } from './precutover.mjs'
import { max, median, mib, rate, ratio, seconds, size } from './summary.mjs'

export const PRECUTOVER_RATIO_BUDGET = 0.9
const RSS_BUDGET_MIB = 256
const TAR_NAME = { zstd: '--zstd', gzip: '-z', none: '(no compression)' }

const spread = (values) =>
  values.length ? `${ratio(Math.min(...values))}–${ratio(Math.max(...values))}` : 'n/a'

export async function runPrecutoverCase(ctx, dataset) {
  commitRepo(dataset.root)
  const keys = makeKeys(join(ctx.work, 'keys'))
  const key = ctx.cli ? oursKey(ctx.cli, keys, ctx.passphrase, ctx.workFactor) : null
  const ours = []
  const shell = []
  const runOurs = () => oursPrecutover(ctx.cli, dataset, ctx.work, key, ctx.compression)
  const runShell = () => shellX25519(dataset, ctx.work, keys, ctx.compression)
  ctx.log(
    `\nprecutover as one process vs tar ${TAR_NAME[ctx.compression]} | age -r, age -d | tar -x + SHA-256`
  )
  if (key) ctx.log(`ours keyed by ${key.label}; shell by an X25519 key from age-keygen`)
  // one untimed run of each first: page cache and allocator warm on both sides
  if (key) await runOurs()
  await runShell()
  for (let i = 1; i <= ctx.runs; i++) {
    for (const side of i % 2 ? ['ours', 'shell'] : ['shell', 'ours']) {
      if (side === 'ours' && key) ours.push(await runOurs())
      if (side === 'shell') shell.push(await runShell())
      const last = side === 'ours' ? ours.at(-1) : shell.at(-1)
      if (last && (side === 'shell' || key))
        ctx.log(
          `run ${i} ${side.padEnd(5)} ${seconds(last.seconds)} ${rate(dataset.bytes, last.seconds)} ${mib(last.peakMiB)}`
        )
    }
  }
  const oursTime = median(ours.map((r) => r.seconds))
  const shellTime = median(shell.map((r) => r.seconds))
  const ratios = ours.map((o, i) => o.seconds / shell[i].seconds)
  const oursPeak = max(ours.map((r) => r.peakMiB))
  const shellPeak = max(shell.map((r) => r.peakMiB))
  ctx.log(
    `  medians: ours ${seconds(oursTime)}, shell ${seconds(shellTime)}; ratio ours/shell ${ratio(median(ratios))} (pairs ${spread(ratios)}); peak RSS ours ${mib(oursPeak)}, shell ${mib(shellPeak)}`
  )
  ctx.figures.push({
    title: `precutover, one process, ${size(dataset.bytes)} mixed data (${dataset.files} files), ${ctx.compression}`,
    rows: [
      ['ours keyed by', key?.label ?? 'not run (--shell-only)'],
      [
        'stock pipeline',
        `tar ${TAR_NAME[ctx.compression]} | age -r (X25519), age -d | tar -x, ${'SHA-256 of every file'}`
      ],
      ['alternating pairs', String(Math.min(ours.length, shell.length))],
      [
        'ours, median wall time',
        `${oursTime.toFixed(2)} s (${rate(dataset.bytes, oursTime).trim()})`
      ],
      [
        'stock, median wall time',
        `${shellTime.toFixed(2)} s (${rate(dataset.bytes, shellTime).trim()})`
      ],
      ['ratio ours/stock, median of pairs', ratio(median(ratios))],
      ['ratio ours/stock, spread of pairs', spread(ratios)],
      ['peak RSS ours (largest process)', `${oursPeak.toFixed(0)} MiB`],
      ['peak RSS stock (largest process)', `${shellPeak.toFixed(0)} MiB`]
    ]
  })
  if (!key) {
    ctx.budgets.skip(`precutover: ours/stock <= ${PRECUTOVER_RATIO_BUDGET}`, '--shell-only')
    return
  }
  ctx.budgets.check(
    `precutover: ours/stock <= ${PRECUTOVER_RATIO_BUDGET}`,
    median(ratios) <= PRECUTOVER_RATIO_BUDGET,
    `${ratio(median(ratios))} (pairs ${spread(ratios)})`
  )
  ctx.budgets.check(
    `precutover: peak RSS <= ${RSS_BUDGET_MIB} MiB`,
    oursPeak <= RSS_BUDGET_MIB,
    `${oursPeak.toFixed(0)} MiB`
  )
}
