import { isKeyProblem } from '../age/errors.js'
import type { DecisionPoint, StepName } from '../outcome/step-names.js'

/** A piece of guidance text: plain words, or a command / path to show as code. */
export type Part = string | { code: string }

export interface RollbackGuidance {
  decisionPoint: DecisionPoint
  title: string
  steps: Part[][]
}

export interface GuidanceFacts {
  failedStep?: StepName
  /** Manifest of the snapshot to restore from (decision point B). */
  manifestPath?: string
  /** The NO-GO reason: a missing key, or one that does not open the snapshot, gets its own advice. */
  reason?: string
}

const DEFAULT_MANIFEST = 'backup/snapshots/latest-manifest.json'

/** What to fix at decision point A, by the step that failed. */
function fixFor(step: StepName | undefined): Part[] {
  switch (step) {
    case 'migration-export':
    case 'migration-check':
    case 'migration-import':
      return [
        'Fix the failing migration prerequisite (the ',
        { code: step },
        ' command, its script or the state it reads) until the dry-run passes.'
      ]
    case 'snapshot-create':
      return [
        'Fix the snapshot prerequisite: missing include paths, the missing passphrase secret, or where the archive is written.'
      ]
    case 'restore-test':
      return [
        'Do not trust this snapshot: find why it failed verification (size, SHA-256, passphrase, content) and take a new one.'
      ]
    default:
      return ['Fix what the reason above names.']
  }
}

/**
 * The runbook's rollback guidance for a decision point, with this run's real names. When the
 * key is the problem, the snapshot is not: the point's first step stands, then the key's advice.
 */
export function rollbackGuidance(
  point: DecisionPoint,
  facts: GuidanceFacts = {}
): RollbackGuidance {
  const guidance = pointGuidance(point, facts)
  if (facts.reason === undefined || !isKeyProblem(facts.reason)) return guidance
  return {
    ...guidance,
    steps: [
      guidance.steps[0]!,
      [
        'Check the passphrase or identity: this run has none of the kind the snapshot needs, or not the one it was made with (whitespace around it does not count). The snapshot itself is not suspect.'
      ],
      ['Rerun this mode with the right passphrase or identity.']
    ]
  }
}

function pointGuidance(point: DecisionPoint, facts: GuidanceFacts): RollbackGuidance {
  const manifest = facts.manifestPath ?? DEFAULT_MANIFEST
  switch (point) {
    case 'A':
      return {
        decisionPoint: 'A',
        title: 'pre-cutover, no production writes yet',
        steps: [
          ['Stop the cutover: do not start it on this result.'],
          fixFor(facts.failedStep),
          [
            'Rerun the whole lane from step 1 (',
            { code: 'mode: precutover' },
            '), not only the step that failed.'
          ]
        ]
      }
    case 'B':
      return {
        decisionPoint: 'B',
        title: 'post-cutover issue discovered',
        steps: [
          ['Pause the rollout and isolate writes.'],
          [
            'Restore the validated state into an isolated, empty target from ',
            { code: manifest },
            ' and the encrypted archive it names: ',
            { code: `cutover-gate restore --manifest ${manifest} --restore-target <empty folder>` },
            '.'
          ],
          [
            'Re-run the restore-test (',
            { code: `cutover-gate restore-test --manifest ${manifest}` },
            ') against the restored payload before any production rollback action.'
          ]
        ]
      }
    case 'C':
      return {
        decisionPoint: 'C',
        title: 'migration import caused drift in the target repository',
        steps: [
          [
            'If not committed: restore the affected files named above with ',
            { code: 'git restore --staged --worktree -- <files>' },
            ' (or ',
            { code: 'git checkout -- <files>' },
            '); files under an include are named by root and fingerprint: ',
            { code: 'git status' },
            ', or the CLI on a terminal, names them.'
          ],
          [
            'If committed: revert the import commit (',
            { code: 'git revert <commit>' },
            ') and reopen the cutover gate review.'
          ],
          ['Find why a dry-run wrote to the repository before rerunning the lane from step 1.']
        ]
      }
  }
}

/** Guidance as plain text, code in backticks: for the JSON twin and the terminal. */
export function guidanceText(steps: Part[][]): string[] {
  return steps.map((parts) =>
    parts.map((part) => (typeof part === 'string' ? part : `\`${part.code}\``)).join('')
  )
}
