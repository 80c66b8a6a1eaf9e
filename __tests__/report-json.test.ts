import { readFile, readdir, writeFile, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { renderJson } from '../src/report/render-json.js'
import { buildReport } from '../src/report/report-model.js'
import { writeReportFiles } from '../src/report/write-report.js'
import { EVIDENCE, goReport, noGoReport, step } from '../__fixtures__/report-fixtures.js'

describe('renderJson', () => {
  it('parses, carries version 1 and the same facts as the report', () => {
    const report = goReport()
    const json = JSON.parse(renderJson(report))
    expect(json.version).toBe(1)
    expect(json.decision).toBe('GO')
    expect(json.mode).toBe('precutover')
    expect(json.failedStep).toBeNull()
    expect(json.decisionPoint).toBeNull()
    expect(json.rollback).toBeNull()
    expect(json.durationMs).toBe(90_000)
    expect(
      json.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)
    ).toEqual(report.steps.map((s) => `${s.name}:${s.status}`))
    expect(json.steps[0]).toEqual({
      name: 'migration-export',
      status: 'passed',
      durationMs: 1234,
      detail: 'migration-export passed',
      decisionPoint: null,
      warnings: [],
      output: 'exported 12 files\n'
    })
    expect(json.evidence).toEqual({ ...EVIDENCE, retainUntil: null })
    expect(json.context.repository).toBe('acme/graph')
    expect(json.context.actor).toBeNull()
    expect(json.artifact).toBeNull()
  })

  it('keeps field names and order stable', () => {
    const json = JSON.parse(renderJson(noGoReport('C')))
    expect(Object.keys(json)).toEqual([
      'version',
      'tool',
      'decision',
      'mode',
      'failedStep',
      'reason',
      'decisionPoint',
      'startedAt',
      'finishedAt',
      'durationMs',
      'steps',
      'evidence',
      'artifact',
      'context',
      'warnings',
      'rollback',
      'snapshotId',
      'catalogue',
      'pruned',
      'exposure'
    ])
    expect(json.decision).toBe('NO-GO')
    expect(json.failedStep).toBe('migration-check')
    expect(json.decisionPoint).toBe('C')
    expect(json.evidence).toBeNull()
    expect(json.rollback.decisionPoint).toBe('C')
    expect(json.rollback.steps[1]).toBe(
      'If committed: revert the import commit (`git revert <commit>`) and reopen the cutover gate review.'
    )
  })

  it('round-trips hostile text exactly (JSON needs no Markdown escaping)', () => {
    const detail = 'a | b\n<script>```'
    const report = buildReport({
      mode: 'migration-dry-run',
      steps: [step('migration-export', 'failed', { detail })],
      context: {},
      startedAt: 'x',
      finishedAt: 'y'
    })
    const json = JSON.parse(renderJson(report))
    expect(json.reason).toBe(detail)
    expect(json.durationMs).toBeNull()
  })
})

describe('buildReport', () => {
  const base = { context: {}, startedAt: new Date(0), finishedAt: new Date(5) }

  it('is GO only when every step passed and a snapshot mode has its evidence', () => {
    const passed = [step('snapshot-create', 'passed')]
    expect(
      buildReport({ ...base, mode: 'snapshot', steps: passed, evidence: EVIDENCE }).decision
    ).toBe('GO')
    const noEvidence = buildReport({ ...base, mode: 'snapshot', steps: passed })
    expect(noEvidence.decision).toBe('NO-GO')
    expect(noEvidence.reason).toMatch(/no snapshot evidence/)
    expect(
      buildReport({
        ...base,
        mode: 'migration-dry-run',
        steps: [step('migration-export', 'passed')]
      }).decision
    ).toBe('GO')
    expect(buildReport({ ...base, mode: 'migration-dry-run', steps: [] }).decision).toBe('NO-GO')
    expect(
      buildReport({
        ...base,
        mode: 'migration-dry-run',
        steps: [step('migration-export', 'skipped')]
      }).decision
    ).toBe('NO-GO')
  })

  it('takes the first failed step as failedStep and its detail as reason, and gathers warnings', () => {
    const report = buildReport({
      ...base,
      mode: 'precutover',
      warnings: ['runner is ephemeral'],
      steps: [
        step('migration-export', 'passed', { warnings: ['made untracked x'] }),
        step('migration-check', 'failed', { detail: 'bad' }),
        step('migration-import', 'skipped')
      ]
    })
    expect(report).toMatchObject({
      decision: 'NO-GO',
      failedStep: 'migration-check',
      reason: 'bad',
      startedAt: '1970-01-01T00:00:00.000Z'
    })
    expect(report.warnings).toEqual(['runner is ephemeral', 'migration-export: made untracked x'])
  })
})

describe('writeReportFiles', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cg-report-'))
  })
  afterEach(() => rm(dir, { recursive: true, force: true }))

  it('writes both files, creating folders, replacing old ones, leaving no temp file', async () => {
    const md = path.join(dir, 'reports', 'publicization', 'backup-readiness.md')
    const json = path.join(dir, 'reports', 'publicization', 'backup-readiness.json')
    await writeReportFiles(noGoReport(), md, json)
    await writeFile(md + '.keep', 'x')
    await writeReportFiles(goReport(), md, json)
    expect((await readFile(md, 'utf8')).split('\n')[0]).toBe('# ✅ GO — cutover-gate readiness')
    expect(JSON.parse(await readFile(json, 'utf8')).decision).toBe('GO')
    expect((await readdir(path.dirname(md))).sort()).toEqual([
      'backup-readiness.json',
      'backup-readiness.md',
      'backup-readiness.md.keep'
    ])
  })

  it('fails loudly when the folder cannot be made', async () => {
    await writeFile(path.join(dir, 'file'), '')
    await expect(
      writeReportFiles(goReport(), path.join(dir, 'file', 'r.md'), path.join(dir, 'file', 'r.json'))
    ).rejects.toThrow()
  })
})
