import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

const DIR = '.github/workflows'
const EXAMPLES = readdirSync(DIR).filter(
  (name) => name.startsWith('example-') && name.endsWith('.yml')
)
// @action-validator/cli as a devDependency, or a copy named by ACTION_VALIDATOR.
const VALIDATOR = process.env.ACTION_VALIDATOR ?? path.resolve('node_modules/.bin/action-validator')

/** The lines of every `run:` script in a workflow (inline or block), with their line numbers. */
function runScripts(text: string): { line: number; text: string }[] {
  const lines = text.split('\n')
  const found: { line: number; text: string }[] = []
  lines.forEach((line, i) => {
    const match = /^(\s*)(?:- )?run:\s*(.*)$/.exec(line)
    if (!match) return
    const indent = (match[1] as string).length
    if (!/^[|>]/.test(match[2] as string)) found.push({ line: i + 1, text: match[2] as string })
    for (let j = i + 1; j < lines.length; j++) {
      const next = lines[j] as string
      if (next.trim() && next.length - next.trimStart().length <= indent) break
      found.push({ line: j + 1, text: next })
    }
  })
  return found
}

describe('the example workflows', () => {
  it('are the four the docs describe', () => {
    expect(EXAMPLES.sort()).toEqual([
      'example-cutover.yml',
      'example-manual.yml',
      'example-pr-gate.yml',
      'example-recipients.yml',
      'example-rollback-drill.yml',
      'example-split-jobs.yml',
      'example-store.yml'
    ])
  })

  it('drills a rollback by snapshot id: restore-test, then restore, of the same id', () => {
    const text = readFileSync(path.join(DIR, 'example-rollback-drill.yml'), 'utf8')
    expect(text).toContain('workflow_dispatch:')
    expect(text).toContain('mode: list')
    const uses = [
      ...text.matchAll(/- id: (\S+)\n(?:.*\n)*?\s+uses: \.\/\n\s+with:\n((?:\s{10}.*\n)+)/g)
    ]
    const modes = uses.map(([, , body]) => /mode: (\S+)/.exec(body!)?.[1])
    expect(modes).toEqual(['list', 'restore-test', 'restore'])
    for (const [, , body] of uses.slice(1))
      expect(body).toContain('snapshot: ${{ inputs.snapshot-id }}')
  })

  it.each(EXAMPLES)('%s expands no ${{ }} inside a run: script (values go through env)', (name) => {
    const bad = runScripts(readFileSync(path.join(DIR, name), 'utf8')).filter((l) =>
      l.text.includes('${{')
    )
    expect(bad).toEqual([])
  })

  it.each(EXAMPLES)('%s sets least-privilege permissions and pins every action', (name) => {
    // the one write a workflow may grant: the store example's job requests an OIDC token
    const text = readFileSync(path.join(DIR, name), 'utf8').replace(
      /^ {6}id-token: write #.*\n/m,
      ''
    )
    expect(text).toMatch(/^permissions:\n {2}contents: read\n/m)
    expect(text).not.toMatch(/write-all|: write\b/)
    expect(text).not.toMatch(/pull_request_target/)
    for (const [, action] of text.matchAll(/^\s*(?:- )?uses:\s*(\S+)\s*$/gm))
      expect(action).toMatch(/^\.\/$|@v\d+$/)
  })

  it('gates the cutover job on the gate job’s decision, in a protected environment, one at a time', () => {
    const text = readFileSync(path.join(DIR, 'example-cutover.yml'), 'utf8')
    expect(text).toContain('needs: gate')
    expect(text).toContain("if: needs.gate.outputs.decision == 'GO'")
    expect(text).toMatch(/environment: cutover/)
    expect(text).toMatch(/concurrency:\n {2}group: .+\n {2}cancel-in-progress: false/)
  })

  it('snapshots to recipients with no secret, and restore-tests with the identity in a protected job', () => {
    const text = readFileSync(path.join(DIR, 'example-recipients.yml'), 'utf8')
    const [snapshot, restore] = text.split(/^ {2}restore-test:$/m)
    expect(restore).toBeDefined()
    expect(snapshot).toContain('mode: snapshot')
    expect(snapshot).toContain('recipients: ${{ vars.CUTOVER_RECIPIENTS }}')
    expect(snapshot).toContain('upload-artifact: true')
    expect(snapshot).not.toMatch(/secrets\.|passphrase|identity:/)
    expect(restore).toContain('environment: cutover')
    expect(restore).toContain('needs: snapshot')
    expect(restore).toMatch(/actions\/download-artifact@v\d+/)
    expect(restore).toContain('mode: restore-test')
    expect(restore).toContain('identity: ${{ secrets.CUTOVER_GATE_AGE_IDENTITY }}')
    expect(restore).not.toMatch(/passphrase/)
  })

  it('runs the exposure audit in the PR gate on the whole history, with actions: read and no secret', () => {
    const text = readFileSync(path.join(DIR, 'example-pr-gate.yml'), 'utf8')
    const [, audit] = text.split(/^ {2}exposure-audit:$/m)
    expect(audit).toBeDefined()
    expect(audit).toContain('mode: exposure-audit')
    expect(audit).toContain('fetch-depth: 0')
    expect(audit).toContain('steps.audit.outputs.exposure')
    expect(text).toMatch(/^permissions:\n {2}contents: read\n(?: {2}#.*\n)? {2}actions: read\n/m)
    const cutover = readFileSync(path.join(DIR, 'example-cutover.yml'), 'utf8')
    expect(cutover).toMatch(/^ {2}actions: read$/m)
    expect(cutover).toMatch(/exposure: (warn|fail)/)
  })

  it('stores with a role assumed through OIDC: no long-lived AWS key, id-token only on that job', () => {
    const text = readFileSync(path.join(DIR, 'example-store.yml'), 'utf8')
    expect(text).toMatch(/^ {2}contents: read\n(?! {6}id-token)/m)
    expect(text.match(/id-token: write/g)).toHaveLength(1)
    expect(text).toMatch(
      /aws-actions\/configure-aws-credentials@v\d+\n\s+with:\n\s+role-to-assume:/
    )
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET/)
    expect(text).toMatch(/store: s3:\/\//)
    expect(text).toContain('store-retention-days:')
  })

  it('runs the PR gate without any secret', () => {
    const text = readFileSync(path.join(DIR, 'example-pr-gate.yml'), 'utf8')
    expect(text).toContain('mode: migration-dry-run')
    expect(text).not.toContain('secrets.')
  })

  // a devDependency, so it is always there: a missing validator fails instead of skipping
  it.each(readdirSync(DIR).filter((n) => n.endsWith('.yml')))(
    '%s passes action-validator',
    (name) => {
      expect(existsSync(VALIDATOR)).toBe(true)
      expect(() =>
        execFileSync(VALIDATOR, [path.join(DIR, name)], { encoding: 'utf8' })
      ).not.toThrow()
    }
  )
})
