// The bench's three cases: mixed data vs the shell pipeline, many small files vs plain tar,
// and memory scaling (256 MiB vs 2 GiB).
import { rmSync, statfsSync } from 'node:fs'
import { join } from 'node:path'
import { buildBigFile } from './dataset.mjs'
import { freshFs } from './fresh-fs.mjs'
import { oursRestoreTest, oursSnapshot } from './ours.mjs'
import { ageKdfCost, shellRestore, shellSnapshot, tarOnly } from './shell.mjs'
import { max, median, mib, rate, ratio, seconds, size, step } from './summary.mjs'

const RSS_BUDGET_MIB = 256

function options(ctx) {
  return { compression: ctx.compression, workFactor: ctx.workFactor, passphrase: ctx.passphrase }
}

async function runOurs(ctx, dataset) {
  const snapshot = await oursSnapshot(ctx.cli, dataset, ctx.work, options(ctx))
  const restore = await oursRestoreTest(ctx.cli, dataset, ctx.work, options(ctx))
  return { snapshot, restore, total: snapshot.seconds + restore.seconds }
}

async function runShell(ctx, dataset) {
  const kdf = await ageKdfCost(ctx.work, ctx.passphrase)
  const snapshot = await shellSnapshot(dataset, ctx.work, ctx.passphrase, ctx.compression)
  const restore = await shellRestore(ctx.work, ctx.passphrase, ctx.compression)
  return { snapshot, restore, total: snapshot.seconds + restore.seconds, kdf }
}

function logRun(ctx, label, run, bytes) {
  const kdf = run.kdf
    ? `   (age scrypt+start ${run.kdf.encrypt.toFixed(2)} + ${run.kdf.decrypt.toFixed(2)} s; cold ${run.kdf.cold.toFixed(2)} s)`
    : ''
  ctx.log(
    `${label.padEnd(14)} ${step('snapshot', run.snapshot, bytes)} | ${step('restore', run.restore, bytes)} | total ${seconds(run.total)}${kdf}`
  )
}

function logSide(ctx, name, runs, bytes) {
  const snap = median(runs.map((r) => r.snapshot.seconds))
  const rest = median(runs.map((r) => r.restore.seconds))
  const tot = median(runs.map((r) => r.total))
  const peak = (key) => mib(max(runs.map((r) => r[key].peakMiB)))
  ctx.log(
    `  ${name.padEnd(6)} snapshot ${seconds(snap)} ${rate(bytes, snap)} ${peak('snapshot')}` +
      ` | restore ${seconds(rest)} ${rate(bytes, rest)} ${peak('restore')} | total ${seconds(tot)} ${rate(bytes, tot)}`
  )
}

/**
 * What one snapshot + restore-test costs ours whatever the data: Node starting (once per
 * mode), loading, git, the report. Timed on a repository of one byte, median
 * of three. For the reader only: no budget uses it.
 */
async function oursFixedCost(ctx) {
  const fixed = { ...ctx, work: join(ctx.work, 'fixed-cost') }
  const tiny = buildBigFile(join(fixed.work, 'repo'), 1)
  const totals = []
  for (let i = 0; i < 3; i++) totals.push((await runOurs(fixed, tiny)).total)
  rmSync(fixed.work, { recursive: true, force: true })
  return median(totals)
}

