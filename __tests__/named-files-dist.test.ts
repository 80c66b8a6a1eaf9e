import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { CLI, cliSync } from '../__fixtures__/run-cli.js'
import { commitAll } from '../__fixtures__/example-repo.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'

// Issue 22 item 5: every file read by a name goes through the one plant-safe reader. Each kind
// of file is planted as each thing that used to block, follow a link or be read whole, and the
// CLI runs as the real process it is (dist/cli.js), under a timeout: it must answer within it.

const MiB = 1024 * 1024
const TIMEOUT_MS = 15_000

type Planting =
  | 'fifo without writer'
  | 'fifo with writer'
  | '/dev/fd pipe'
  | 'symlink as last component'
  | 'oversized sparse file'
  | 'directory'
  | '/dev/zero'
const PLANTINGS: Planting[] = [
  'fifo without writer',
  'fifo with writer',
  '/dev/fd pipe',
  'symlink as last component',
  'oversized sparse file',
  'directory',
  '/dev/zero'
]

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  ms: number
  endedAt: number
}

/**
 * Runs `node dist/cli.js args` through bash, so that a `/dev/fd/3` given to it is a real pipe
 * from a process substitution (`3< <(cat SRC)`), as `--identity-file <(cmd)` makes one.
 */
function cli(
  args: string[],
  env: Record<string, string>,
  pipeFrom?: string,
  onStart?: (pid: number) => void,
  substitution = false
): Promise<Run> {
  const started = Date.now()
  // substitution: the last argument is bash's own name for the pipe (/dev/fd/63), as <(cmd) gives
  const redirect = !pipeFrom
    ? ''
    : substitution
      ? ' <(cat "$PIPE_FROM")'
      : ' 3< <(cat "$PIPE_FROM")'
  const child = spawn('bash', ['-c', `exec "$0" "$@"${redirect}`, process.execPath, CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: '/tmp', PIPE_FROM: pipeFrom ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS)
  if (onStart) onStart(child.pid!)
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, endedAt: Date.now() })
    })
  )
}

/**
 * Resolves true when process pid holds `file` open (then it is waiting on it), polling /proc;
 * false once the process is gone.
 */
