import { renderMarkdown, SUMMARY_LIMIT_BYTES } from '../src/report/render-markdown.js'
import { buildReport, type ReadinessReport } from '../src/report/report-model.js'
import { CONTEXT, EVIDENCE, goReport, noGoReport, step } from '../__fixtures__/report-fixtures.js'

const lines = (markdown: string): string[] => markdown.split('\n')

describe('renderMarkdown', () => {
  it('names GO in the first heading, then mode, steps, evidence, context and folded output', () => {
    const md = renderMarkdown(goReport())
    expect(lines(md)[0]).toBe('# ✅ GO — cutover-gate readiness')
    expect(md).toContain('**Mode:** `precutover` · **Steps:** 5 passed')
    expect(md).toContain('| Step | Status | Duration | Detail |')
    expect(md).toContain('| `migration-check` | ✅ passed | 1.2 s | migration-check passed |')
    expect(md).toContain(`| SHA-256 | \`${'ab'.repeat(32)}\` |`)
    expect(md).toContain(`| Content digest | \`sha256:${'cd'.repeat(32)}\` |`)
    expect(md).toContain('| Size | 1.2 MiB (1,234,567 bytes) |')
    expect(md).toContain('| Files | 42 |')
    expect(md).toContain('| Bytes | 4.0 KiB (4,096 bytes) |')
    expect(md).toContain('| Compression | zstd |')
    expect(md).toContain(
      '| Encryption | age-v1, scrypt passphrase recipient, work factor 18 (N = 2^18) |'
    )
    expect(md).toContain(
      '| File | `/w/repo/backup/snapshots/snapshot-20261125T214700Z.tar.zst.age` |'
    )
    expect(md).toContain(
      '| Workflow run | [acme/graph/actions/runs/42/attempts/1](<https://github.com/acme/graph/actions/runs/42/attempts/1>) |'
    )
    expect(md).toContain('| Commit | `0123456789abcdef0123456789abcdef01234567` |')
    expect(md).toContain('| Event | `workflow_dispatch` |')
    expect(md).toContain('| Runner | GitHub Actions 2 (Linux/X64) |')
    expect(md).toContain(
      '<details><summary><code>migration-export</code> — passed, 1 line of output</summary>\n\n```text\nexported 12 files\n```\n\n</details>'
    )
    expect(md).not.toContain('Rollback guidance')
    expect(md).not.toContain('## Warnings')
  })

  it('names NO-GO, the failed step and the reason, and marks skipped steps', () => {
    const md = renderMarkdown(noGoReport())
    expect(lines(md)[0]).toBe('# ⛔ NO-GO — cutover-gate readiness')
    expect(md).toContain('**Failed step:** `migration-check` · **Rollback:** decision point A')
    expect(md).toContain(
      '**Reason:** `python3 scripts/state_migration_check.py --package {package} --dry-run` exited with code 1: sha256 mismatch'
    )
    expect(md).toContain('| `migration-import` | ⏭️ skipped | — |')
    expect(md).toContain('| `migration-check` | ❌ failed | 1.2 s |')
    expect(md).toContain('_No snapshot was written or verified in this run._')
    expect(md).toContain('```text\nchecking\nsha256 mismatch: state/a.json\n```')
  })

  it.each([
    [
      'A',
      'pre-cutover, no production writes yet',
      ['Stop the cutover', 'Rerun the whole lane from step 1']
    ],
    [
      'B',
      'post-cutover issue discovered',
      [
        'Pause the rollout and isolate writes',
        '`cutover-gate restore --manifest /m/latest.json --restore-target <empty folder>`',
        'before any production rollback action'
      ]
    ],
    [
      'C',
      'migration import caused drift in the target repository',
      [
        '`git restore --staged --worktree -- <files>`',
        '`git revert <commit>`',
        'reopen the cutover gate review'
      ]
    ]
  ] as const)(
    'gives the runbook’s rollback guidance for decision point %s',
    (point, title, phrases) => {
      const report = { ...noGoReport(point), manifestPath: '/m/latest.json' }
      const md = renderMarkdown(report)
      expect(md).toContain(`## Rollback guidance — decision point ${point}: ${title}`)
      const guidance = md.slice(
        md.indexOf('## Rollback guidance'),
        md.indexOf('## Snapshot evidence')
      )
      for (const phrase of phrases) expect(guidance).toContain(phrase)
    }
  )

  it('names the manifest of the evidence in guidance B, and B is the default for mode restore', () => {
    const report = buildReport({
      mode: 'restore',
      steps: [step('restore', 'failed', { detail: 'target not empty' })],
      evidence: EVIDENCE,
      context: {},
      startedAt: new Date(0),
      finishedAt: new Date(1000)
    })
    expect(renderMarkdown(report)).toContain(
      '`cutover-gate restore --manifest /w/repo/backup/snapshots/latest-manifest.json --restore-target <empty folder>`'
    )
  })

  it('a NO-GO set after the lane (report not written, upload failed) still gets guidance A', () => {
    const report: ReadinessReport = {
      ...goReport(),
      decision: 'NO-GO',
      reason: 'artifact upload failed: 503'
    }
    const md = renderMarkdown(report)
    expect(lines(md)[0]).toBe('# ⛔ NO-GO — cutover-gate readiness')
    expect(md).toContain('**Reason:** artifact upload failed: 503')
    expect(md).toContain('decision point A')
  })

  it('lists warnings, escaped', () => {
    const md = renderMarkdown({
      ...goReport(),
      warnings: ['snapshot-create: skipped a fifo at state/<pipe>', '# not a heading']
    })
    expect(md).toContain(
      '## Warnings\n\n- snapshot-create: skipped a fifo at state/&lt;pipe&gt;\n- \\# not a heading'
    )
  })
})