/** Mixed data: ours and the shell pipeline, alternated, then medians, ratios and budgets. */
export async function runMainCase(ctx, dataset) {
  const ours = []
  const shell = []
  const fixed = ctx.cli ? await oursFixedCost(ctx) : NaN
  ctx.log(`\n${ctx.runs} run(s), alternating; MB/s are input bytes per second; RSS is the peak`)
  for (let i = 1; i <= ctx.runs; i++) {
    for (const side of i % 2 ? ['ours', 'shell'] : ['shell', 'ours']) {
      if (side === 'ours' && ctx.cli) {
        ours.push(await runOurs(ctx, dataset))
        logRun(ctx, `run ${i} ours`, ours.at(-1), dataset.bytes)
      } else if (side === 'shell' && ctx.shell) {
        shell.push(await runShell(ctx, dataset))
        logRun(ctx, `run ${i} shell`, shell.at(-1), dataset.bytes)
      }
    }
  }
  ctx.log('\nmedians')
  if (ours.length) logSide(ctx, 'ours', ours, dataset.bytes)
  if (shell.length) logSide(ctx, 'shell', shell, dataset.bytes)
  if (ours.length && shell.length) {
    // runs are paired in time (ours i next to shell i), so the median of the pair ratios
    const paired = (f) => median(ours.map((o, i) => f(o) / f(shell[i])))
    const snapRatio = paired((r) => r.snapshot.seconds)
    const restRatio = paired((r) => r.restore.seconds)
    const totalRaw = paired((r) => r.total)
    // age -p always runs scrypt at logN 18 (ours at --work-factor): take age's fixed cost out,
    // as the median of its empty-file probes (warm, see ageKdfCost), steadier than each run's own
    const kdf = median(shell.map((r) => r.kdf.encrypt)) + median(shell.map((r) => r.kdf.decrypt))
    // at work factor 18 both sides pay the same scrypt, so the raw ratio is the fair one; below
    // it ours pays little, so age's fixed cost is taken out of the shell's time instead
    const sameKdf = ctx.workFactor === 18
    // when age's fixed cost is over half the shell's time, what is left is too small to compare
    const comparable = sameKdf || median(shell.map((r) => r.total)) >= 2 * kdf
    const totalFair = sameKdf
      ? totalRaw
      : comparable
        ? median(ours.map((o, i) => o.total / (shell[i].total - kdf)))
        : NaN
    const cold = median(shell.map((r) => r.kdf.cold))
    ctx.log(
      `  age's fixed cost (scrypt logN 18 + start, encrypt + decrypt of an empty file, memory warm as the pipeline finds it): ${kdf.toFixed(2)} s` +
        ` (a first, cold encryption: ${cold.toFixed(2)} s)`
    )
    ctx.log(
      `  ours' fixed cost (Node start and re-execution, loading, report; snapshot + restore-test of a 1-byte repository): ${fixed.toFixed(2)} s`
    )
    ctx.log(
      `  median ratio ours/shell: snapshot ${ratio(snapRatio)}, restore-test ${ratio(restRatio)}, ` +
        (sameKdf
          ? `total ${ratio(totalRaw)} (both sides at scrypt logN 18)`
          : `total ${ratio(totalRaw)}; total without age's fixed scrypt (logN 18) ${ratio(totalFair)}`)
    )
    // for the reader: how much of what is left is start-up (no budget reads this)
    const engines = median(ours.map((o, i) => (o.total - fixed) / (shell[i].total - kdf)))
    ctx.log(
      `  for information, with both sides' fixed costs out (data work alone): ${ratio(engines)}`
    )
    const ourSize = ours.at(-1).snapshot.snapshotBytes
    const shellSize = shell.at(-1).snapshot.snapshotBytes
    ctx.log(
      `  snapshot size: ours ${size(ourSize)}, shell ${size(shellSize)} (ours/shell ${ratio(ourSize / shellSize)})`
    )
    ctx.figures.push({
      title: `snapshot and restore-test, two processes, ${size(dataset.bytes)} mixed data, vs tar | age -p`,
      rows: [
        ['ours keyed by', `passphrase, scrypt work factor ${ctx.workFactor}`],
        ['alternating pairs', String(ours.length)],
        [
          'ours snapshot / restore-test, median',
          `${median(ours.map((r) => r.snapshot.seconds)).toFixed(2)} / ${median(ours.map((r) => r.restore.seconds)).toFixed(2)} s`
        ],
        [
          'stock snapshot / restore, median',
          `${median(shell.map((r) => r.snapshot.seconds)).toFixed(2)} / ${median(shell.map((r) => r.restore.seconds)).toFixed(2)} s`
        ],
        [
          'ratio snapshot / restore-test / total (median of pairs)',
          `${ratio(snapRatio)} / ${ratio(restRatio)} / ${ratio(totalRaw)}`
        ],
        ["ratio total without age's scrypt at logN 18", ratio(totalFair)],
        [
          'peak RSS ours (largest process)',
          mib(max(ours.flatMap((r) => [r.snapshot.peakMiB, r.restore.peakMiB]))).trim()
        ],
        ['snapshot size ours / stock', `${size(ourSize)} / ${size(shellSize)}`]
      ]
    })
    const budget = 'total time ratio ours/shell <= 1.0'
    if (!comparable) {
      ctx.budgets.skip(
        budget,
        `data too small next to age's scrypt (raw ${ratio(totalRaw)}): use --size 256M or more`
      )
    } else {
      ctx.budgets.check(
        budget,
        totalFair <= 1.0,
        sameKdf
          ? `${ratio(totalFair)} with scrypt at 18 on both sides`
          : `${ratio(totalFair)} without age's scrypt at 18 (raw ${ratio(totalRaw)})`
      )
    }
  } else {
    ctx.budgets.skip(
      'total time ratio ours/shell <= 1.0',
      ctx.cli ? 'shell tools missing' : '--shell-only'
    )
  }
  if (ours.length) {
    const peak = max(ours.flatMap((r) => [r.snapshot.peakMiB, r.restore.peakMiB]))
    // the budget is set at work factor 10: at 18, scrypt alone needs 256 MiB (128 × r × N)
    if (ctx.workFactor !== 10)
      ctx.budgets.skip(
        `peak RSS < ${RSS_BUDGET_MIB} MiB`,
        `set at work factor 10; scrypt alone takes ${2 ** (ctx.workFactor - 10)} MiB at ${ctx.workFactor} (peak ${peak.toFixed(0)} MiB)`
      )
    else if (Number.isFinite(peak))
      ctx.budgets.check(
        `peak RSS < ${RSS_BUDGET_MIB} MiB`,
        peak < RSS_BUDGET_MIB,
        `${peak.toFixed(0)} MiB`
      )
    else ctx.budgets.skip(`peak RSS < ${RSS_BUDGET_MIB} MiB`, 'no way to read peak RSS here')
  }
}

