import { mkdir, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { runMigrationDryRun } from '../src/migration/migration-dry-run.js'
import {
  gitRepo,
  options,
  removeTempFolders,
  tempFolder
} from '../__fixtures__/migration-helpers.js'

afterEach(removeTempFolders)

// Live state is often ignored by git: the includes then hold files no drift check of tracked files
// sees. Each write below lands in an include, untracked, and must be NO-GO (decision point C).
const WRITES: [string, (at: string) => string][] = [
  ['creates a file', (at) => `echo injected > ${at}/injected.txt`],
  ['deletes a file', (at) => `rm ${at}/live.db`],
  ['removes an empty folder', (at) => `rmdir ${at}/inbox`],
  ['creates an empty folder', (at) => `mkdir ${at}/new`],
  [
    'rewrites a file in place, same size, mtime put back',
    (at) =>
      `touch -r ${at}/live.db /tmp/.cg-ref-$$ 2>/dev/null; cp -p ${at}/live.db /tmp/.cg-keep-$$; printf Z | dd of=${at}/live.db bs=1 seek=3 conv=notrunc 2>/dev/null; touch -r /tmp/.cg-keep-$$ ${at}/live.db; rm -f /tmp/.cg-keep-$$ /tmp/.cg-ref-$$`
  ],
  ['changes a mode', (at) => `chmod 600 ${at}/live.db`],
  ['retargets a link', (at) => `ln -sfn live.db ${at}/current && ln -sfn inbox ${at}/current`],
  [
    'swaps a file for a link to itself',
    (at) => `mv ${at}/live.db ${at}/.live.db && ln -s .live.db ${at}/live.db`
  ]
]
const DEPTHS = ['state', 'state/graph', 'state/graph/shards/a']
const STEPS = ['exportCommand', 'checkCommand', 'importCommand'] as const

async function repoWithUntrackedState(depth: string): Promise<string> {
  const repo = await gitRepo({ '.gitignore': 'state/\n', 'README.md': 'tracked\n' })
  const at = path.join(repo, depth)
  await mkdir(path.join(at, 'inbox'), { recursive: true })
  await writeFile(path.join(at, 'live.db'), 'generation-1\n')
  await symlink('live.db', path.join(at, 'current'))
  return repo
}

describe('a dry-run that writes into the includes (tracked or not) is NO-GO, decision point C', () => {
  const cases = WRITES.flatMap(([what, command], i) =>
    DEPTHS.map((depth, j) => [what, depth, STEPS[(i + j) % 3]!, command] as const)
  )
  it.each(cases)('%s at %s (in %s)', async (_what, depth, step, command) => {
    const repo = await repoWithUntrackedState(depth)
    const results = await runMigrationDryRun(
      options(
        repo,
        await tempFolder(),
        { [step]: `sh -c '${command(depth)}'` },
        { includes: ['state'] }
      )
    )
    const failed = results.find((r) => r.status === 'failed')
    expect(failed?.decisionPoint).toBe('C')
    expect(failed?.detail).toMatch(/changed \d+ entr(y|ies) of the includes: .*decision point C/)
    expect(failed?.detail).toContain(depth.startsWith('state') ? 'state' : depth)
  })

  it('a dry-run that only reads the includes stays GO', async () => {
    const repo = await repoWithUntrackedState('state/graph')
    const read = `sh -c 'cat state/graph/live.db > /dev/null; ls -R state > /dev/null'`
    const results = await runMigrationDryRun(
      options(
        repo,
        await tempFolder(),
        { exportCommand: read, checkCommand: read, importCommand: read },
        { includes: ['state'] }
      )
    )
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed', 'passed'])
  })

  it('writes outside the includes are not the includes check: a new untracked file stays a warning', async () => {
    const repo = await repoWithUntrackedState('state')
    const results = await runMigrationDryRun(
      options(
        repo,
        await tempFolder(),
        { importCommand: `sh -c 'echo x > notes.txt'` },
        { includes: ['state'] }
      )
    )
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed', 'passed'])
    expect(results[2]?.warnings.join(' ')).toMatch(/created untracked files.*notes\.txt/)
  })
})

describe('a dry-run that swaps a tracked file for a fifo', () => {
  // the drift check opens every tracked file: a fifo there must be judged, not waited on
  it.each(['README.md', 'docs/a/b.txt'])(
    '%s: NO-GO (C), and the gate does not hang',
    async (rel) => {
      const repo = await gitRepo({ [rel]: 'tracked\n', 'other.txt': 'x\n' })
      const results = await runMigrationDryRun(
        options(repo, await tempFolder(), { importCommand: `sh -c 'rm ${rel} && mkfifo ${rel}'` })
      )
      expect(results[2]?.status).toBe('failed')
      expect(results[2]?.decisionPoint).toBe('C')
      expect(results[2]?.detail).toContain(rel)
    }
  )
})