async function whenOpen(pid: number, file: string): Promise<boolean> {
  for (;;) {
    let fds: string[]
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`)
    } catch {
      return false
    }
    for (const fd of fds) {
      try {
        if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === file) return true
      } catch {
        // closed meanwhile
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** A writer that opens the fifo after `delayMs` and writes src into it. */
function fifoWriter(fifo: string, src: string, delayMs: number) {
  return spawn('sh', ['-c', `sleep ${delayMs / 1000}; cat "$1" > "$2"`, 'sh', src, fifo], {
    stdio: 'ignore'
  })
}

/**
 * Puts `planting` under `name`; returns what to pass for it (the name, or /dev/fd/3 with the
 * file that fills that pipe) and what to stop afterwards. `good` is a file of valid content.
 */
function plant(
  planting: Planting,
  name: string,
  good: string,
  variant: { size: number; delayMs: number }
): { given: string; pipeFrom?: string; stop: () => void } {
  fs.mkdirSync(path.dirname(name), { recursive: true })
  const none = { given: name, stop: () => {} }
  switch (planting) {
    case 'fifo without writer':
      execFileSync('mkfifo', ['-m', '600', name])
      return none
    case 'fifo with writer': {
      execFileSync('mkfifo', ['-m', '600', name])
      const writer = fifoWriter(name, good, variant.delayMs)
      return { given: name, stop: () => writer.kill('SIGKILL') }
    }
    case '/dev/fd pipe':
      return { given: '/dev/fd/3', pipeFrom: good, stop: () => {} }
    case 'symlink as last component':
      fs.symlinkSync(good, name)
      return none
    case 'oversized sparse file':
      fs.writeFileSync(name, '')
      fs.truncateSync(name, variant.size)
      return none
    case 'directory':
      fs.mkdirSync(name)
      return none
    case '/dev/zero':
      // planted under the name by one who can (root here); the operator names /dev/zero itself
      execFileSync('mknod', [name, 'c', '1', '5'])
      return none
  }
}

const variants = fc.record({
  // past the 1 MiB cap, up to the planted 1.1 GB of the issue
  size: fc.integer({ min: MiB + 1, max: 1_100_000_000 }),
  // a writer that comes before, or late but within the second
  delayMs: fc.integer({ min: 0, max: 600 }),
  eq: fc.boolean()
})

const flagArgs = (flag: string, value: string, eq: boolean) =>
  eq ? [`${flag}=${value}`] : [flag, value]

describe('nothing a user names blocks; every read is capped (dist/cli.js)', () => {
  const work = tempDir('cg-named-')
  const repo = makeRepo()
  const keyFile = path.join(work, 'key.txt')
  execFileSync('age-keygen', ['-o', keyFile], { stdio: 'ignore' })
  fs.chmodSync(keyFile, 0o600)
  const recipient = execFileSync('age-keygen', ['-y', keyFile], { encoding: 'utf8' }).trim()
  const recipientsFile = path.join(work, 'recipients.txt')
  fs.writeFileSync(recipientsFile, `# team\n${recipient}\n`)
  const passphraseFile = path.join(work, 'passphrase.txt')
  fs.writeFileSync(passphraseFile, 'correct horse battery staple 42\n', { mode: 0o600 })
  const manifestFile = path.join(work, 'manifest.json')
  const base = (dir: string) => [
    '--repo',
    repo,
    '--include',
    'state',
    '--snapshot-dir',
    path.join(dir, 'snaps'),
    '--manifest',
    path.join(dir, 'snaps', 'latest-manifest.json'),
    '--report-path',
    path.join(dir, 'report.md')
  ]
  // a recipients snapshot for --identity-file to open, and its manifest for the planted copies
  const made = path.join(work, 'made')
  beforeAll(() => {
    const result = cliSync(['snapshot', ...base(made), '--recipient', recipient], {
      TMPDIR: made
    })
    expect([result.code, result.stderr]).toEqual([0, expect.any(String)])
    fs.copyFileSync(path.join(made, 'snaps', 'latest-manifest.json'), manifestFile)
  })

  /** The operator's own files: a pipe with a writer is read, everything else refused at once. */
  const OPERATOR_FILES = [
    {
      flag: '--passphrase-file',
      good: passphraseFile,
      args: (dir: string) => ['snapshot', ...base(dir), '--scrypt-work-factor=10']
    },
    {
      flag: '--recipients-file',
      good: recipientsFile,
      args: (dir: string) => ['snapshot', ...base(dir)]
    },
    {
      flag: '--identity-file',
      good: keyFile,
      args: (dir: string) => [
        'restore-test',
        ...base(dir).slice(0, 4),
        '--snapshot-dir',
        path.join(made, 'snaps'),
        '--manifest',
        path.join(made, 'snaps', 'latest-manifest.json'),
        '--report-path',
        path.join(dir, 'report.md')
      ]
    }
  ]

  const cases = OPERATOR_FILES.flatMap((file) => PLANTINGS.map((p) => [file.flag, p] as const))
  it.each(cases)('%s as a %s', async (flag, planting) => {
    const file = OPERATOR_FILES.find((f) => f.flag === flag)!
    await fc.assert(
      fc.asyncProperty(variants, async (variant) => {
        const dir = tempDir('cg-named-run-')
        const name = path.join(dir, 'given', 'file')
        const planted = plant(planting, name, file.good, variant)
        const given = planting === '/dev/zero' ? '/dev/zero' : planted.given
        let run: Run
        // when the CLI holds the fifo open it waits for a writer: the second counts from there
        let openedAt = Number.NaN
        const opened = (pid: number) =>
          planting === 'fifo without writer' &&
          void whenOpen(pid, name).then((open) => open && (openedAt = Date.now()))
        try {
          run = await cli(
            [...file.args(dir), ...flagArgs(flag, given, variant.eq)],
            { TMPDIR: dir },
            planted.pipeFrom,
            opened
          )
        } finally {
          planted.stop()
        }
        expect(run.signal).toBeNull()
        if (planting === 'fifo with writer' || planting === '/dev/fd pipe') {
          expect([run.code, run.stderr]).toEqual([0, expect.not.stringMatching(/cutover-gate:/)])
          return
        }
        // an input error within about a second, one line naming the flag and the file
        expect(run.code).toBe(2)
        expect(run.stderr).toMatch(new RegExp(`^cutover-gate: ${flag} ${given} [^\\n]*\\n$`))
        if (planting === 'oversized sparse file') expect(run.stderr).toContain('1 MiB cap')
        if (planting === 'fifo without writer') {
          expect(run.stderr).toContain('no writer')
          // about a second (NO_WRITER_MS), with room for a loaded machine; never a hang
          expect(run.endedAt - openedAt).toBeLessThan(3000)
        }
      }),
      { numRuns: 1 }
    )
  })

  /** Files someone could plant: refused at once whatever is under the name, never followed. */
  const PLANTED_FILES = [
    {
      kind: 'the manifest',
      run: async (dir: string, given: string, pipeFrom: string | undefined) => {
        const r = await cli(
          ['restore-test', ...base(dir).slice(0, 6), '--manifest', given],
          { TMPDIR: dir, CUTOVER_GATE_AGE_IDENTITY: fs.readFileSync(keyFile, 'utf8') },
          pipeFrom
        )
        expect([[1, 2].includes(r.code ?? -1), r.stdout + r.stderr]).toEqual([
          true,
          expect.stringMatching(/manifest/)
        ])
        return r
      }
    },
    {
      kind: 'a catalogue entry',
      name: 'snaps/snapshot-20261203T055001Z.json',
      run: async (dir: string, _given: string, pipeFrom: string | undefined) => {
        const r = await cli(['list', ...base(dir)], { TMPDIR: dir }, pipeFrom)
        // listed as unusable, not fatal
        expect([r.code, r.stdout]).toEqual([0, expect.stringContaining('20261203T055001Z')])
        return r
      }
    },
    {
      kind: 'an earlier report',
      run: async (dir: string, given: string, pipeFrom: string | undefined) => {
        const r = await cli(
          ['list', ...base(dir).slice(0, 8), '--report-path', given],
          { TMPDIR: dir },
          pipeFrom
        )
        expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/^cutover-gate: [^\n]*\n$/)])
        return r
      }
    },
    {
      kind: 'the event payload',
      run: async (dir: string, given: string, pipeFrom: string | undefined) => {
        const r = await cli(
          ['restore-test', ...base(dir), '--upload-artifact'],
          { TMPDIR: dir, GITHUB_EVENT_PATH: given, GRAPHITI_SNAPSHOT_PASSPHRASE: 'x' },
          pipeFrom
        )
        // unreadable is as good as absent: the visibility is unknown and the run says so
        expect(r.stderr).toContain('repository visibility unknown')
        return r
      }
    }
  ]

  const plantedCases = PLANTED_FILES.flatMap((f) => PLANTINGS.map((p) => [f.kind, p] as const))
  it.each(plantedCases)('%s as a %s', async (kind, planting) => {
    const file = PLANTED_FILES.find((f) => f.kind === kind)!
    await fc.assert(
      fc.asyncProperty(variants, async (variant) => {
        const dir = tempDir('cg-named-run-')
        const name = path.join(dir, file.name ?? 'planted/file.json')
        const planted = plant(planting, name, manifestFile, variant)
        // planted, a pipe can only be a link to one: never followed
        if (planting === '/dev/fd pipe') fs.symlinkSync('/dev/fd/3', name)
        let run: Run
        try {
          run = await file.run(dir, name, planted.pipeFrom)
        } finally {
          planted.stop()
        }
        expect([run.signal, run.ms < TIMEOUT_MS]).toEqual([null, true])
        if (planting === 'oversized sparse file' && kind !== 'the event payload') {
          // refused by its size before any byte is read; read-caps pins the cap for each kind
          expect(run.stdout + run.stderr).toMatch(/1 MiB cap|is not an earlier .* report/)
        }
      }),
      { numRuns: 1 }
    )
  })

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143]
  ] as const)(
    '%s while waiting on a fifo whose writer is silent ends the run (%i)',
    async (signal, code) => {
      const dir = tempDir('cg-named-sig-')
      const fifo = path.join(dir, 'key')
      execFileSync('mkfifo', ['-m', '600', fifo])
      // a writer that holds the fifo open and never writes
      const holder = spawn('sh', ['-c', 'exec 3>"$1"; sleep 60', 'sh', fifo], { stdio: 'ignore' })
      try {
        const run = await cli(
          [...OPERATOR_FILES[2]!.args(dir), '--identity-file', fifo],
          { TMPDIR: dir },
          undefined,
          (pid) => void whenOpen(pid, fifo).then((open) => open && process.kill(pid, signal))
        )
        expect([run.code, run.ms < 5000]).toEqual([code, true])
      } finally {
        holder.kill('SIGKILL')
      }
    }
  )

  it('a /dev/fd pipe outlives the secret hand-off (precutover re-starts itself first)', async () => {
    const dir = tempDir('cg-named-handoff-')
    const repoDir = commitAll(makeRepo())
    const handedOff = path.join(dir, 'handed-off.sh')
    fs.writeFileSync(
      handedOff,
      "#!/bin/sh\nexec grep -qz '^CUTOVER_GATE_SECRETS_ON_FD0=' /proc/$PPID/environ\n",
      { mode: 0o700 }
    )
    const run = await cli(
      [
        'precutover',
        ...base(dir).slice(2),
        '--repo',
        repoDir,
        '--scrypt-work-factor=10',
        // the migration proves the hand-off happened: the marker is in its parent's environment
        `--migration-export=${handedOff}`,
        '--migration-check=true',
        '--migration-import=true',
        '--passphrase-file'
      ],
      // a secret in the environment makes the hand-off happen before the file is read
      { TMPDIR: dir, ACTIONS_RUNTIME_TOKEN: 'token-that-forces-the-hand-off' },
      passphraseFile,
      undefined,
      true
    )
    expect([run.code, run.stderr]).toEqual([0, expect.not.stringMatching(/cutover-gate:/)])
  })

  it('a low descriptor (3<file) that the hand-off would lose is refused in one line (exit 2)', async () => {
    // Node marks descriptors 0-15 close-on-exec: after the re-start, 3 would be another file
    const dir = tempDir('cg-named-handoff-')
    const repoDir = commitAll(makeRepo())
    const run = await cli(
      [
        'precutover',
        ...base(dir).slice(2),
        '--repo',
        repoDir,
        '--migration-export=true',
        '--passphrase-file',
        '/dev/fd/3'
      ],
      { TMPDIR: dir, ACTIONS_RUNTIME_TOKEN: 'token-that-forces-the-hand-off' },
      passphraseFile
    )
    expect([run.code, run.stderr]).toEqual([
      2,
      'cutover-gate: --passphrase-file /dev/fd/3 cannot be read after the secret hand-off (descriptor 3 does not survive the re-start); give it as a process substitution <(cmd), or a regular file\n'
    ])
  })

  it('SIGINT during the wait for a first writer ends the run (130)', async () => {
    const dir = tempDir('cg-named-sig-')
    const fifo = path.join(dir, 'key')
    execFileSync('mkfifo', ['-m', '600', fifo])
    const run = await cli(
      [...OPERATOR_FILES[2]!.args(dir), '--identity-file', fifo],
      { TMPDIR: dir },
      undefined,
      (pid) => void whenOpen(pid, fifo).then((open) => open && process.kill(pid, 'SIGINT'))
    )
    // answered at once, not after the second the wait for a writer may last
    expect([run.code, run.stderr]).toEqual([130, expect.not.stringContaining('no writer')])
  })
})