/** Many small files: ours (snapshot + restore-test) against plain tar -c + tar -x. */
export async function runFilesCase(ctx, dataset) {
  const ours = []
  const tar = []
  ctx.log(
    `\n${dataset.files} small files: ours vs tar -c + tar -x (+ rm -rf, as restore-test cleans up)`
  )
  for (let i = 1; i <= ctx.runs; i++) {
    for (const side of i % 2 ? ['ours', 'tar'] : ['tar', 'ours']) {
      if (side === 'ours' && ctx.cli) {
        ours.push(await runOurs(ctx, dataset))
        logRun(ctx, `run ${i} ours`, ours.at(-1), dataset.bytes)
      } else if (side === 'tar') {
        const { create, extract } = await tarOnly(dataset, ctx.work)
        tar.push({ snapshot: create, restore: extract, total: create.seconds + extract.seconds })
        logRun(ctx, `run ${i} tar`, tar.at(-1), dataset.bytes)
      }
    }
  }
  if (!ours.length)
    return ctx.budgets.skip('small files: ours <= 2x tar -c + tar -x', '--shell-only')
  const r = median(ours.map((o, i) => o.total / tar[i].total))
  ctx.log(
    `  median ratio ours/tar: ${ratio(r)} (ours ${seconds(median(ours.map((o) => o.total)))}, tar ${seconds(median(tar.map((t) => t.total)))})`
  )
  ctx.budgets.check('small files: ours <= 2x tar -c + tar -x', r <= 2, `${ratio(r)}x`)
  const peak = max(ours.flatMap((o) => [o.snapshot.peakMiB, o.restore.peakMiB]))
  if (Number.isFinite(peak)) {
    ctx.budgets.check(
      `small files: peak RSS < ${RSS_BUDGET_MIB} MiB`,
      peak < RSS_BUDGET_MIB,
      `${peak.toFixed(0)} MiB`
    )
  }
}

/** Ours at each size; the peak RSS of the largest must stay near the smallest's. */
export async function runScaling(ctx, build, sizes) {
  const peaks = []
  for (const bytes of sizes) {
    ctx.log(`\ngenerating ${size(bytes)} of mixed data ...`)
    const root = join(ctx.work, `scale-${bytes}`)
    const dataset = build(root, bytes)
    const runs = []
    for (let i = 1; i <= ctx.runs; i++) {
      runs.push(await runOurs(ctx, dataset))
      logRun(ctx, `${size(bytes)} run ${i}`, runs.at(-1), dataset.bytes)
    }
    rmSync(root, { recursive: true, force: true })
    const peak = max(runs.flatMap((r) => [r.snapshot.peakMiB, r.restore.peakMiB]))
    peaks.push(peak)
    ctx.log(`  peak RSS at ${size(bytes)}: ${mib(peak)}`)
  }
  const [small, big] = [peaks[0], peaks.at(-1)]
  ctx.budgets.check(
    'memory flat: peak RSS 2 GiB <= 1.25x 256 MiB',
    big <= small * 1.25,
    `${big.toFixed(0)} vs ${small.toFixed(0)} MiB`
  )
  ctx.budgets.check(
    `peak RSS < ${RSS_BUDGET_MIB} MiB at every size`,
    Math.max(...peaks) < RSS_BUDGET_MIB,
    `${Math.max(...peaks).toFixed(0)} MiB`
  )
}

