import type { SnapshotEvidence } from '../src/format/snapshot-evidence.js'
import type { StepResult } from '../src/outcome/step-result.js'
import { buildReport, type ReadinessReport } from '../src/report/report-model.js'

export const EVIDENCE: SnapshotEvidence = {
  snapshotPath: '/w/repo/backup/snapshots/snapshot-20261125T214700Z.tar.zst.age',
  manifestPath: '/w/repo/backup/snapshots/latest-manifest.json',
  size: 1_234_567,
  sha256: 'ab'.repeat(32),
  contentDigest: `sha256:${'cd'.repeat(32)}`,
  files: 42,
  bytes: 4096,
  compression: 'zstd',
  encryption: { format: 'age-v1', recipient: 'scrypt', workFactor: 18 },
  createdAt: '2026-11-25T21:47:00Z'
}

export const CONTEXT = {
  repository: 'acme/graph',
  commit: '0123456789abcdef0123456789abcdef01234567',
  ref: 'refs/heads/main',
  event: 'workflow_dispatch',
  runUrl: 'https://github.com/acme/graph/actions/runs/42/attempts/1',
  runner: 'GitHub Actions 2 (Linux/X64)',
  workflow: 'cutover'
}

export function step(
  name: StepResult['name'],
  status: StepResult['status'],
  extra: Partial<StepResult> = {}
): StepResult {
  return {
    name,
    status,
    durationMs: status === 'skipped' ? 0 : 1234,
    detail: `${name} ${status}`,
    warnings: [],
    ...extra
  }
}

export function goReport(): ReadinessReport {
  return buildReport({
    mode: 'precutover',
    steps: [
      step('migration-export', 'passed', { output: 'exported 12 files\n' }),
      step('migration-check', 'passed', { output: 'package ok' }),
      step('migration-import', 'passed', { output: 'would add 0, update 0' }),
      step('snapshot-create', 'passed'),
      step('restore-test', 'passed')
    ],
    evidence: EVIDENCE,
    context: CONTEXT,
    startedAt: '2026-11-25T21:46:00.000Z',
    finishedAt: '2026-11-25T21:47:30.000Z'
  })
}

export function noGoReport(point: 'A' | 'B' | 'C' = 'A'): ReadinessReport {
  return buildReport({
    mode: 'precutover',
    steps: [
      step('migration-export', 'passed', { output: 'exported' }),
      step('migration-check', 'failed', {
        detail:
          '`python3 scripts/state_migration_check.py --package {package} --dry-run` exited with code 1: sha256 mismatch',
        output: 'checking\nsha256 mismatch: state/a.json',
        decisionPoint: point
      }),
      step('migration-import', 'skipped'),
      step('snapshot-create', 'skipped'),
      step('restore-test', 'skipped')
    ],
    context: CONTEXT,
    startedAt: '2026-11-25T21:46:00.000Z',
    finishedAt: '2026-11-25T21:46:05.000Z'
  })
}
