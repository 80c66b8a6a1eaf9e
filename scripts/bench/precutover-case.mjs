// The precutover case: ours (one process), the stock X25519 pipeline and restic, in rotation,
// each run's outputs on a file system made for that run.
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { freshFs } from './fresh-fs.mjs'
import { commitRepo, makeKeys, oursKey, oursPrecutover, shellX25519 } from './precutover.mjs'
import { hasRestic, resticRun, resticVersion } from './restic.mjs'
import { max, median, mib, rate, ratio, seconds, size } from './summary.mjs'

/** Issue 23: precutover at most 0.8x the stock pipeline, faster than restic, peak at most 192 MiB. */
export const PRECUTOVER_RATIO_BUDGET = 0.8
const RSS_BUDGET_MIB = 192
const TAR_NAME = { zstd: '--zstd', gzip: '-z', none: '(no compression)' }

const spread = (values) =>
  values.length ? `${ratio(Math.min(...values))}–${ratio(Math.max(...values))}` : 'n/a'
const load1 = () => loadavg()[0].toFixed(1)

/** Runs `run(dir)` with its outputs on a fresh file system; returns its result and the load. */
async function onFreshFs(ctx, run) {
  const fs = freshFs(ctx.work)
  ctx.fsDescription = fs.description
  const load = load1()
  try {
    return { ...(await run(fs.dir)), load }
  } finally {
    fs.release()
  }
}

export async function runPrecutoverCase(ctx, dataset) {
  commitRepo(dataset.root)
  const keys = makeKeys(join(ctx.work, 'keys'))
  const key = ctx.cli ? oursKey(ctx.cli, keys, ctx.passphrase, ctx.workFactor) : null
  const restic = hasRestic()
  const sides = {
    ours: key ? (dir) => oursPrecutover(ctx.cli, dataset, dir, key, ctx.compression) : undefined,
    stock: (dir) => shellX25519(dataset, dir, keys, ctx.compression),
    restic: restic ? (dir) => resticRun(dataset, dir, ctx.passphrase) : undefined
  }
  const names = Object.keys(sides).filter((name) => sides[name])
  const results = Object.fromEntries(names.map((name) => [name, []]))
  ctx.log(
    `\nprecutover as one process vs tar ${TAR_NAME[ctx.compression]} | age -r, age -d | tar -x + SHA-256` +
      (restic ? `, and vs ${resticVersion()} backup + restore --verify` : ' (restic not installed)')
  )
  if (key) ctx.log(`ours keyed by ${key.label}; stock by an X25519 key from age-keygen`)
  // one untimed run of each first: page cache and allocator warm on every side
  for (const name of names) await onFreshFs(ctx, sides[name])
  ctx.log(`outputs of every run: ${ctx.fsDescription}`)
  for (let i = 1; i <= ctx.runs; i++) {
    // rotated, so no side always runs first or right after the same other one
    const order = names.map((_, k) => names[(k + i - 1) % names.length])
    for (const name of order) {
      const result = await onFreshFs(ctx, sides[name])
      results[name].push(result)
      ctx.log(
        `run ${i} ${name.padEnd(6)} ${seconds(result.seconds)} ${rate(dataset.bytes, result.seconds)} ${mib(result.peakMiB)}  load ${result.load}`
      )
    }
  }
  const time = (name) => median((results[name] ?? []).map((r) => r.seconds))
  const peak = (name) => max((results[name] ?? []).map((r) => r.peakMiB))
  const ratios = (other) =>
    key && results[other] ? results.ours.map((o, i) => o.seconds / results[other][i].seconds) : []
  const vsStock = ratios('stock')
  const vsRestic = ratios('restic')
  const loads = names.flatMap((name) => results[name].map((r) => Number(r.load)))
  ctx.log(
    `  medians: ${names.map((n) => `${n} ${seconds(time(n)).trim()}`).join(', ')}; ` +
      `ours/stock ${ratio(median(vsStock))} (pairs ${spread(vsStock)}), ours/restic ${ratio(median(vsRestic))} (pairs ${spread(vsRestic)}); ` +
      `peak RSS ${names.map((n) => `${n} ${mib(peak(n)).trim()}`).join(', ')}; load ${spread(loads)}`
  )
  const row = (name, label) =>
    results[name]
      ? [
          [
            `${label}, median wall time`,
            `${time(name).toFixed(2)} s (${rate(dataset.bytes, time(name)).trim()})`
          ],
          [`${label}, peak RSS (largest process)`, `${peak(name).toFixed(0)} MiB`]
        ]
      : []
  ctx.figures.push({
    title: `precutover, one process, ${size(dataset.bytes)} of data without repeated blocks (${dataset.files} files), ${ctx.compression}`,
    rows: [
      ['outputs of each run on', ctx.fsDescription],
      ['ours keyed by', key?.label ?? 'not run (--shell-only)'],
      [
        'stock pipeline',
        `tar ${TAR_NAME[ctx.compression]} | age -r (X25519), age -d | tar -x, SHA-256 of every file`
      ],
      ['restic', restic ? `${resticVersion()}: backup, then restore --verify` : 'not installed'],
      ['rounds (sides rotated)', String(ctx.runs)],
      ['load average (1 min) at each run, range', spread(loads)],
      ...row('ours', 'ours'),
      ...row('stock', 'stock'),
      ...row('restic', 'restic'),
      [
        'ratio ours/stock, median (spread) of pairs',
        `${ratio(median(vsStock))} (${spread(vsStock)})`
      ],
      [
        'ratio ours/restic, median (spread) of pairs',
        `${ratio(median(vsRestic))} (${spread(vsRestic)})`
      ]
    ]
  })
  if (!key) {
    ctx.budgets.skip(`precutover: ours/stock <= ${PRECUTOVER_RATIO_BUDGET}`, '--shell-only')
    return
  }
  ctx.budgets.check(
    `precutover: ours/stock <= ${PRECUTOVER_RATIO_BUDGET}`,
    median(vsStock) <= PRECUTOVER_RATIO_BUDGET,
    `${ratio(median(vsStock))} (pairs ${spread(vsStock)})`
  )
  if (restic)
    ctx.budgets.check(
      'precutover: faster than restic backup + restore --verify',
      median(vsRestic) < 1,
      `${ratio(median(vsRestic))} (pairs ${spread(vsRestic)})`
    )
  else ctx.budgets.skip('precutover: faster than restic', 'restic not installed')
  ctx.budgets.check(
    `precutover: peak RSS <= ${RSS_BUDGET_MIB} MiB`,
    peak('ours') <= RSS_BUDGET_MIB,
    `${peak('ours').toFixed(0)} MiB`
  )
}
