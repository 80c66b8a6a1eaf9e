// The exposure audit on a big history: a repository of N commits (100,000 by default) written by
// git fast-import, audited by the bundled CLI (`cutover-gate exposure-audit`) as a user runs it.
// Writes its figure into docs/performance.md between the exposure-history markers.
//   node scripts/bench/exposure-history.mjs [--commits 100000] [--runs 3] [--no-write]
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { measure, RSS_METHOD } from './child.mjs'
import { cliPath } from './ours.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const { values } = parseArgs({
  options: {
    commits: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    'no-write': { type: 'boolean', default: false }
  }
})
const COMMITS = Number(values.commits)
const RUNS = Number(values.runs)
const BEGIN = '<!-- BEGIN exposure-history -->'
const END = '<!-- END exposure-history -->'

/**
 * The history: `main` changes one of 500 source files per commit; from 20% to 60% of the way the
 * include `state/` is there too (a file rewritten every 10th commit, an LFS pointer), then it is
 * deleted; 20 side branches of 50 commits each fork off main; a tag marks the middle.
 */
function* stream() {
  const state = [Math.floor(COMMITS * 0.2), Math.floor(COMMITS * 0.6)]
  const side = 20
  const perSide = 50
  const mainCommits = COMMITS - side * perSide
  for (let at = 0; at < mainCommits; at++) {
    const lines = [`commit refs/heads/main`, `mark :${at + 1}`]
    lines.push(`committer b <b@example.com> ${1700000000 + at} +0000`, 'data 2', 'c')
    if (at > 0) lines.push(`from :${at}`)
    const body = `line ${at}\n`
    lines.push(`M 100644 inline src/file-${at % 500}.txt`, `data ${body.length}`, body)
    if (at >= state[0] && at < state[1] && at % 10 === 0) {
      const json = `${JSON.stringify({ at, customers: at * 7, note: 'private state of the graph store' })}\n`
      lines.push(`M 100644 inline state/db-${at % 200}.json`, `data ${json.length}`, json)
    }
    if (at === state[0]) {
      const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${'ab'.repeat(32)}\nsize 4096\n`
      lines.push('M 100644 inline state/blob.bin', `data ${pointer.length}`, pointer)
    }
    if (at === state[1]) lines.push('D state')
    if (at === Math.floor(mainCommits / 2))
      lines.push('', `reset refs/tags/middle`, `from :${at + 1}`)
    yield `${lines.join('\n')}\n`
  }
  let mark = mainCommits
  for (let b = 0; b < side; b++) {
    const base = Math.floor(((b + 1) * mainCommits) / (side + 1))
    for (let i = 0; i < perSide; i++) {
      mark++
      const lines = [`commit refs/heads/side-${b}`, `mark :${mark}`]
      lines.push(`committer b <b@example.com> ${1800000000 + mark} +0000`, 'data 2', 's')
      lines.push(`from :${i === 0 ? base : mark - 1}`)
      const body = `side ${b} ${i}\n`
      lines.push(`M 100644 inline side/${b}.txt`, `data ${body.length}`, body)
      yield `${lines.join('\n')}\n`
    }
  }
}

function buildRepository(dir) {
  execFileSync('git', ['init', '-q', '-b', 'main', dir])
  const started = performance.now()
  const child = spawn('git', ['fast-import', '--quiet'], {
    cwd: dir,
    stdio: ['pipe', 'inherit', 'inherit']
  })
  const done = new Promise((resolve, reject) =>
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`fast-import exit ${code}`))
    )
  )
  return (async () => {
    for (const chunk of stream()) {
      if (!child.stdin.write(chunk))
        await new Promise((resolve) => child.stdin.once('drain', resolve))
    }
    child.stdin.end()
    await done
    execFileSync('git', ['-C', dir, 'reset', '-q', '--hard', 'main'])
    // the private state on disk now: one file whose bytes an old commit holds, one never committed
    mkdirSync(join(dir, 'state'), { recursive: true })
    const old = Math.floor(COMMITS * 0.2)
    writeFileSync(
      join(dir, 'state', 'db.json'),
      `${JSON.stringify({ at: old, customers: old * 7, note: 'private state of the graph store' })}\n`
    )
    writeFileSync(join(dir, 'state', 'new.json'), `${'never committed '.repeat(8)}\n`)
    writeFileSync(join(dir, '.git', 'info', 'exclude'), 'state/\n')
    return (performance.now() - started) / 1000
  })()
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')
const loadAtStart = load()
const work = mkdtempSync(join(tmpdir(), 'cg-bench-exposure-'))
try {
  const repo = join(work, 'repo')
  const built = await buildRepository(repo)
  const count = execFileSync('git', ['-C', repo, 'rev-list', '--all', '--count'], {
    encoding: 'utf8'
  }).trim()
  const cli = cliPath(root)
  const runs = []
  let output
  for (let r = 0; r < RUNS; r++) {
    const report = join(work, `report-${r}`, 'r.md')
    const run = await measure(
      process.execPath,
      [cli, 'exposure-audit', '--repo', repo, '--include', 'state', '--report-path', report],
      {
        env: { PATH: process.env.PATH, HOME: tmpdir() }
      }
    )
    if (run.code !== 0) throw new Error(`exposure-audit exited ${run.code}: ${run.stderr}`)
    runs.push(run)
    output = JSON.parse(readFileSync(report.replace(/\.md$/, '.json'), 'utf8')).exposure
  }
  const seconds = median(runs.map((r) => r.seconds))
  const spread = `${Math.min(...runs.map((r) => r.seconds)).toFixed(2)}–${Math.max(...runs.map((r) => r.seconds)).toFixed(2)}`
  const peak = median(runs.map((r) => r.peakMiB))
  const h = output.history
  const text = [
    BEGIN,
    '## exposure-audit on a big history',
    '',
    `Generated by \`node scripts/bench/exposure-history.mjs --commits ${COMMITS} --runs ${RUNS}\`:`,
    `a repository of ${count} commits written by \`git fast-import\` in ${built.toFixed(1)} s (main plus 20`,
    'side branches and a tag; `state/` present in 40% of main, then deleted), audited by the bundled',
    'CLI, whole-process wall time.',
    '',
    '| | |',
    '|---|---|',
    `| machine | ${cpus().length} × ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ') ?? '?'}, Node ${process.version} |`,
    `| commits scanned / holding \`state\` | ${h.scanned} / ${h.commits} |`,
    `| LFS pointers / files found by content | ${h.lfsPointers} / ${output.content.reachable} |`,
    `| median wall time (${RUNS} runs) | ${seconds.toFixed(2)} s (${spread}) |`,
    `| load average at start / end | ${loadAtStart} / ${load()} (a shared machine: the spread says how noisy) |`,
    `| peak RSS | ${peak.toFixed(0)} MiB (${RSS_METHOD}) |`,
    '',
    'How: one `git rev-list --all` for every commit and its root tree, one `git cat-file',
    '--batch-check` asking each distinct tree for each include root, one path-limited `git log --raw`',
    'for the blobs ever under the includes (LFS pointers; reachable by construction), one',
    '`--batch-check` for the blob ids of the files now under the includes, and a `rev-list',
    '--objects` walk only for bytes found that the history pass did not see under the includes: at',
    'most seven git processes whatever the history, where a process per commit would be one per',
    'commit. The peak is the node process (git itself peaks at about 100 MiB here).',
    END
  ].join('\n')
  console.log(text)
  if (!values['no-write']) {
    const file = join(root, 'docs', 'performance.md')
    const doc = readFileSync(file, 'utf8')
    const at = doc.indexOf(BEGIN)
    const end = doc.indexOf(END)
    const next =
      at >= 0 && end > at
        ? `${doc.slice(0, at)}${text}${doc.slice(end + END.length)}`
        : `${doc.replace(/\n*$/, '\n\n')}${text}\n`
    writeFileSync(file, next)
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
