// Every README workflow snippet and every example workflow runs as written in the runner
// emulator (run-workflow.ts over run-action.ts: the bundle as the runner runs it), on the example
// repository, with the secrets and variables the snippet's text says to set.
import fs from 'node:fs'
import path from 'node:path'
import { commitAll, exampleRepo } from '../__fixtures__/example-repo.js'
import {
  startFakeResultsService,
  type FakeResultsService
} from '../__fixtures__/fake-results-service.js'
import { ROOT } from '../__fixtures__/run-action.js'
import { runWorkflow, type JobRun } from '../__fixtures__/run-workflow.js'
import { ageKeygen } from '../__fixtures__/stock-tools.js'
import { tempDir } from '../__fixtures__/trees.js'

const PASSPHRASE = 'violet canyon ledger 7 orbit quietly'
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
const SNIPPETS = [...README.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!)
const WORKFLOWS = SNIPPETS.filter((s) => /^jobs:/m.test(s))
const key = await ageKeygen(tempDir('cg-wf-keys-'), 'key.txt')

/** actions/checkout of this repository: the example repository under examples/, one commit. */
function checkoutThisRepo(): string {
  const dir = tempDir('cg-wf-checkout-')
  fs.cpSync(path.join(ROOT, 'examples/graphiti-repo'), path.join(dir, 'examples/graphiti-repo'), {
    recursive: true,
    verbatimSymlinks: true
  })
  fs.writeFileSync(path.join(dir, '.gitignore'), 'backup/\n')
  return commitAll(dir)
}

const failures = (jobs: Record<string, JobRun>) =>
  Object.values(jobs)
    .filter((j) => !j.ok)
    .map((j) => ({
      job: j.name,
      steps: j.steps
        .filter((s) => !s.ok)
        .map((s) => ({
          step: s.name,
          error: (s.action?.stdout ?? s.stderr ?? '')
            .split('\n')
            .filter((l) => /^::error::|error/i.test(l))
        }))
    }))

// one artifact service per workflow run, as each run has its own artifacts
let artifacts: FakeResultsService
let previous: FakeResultsService | undefined
beforeEach(async () => {
  previous = artifacts
  artifacts = await startFakeResultsService()
})
afterEach(async () => {
  if (previous && previous !== artifacts) await previous.close()
})
afterAll(() => artifacts.close())

describe('README workflow snippets', () => {
  it('are five workflows and one list of pins', () => {
    expect(WORKFLOWS).toHaveLength(5)
    const pins = SNIPPETS.filter((s) => !/^jobs:/m.test(s))
    for (const pin of pins)
      for (const [, uses] of pin.matchAll(/uses: (\S+)/g))
        expect(uses).toMatch(/^cutover-gate\/cutover-gate@(v\d+(\.\d+\.\d+)?|[0-9a-f]{40})$/)
  })

  it.each(WORKFLOWS.map((text) => [/^name: (.*)$/m.exec(text)![1]!, text]))(
    '%s runs as written: every job green, the gate GO',
    async (_name, text) => {
      // the user's repository is the graphiti layout at its root, as the README's defaults assume
      const jobs = await runWorkflow(text, {
        secrets: { GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE },
        event: { pull_request: { number: 7 } },
        checkout: exampleRepo,
        artifacts
      })
      expect(failures(jobs)).toEqual([])
      const ran = Object.values(jobs).flatMap((j) => j.steps.filter((s) => s.action))
      expect(ran.length).toBeGreaterThan(0)
      for (const step of ran) expect(step.action!.outputs.decision).toBe('GO')
      expect(Object.values(jobs).filter((j) => j.skipped)).toEqual([])
    }
  )
})

describe('example workflows', () => {
  const text = (name: string) => fs.readFileSync(path.join(ROOT, '.github/workflows', name), 'utf8')
  const world = (more: Partial<Parameters<typeof runWorkflow>[1]> = {}) => ({
    secrets: {
      GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE,
      CUTOVER_GATE_AGE_IDENTITY: fs.readFileSync(key.keyFile, 'utf8')
    },
    vars: { CUTOVER_RECIPIENTS: key.recipient },
    event: { pull_request: { number: 7 } },
    checkout: checkoutThisRepo,
    artifacts,
    ...more
  })

  it.each([
    'example-cutover.yml',
    'example-pr-gate.yml',
    'example-split-jobs.yml',
    'example-recipients.yml',
    'example-manual.yml'
  ])('%s runs as written: every job green', async (name) => {
    const jobs = await runWorkflow(text(name), world())
    expect(failures(jobs)).toEqual([])
    expect(Object.values(jobs).filter((j) => j.skipped)).toEqual([])
  })

  it('example-rollback-drill.yml drills the snapshot an earlier run uploaded', async () => {
    const manual = await runWorkflow(text('example-manual.yml'), world())
    const id = manual.lane!.steps.find((s) => s.action)!.action!.outputs['snapshot-id']!
    expect(id).toMatch(/^\d{8}T\d{6}Z$/)
    // the drill downloads from that earlier run (its run id), so from its artifacts
    const jobs = await runWorkflow(
      text('example-rollback-drill.yml'),
      world({ inputs: { 'snapshot-id': id, 'snapshot-run-id': '1' }, artifacts })
    )
    expect(failures(jobs)).toEqual([])
  })

  it('example-recipients.yml with its variable unset: the snapshot job says recipients or a passphrase', async () => {
    const jobs = await runWorkflow(text('example-recipients.yml'), world({ vars: {} }))
    expect(jobs.snapshot!.ok).toBe(false)
    const errors = jobs
      .snapshot!.steps.flatMap((s) => (s.action?.stdout ?? '').split('\n'))
      .filter((l) => l.startsWith('::error::'))
    expect(errors).toEqual([
      expect.stringMatching(/needs a passphrase.*the recipients input is empty too/)
    ])
    expect(jobs['restore-test']!.skipped).toBe(true)
  })
})