/**
 * One big file through ours: memory must stay flat whatever the file's size. The source, the
 * snapshot and the restore-test copy need about 3x its size on disk: checked first, skipped
 * (saying so) when the disk cannot hold them.
 */
export async function runBigFileCase(ctx, bytes, build) {
  const stats = statfsSync(ctx.work)
  const free = stats.bavail * stats.bsize
  const need = Math.ceil(bytes * 3.2)
  const name = `big file ${size(bytes)}: peak RSS < ${RSS_BUDGET_MIB} MiB`
  if (free < need) {
    ctx.log(
      `\nbig file ${size(bytes)} skipped: needs ${size(need)} free in ${ctx.work}, has ${size(free)}`
    )
    return ctx.budgets.skip(name, `needs ${size(need)} free disk, has ${size(free)}`)
  }
  if (!ctx.cli) return ctx.budgets.skip(name, '--shell-only')
  ctx.log(`\ngenerating one file of ${size(bytes)} ...`)
  const dataset = build(join(ctx.work, 'big'), bytes)
  const run = await runOurs(ctx, dataset)
  logRun(ctx, `big file ours`, run, dataset.bytes)
  rmSync(dataset.root, { recursive: true, force: true })
  const peak = max([run.snapshot.peakMiB, run.restore.peakMiB])
  ctx.budgets.check(name, peak < RSS_BUDGET_MIB, `${peak.toFixed(0)} MiB`)
}

/**
 * Many empty files (issue 23: 1,000,000): what grows with the entry count and not the bytes.
 * One snapshot and one restore-test, outputs on a fresh file system with inodes enough; the
 * figure is each one's peak RSS, which must stay under the budget (memory flat in the count).
 */
export async function runEmptyFilesCase(ctx, dataset) {
  const name = (step) => `${dataset.files} empty files: ${step} peak RSS <= ${RSS_BUDGET_MIB} MiB`
  if (!ctx.cli) {
    ctx.budgets.skip(name('snapshot'), '--shell-only')
    return ctx.budgets.skip(name('restore-test'), '--shell-only')
  }
  const fs = freshFs(ctx.work, { inodes: Math.ceil(dataset.files * 1.1) + 65536 })
  ctx.log(`outputs on ${fs.description}`)
  let run
  try {
    const snapshot = await oursSnapshot(ctx.cli, dataset, fs.dir, options(ctx))
    const restore = await oursRestoreTest(ctx.cli, dataset, fs.dir, options(ctx))
    run = { snapshot, restore, total: snapshot.seconds + restore.seconds }
  } finally {
    fs.release()
  }
  ctx.log(
    `empty files    snapshot ${seconds(run.snapshot.seconds)} ${mib(run.snapshot.peakMiB)} | restore-test ${seconds(run.restore.seconds)} ${mib(run.restore.peakMiB)}`
  )
  ctx.figures.push({
    title: `${dataset.files} empty files: snapshot and restore-test, one run each`,
    rows: [
      ['outputs on', fs.description],
      [
        'snapshot: wall time, peak RSS',
        `${run.snapshot.seconds.toFixed(1)} s, ${run.snapshot.peakMiB.toFixed(0)} MiB`
      ],
      [
        'restore-test: wall time, peak RSS',
        `${run.restore.seconds.toFixed(1)} s, ${run.restore.peakMiB.toFixed(0)} MiB`
      ]
    ]
  })
  for (const [step, result] of [
    ['snapshot', run.snapshot],
    ['restore-test', run.restore]
  ])
    ctx.budgets.check(
      name(step),
      result.peakMiB <= RSS_BUDGET_MIB,
      `${result.peakMiB.toFixed(0)} MiB`
    )
}