describe('renderMarkdown escaping', () => {
  const hostile =
    'a | b\nc <script>alert(1)</script> & `tick` ```fence``` [x](javascript:y) *b* _i_ \x1b[31mred\x1b[0m'

  function hostileReport(): ReadinessReport {
    return buildReport({
      mode: 'migration-dry-run',
      steps: [
        step('migration-export', 'failed', {
          detail: hostile,
          output: `line one\n\`\`\`\n\`\`\`\`\`\nafter fence <b>bold</b>\n</details>\n# heading`
        }),
        step('migration-check', 'skipped'),
        step('migration-import', 'skipped')
      ],
      context: { ...CONTEXT, ref: 'refs/heads/x|y`z', runUrl: 'javascript:alert(1)' },
      warnings: [hostile],
      startedAt: new Date(0),
      finishedAt: new Date(0)
    })
  }

  it('keeps every table row one row and every HTML character inert', () => {
    const md = renderMarkdown(hostileReport())
    const row = lines(md).find((line) => line.startsWith('| `migration-export`')) as string
    expect(row).toBeDefined()
    // Only the 5 separators of a 4-cell row are unescaped pipes.
    expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(6)
    expect(row).toContain('a \\| b<br>c &lt;script&gt;alert(1)&lt;/script&gt; &amp; `tick` ')
    expect(row).toContain('\\[x\\](javascript:y) \\*b\\* \\_i\\_ red |')
    expect(md).not.toContain('<script>')
    expect(md).not.toContain('\x1b')
    expect(md).toContain('| Ref | ``refs/heads/x\\|y`z`` |')
    expect(md).not.toContain('javascript:alert')
  })

  it('fences command output with a fence longer than any run of backticks inside', () => {
    const md = renderMarkdown(hostileReport())
    expect(md).toContain(
      '``````text\nline one\n```\n`````\nafter fence <b>bold</b>\n</details>\n# heading\n``````'
    )
    // The output's own </details> sits inside the code block: the real ones still pair up.
    expect(md.match(/^<details>/gm)).toHaveLength(1)
  })

  it('escapes the reason line too', () => {
    const md = renderMarkdown(hostileReport())
    const reason = lines(md).find((line) => line.startsWith('**Reason:**')) as string
    expect(reason).toContain('&lt;script&gt;')
    expect(reason).not.toMatch(/(^|[^\\])\|/)
  })
})

describe('renderMarkdown size cap', () => {
  const huge = (n: number, tag: string): string =>
    Array.from({ length: n }, (_, i) => `${tag} ${i} ${'x'.repeat(90)}`).join('\n')

  it('cuts command output, saying so, and keeps the decision and evidence whole', () => {
    const report = goReport()
    report.steps[0]!.output = huge(20000, 'export')
    report.steps[1]!.output = huge(20000, 'check')
    report.steps[2]!.output = 'small output'
    const md = renderMarkdown(report)
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES)
    expect(Buffer.byteLength(md)).toBeGreaterThan(SUMMARY_LIMIT_BYTES / 2)
    expect(lines(md)[0]).toBe('# ✅ GO — cutover-gate readiness')
    expect(md).toContain(`| SHA-256 | \`${'ab'.repeat(32)}\` |`)
    expect(md).toContain('small output')
    expect(md).toMatch(
      /\[truncated to fit the job summary: [\d,]+ earlier bytes not shown here; the JSON report has the full tail\]\nexport \d+ x+/
    )
    // The tail is what stays: the last line of each output.
    expect(md).toContain(`export 19999 ${'x'.repeat(90)}`)
    expect(md).toContain(`check 19999 ${'x'.repeat(90)}`)
    expect(md.trimEnd().endsWith('</sub>')).toBe(true)
  })

  it('honours a smaller cap, and leaves output out entirely when nothing else fits', () => {
    const report = goReport()
    report.steps[0]!.output = huge(1000, 'export')
    const md = renderMarkdown(report, { maxBytes: 8000 })
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(8000)
    expect(md).toContain('truncated to fit the job summary')
    const tiny = renderMarkdown(report, { maxBytes: 100 })
    expect(tiny).toContain('_Command output left out: it did not fit the job summary.')
    expect(tiny).toContain(`| SHA-256 | \`${'ab'.repeat(32)}\` |`)
  })

  it('clips an enormous detail or warning list rather than the decision', () => {
    const report = noGoReport()
    report.steps[1]!.detail = 'd'.repeat(100_000)
    report.warnings = Array.from({ length: 5000 }, (_, i) => `warning ${i} ${'w'.repeat(2000)}`)
    const md = renderMarkdown(report)
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES)
    expect(md).toContain('- …and 4900 more (all of them are in the JSON report)')
  })
})

describe('never the passphrase', () => {
  it('has no field that could carry it: a passphrase in the environment appears nowhere', async () => {
    const secret = 'pass-PHRASE-never-shown-7'
    process.env.GRAPHITI_SNAPSHOT_PASSPHRASE = secret
    process.env.INPUT_PASSPHRASE = secret
    try {
      const { contextFromEnv } = await import('../src/report/run-context.js')
      const { renderJson } = await import('../src/report/render-json.js')
      const { renderTerminal } = await import('../src/report/render-terminal.js')
      const report = { ...goReport(), context: await contextFromEnv(process.env) }
      for (const text of [
        renderMarkdown(report),
        renderJson(report),
        renderTerminal(report, { color: true })
      ]) {
        expect(text).not.toContain(secret)
      }
    } finally {
      delete process.env.GRAPHITI_SNAPSHOT_PASSPHRASE
      delete process.env.INPUT_PASSPHRASE
    }
  })
})
