import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { writeEncryptedSnapshot } from '../__fixtures__/encrypted-snapshot.js'
import { nodeCommand } from '../__fixtures__/migration-helpers.js'
import { runAction } from '../__fixtures__/run-action.js'
import { cliSync } from '../__fixtures__/run-cli.js'
import { END, entry } from '../__fixtures__/tar-hostile.js'
import { tempDir } from '../__fixtures__/trees.js'
import { INDEX_PATH, indexLine, type IndexEntry } from '../src/format/index-format.js'

/**
 * SPEC, Safety rules, "Names under the includes are private": whatever fails, the job log, the
 * summary, the report files, the outputs and annotations name no path under an include, only its
 * root, counts and fingerprints. Each failure kind below is driven for real through dist/cli.js
 * (not a terminal) and through the action as the runner runs it, in trees of generated names;
 * then every byte each door emitted is searched for each private name and each of its components.
 * With show-private-names the names may show, and do.
 */

const PASSPHRASE = 'private names stay private 4711 ✓'
const ROOT_USER = process.getuid?.() === 0

/** Name parts no output holds by chance: never hex-only, never a word the tool prints. */
const part = fc
  .tuple(fc.stringMatching(/^[g-z][a-z0-9]{5,9}$/), fc.constantFrom('', 'é', 'ß', '日本', ' x'))
  .map(([stem, tail]) => `${stem}${tail}`)
const parts = fc.uniqueArray(part, { minLength: 4, maxLength: 4, selector: (p) => p.slice(0, 6) })

interface Setup {
  mode: 'snapshot' | 'precutover' | 'restore-test'
  /** What the report must say, so that the kind really happened. */
  expect: RegExp
  decision: 'GO' | 'NO-GO'
  /** Names that must not show: each, and each of its components but the include root. */
  names: string[]
  env?: Record<string, string>
  asNobody?: boolean
  cleanup?: () => void
}

interface Case {
  repo: string
  work: string
  snapshotDir: string
  /** Extra args for the run, as input name → value. */
  inputs: Record<string, string>
}

function write(file: string, data: string | Buffer = 'private\n'): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, data)
}

function inputsOf(c: Case, mode: string, extra: Record<string, string> = {}) {
  return {
    mode,
    repo: c.repo,
    include: 'state',
    'snapshot-dir': c.snapshotDir,
    manifest: path.join(c.snapshotDir, 'latest-manifest.json'),
    'report-path': path.join(c.work, 'out', 'report.md'),
    'scrypt-work-factor': '10',
    'migration-check': 'true',
    'migration-import': 'true',
    ...c.inputs,
    ...extra
  }
}

const cliArgs = (inputs: Record<string, string>): string[] => {
  const { mode, ...rest } = inputs
  return [mode!, ...Object.entries(rest).flatMap(([name, value]) => [`--${name}`, value])]
}

/** A snapshot of the repo made with the normal temp folder, for the restore-test kinds. */
function snapshotFirst(c: Case): void {
  const made = cliSync(cliArgs(inputsOf(c, 'snapshot')), {
    GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE,
    TMPDIR: c.work
  })
  expect([made.code, made.stderr]).toEqual([0, expect.anything()])
}

async function holdOpenForWriting(file: string): Promise<ChildProcess> {
  const child = spawn(
    'python3',
    [
      '-c',
      'import sys,time; f=open(sys.argv[1],"a"); print("ok", flush=True); time.sleep(60)',
      file
    ],
    {
      stdio: ['ignore', 'pipe', 'ignore']
    }
  )
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()))
  return child
}

/** An encrypted archive holding these tar entries, with an index of `listed`. */
async function plantArchive(
  c: Case,
  entries: { path: string; type: 'dir' | 'file'; data?: Buffer }[],
  listed: IndexEntry[]
): Promise<void> {
  const index = Buffer.from(listed.map((e) => `${indexLine(e)}\n`).join(''))
  const tar = Buffer.concat([
    ...entries.map((e) =>
      e.type === 'dir'
        ? entry({ path: `${e.path}/`, type: '5', mode: 0o755 })
        : entry({ path: e.path, type: '0', mode: 0o644 }, e.data ?? Buffer.from('x'))
    ),
    entry({ path: INDEX_PATH, type: '0', mode: 0o644 }, index),
    END
  ])
  await writeEncryptedSnapshot(c.snapshotDir, tar, PASSPHRASE, {
    files: 1,
    bytes: 1 << 20,
    index
  })
}

type Kind = (c: Case, p: string[]) => Promise<Setup> | Setup

const KINDS: Record<string, Kind> = {
  'a symlink that escapes the repository': (c, [a, b, t]) => {
    fs.mkdirSync(path.join(c.repo, 'state', a!), { recursive: true })
    fs.symlinkSync(`../../../${t}`, path.join(c.repo, 'state', a!, b!))
    return {
      mode: 'snapshot',
      expect: /points outside the repository/,
      decision: 'NO-GO',
      names: [`state/${a}/${b}`, t!]
    }
  },
  'a symlink with an absolute target': (c, [a, b, t, u]) => {
    fs.mkdirSync(path.join(c.repo, 'state', a!), { recursive: true })
    fs.symlinkSync(`/${t}/${u}`, path.join(c.repo, 'state', a!, b!))
    return {
      mode: 'snapshot',
      expect: /has an absolute target/,
      decision: 'NO-GO',
      names: [`state/${a}/${b}`, `/${t}/${u}`]
    }
  },
  'a fifo left out with a warning': (c, [a, b]) => {
    fs.mkdirSync(path.join(c.repo, 'state', a!), { recursive: true })
    execFileSync('mkfifo', [path.join(c.repo, 'state', a!, b!)])
    return {
      mode: 'snapshot',
      expect: /left out .*: it is a fifo/,
      decision: 'GO',
      names: [`state/${a}/${b}`]
    }
  },
  'a file another process holds open for writing': async (c, [a, b]) => {
    const file = path.join(c.repo, 'state', a!, b!)
    write(file)
    const writer = await holdOpenForWriting(file)
    return {
      mode: 'snapshot',
      expect: /is being written by another process/,
      decision: 'NO-GO',
      names: [`state/${a}/${b}`],
      cleanup: () => void writer.kill('SIGKILL')
    }
  },
  'a name that is not UTF-8': (c, [a, b]) => {
    fs.mkdirSync(path.join(c.repo, 'state', a!), { recursive: true })
    fs.writeFileSync(
      Buffer.concat([Buffer.from(path.join(c.repo, 'state', a!, `${b}`)), Buffer.from([0xff])]),
      'x'
    )
    return {
      mode: 'snapshot',
      expect: /not UTF-8/,
      decision: 'NO-GO',
      names: [`state/${a}/${b}`]
    }
  },
  'a file the runner may not read (EACCES)': (c, [a, b]) => {
    const file = path.join(c.repo, 'state', a!, b!)
    write(file)
    fs.chmodSync(c.work, 0o777)
    execFileSync('chown', ['-R', 'nobody:nogroup', c.repo])
    fs.chmodSync(file, 0o000)
    return {
      mode: 'snapshot',
      expect: /permission denied/,
      decision: 'NO-GO',
      names: [`state/${a}/${b}`],
      asNobody: true
    }
  },
  'a dry-run that writes inside the includes': (c, [a, b, d, e]) => {
    write(path.join(c.repo, 'state', d!, e!), 'tracked\n')
    write(path.join(c.repo, 'README.md'), 'repo\n')
    const git = (...args: string[]) => execFileSync('git', args, { cwd: c.repo, stdio: 'ignore' })
    git('init', '-q', '-b', 'main')
    git('add', '-A')
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'init')
    // the command names no private path: it reads what to write from a plan outside the repo
    const plan = path.join(c.work, 'plan.json')
    fs.writeFileSync(
      plan,
      JSON.stringify([
        [path.join(c.repo, 'state', a!, b!), 'new\n'],
        [path.join(c.repo, 'state', d!, e!), 'changed\n']
      ])
    )
    c.inputs['migration-export'] = nodeCommand(
      "const fs=require('fs');const path=require('path');for(const [f,t] of JSON.parse(fs.readFileSync(process.argv[1],'utf8'))){fs.mkdirSync(path.dirname(f),{recursive:true});fs.writeFileSync(f,t)}",
      plan
    )
    return {
      mode: 'precutover',
      expect: /entries of the includes/,
      decision: 'NO-GO',
      names: [`state/${a}/${b}`, `state/${d}/${e}`]
    }
  },
  'a migration whose output names paths under the includes': (c, [a, b, d, e]) => {
    write(path.join(c.repo, 'state', a!, b!), 'tracked\n')
    write(path.join(c.repo, 'README.md'), 'repo\n')
    const git = (...args: string[]) => execFileSync('git', args, { cwd: c.repo, stdio: 'ignore' })
    git('init', '-q', '-b', 'main')
    git('add', '-A')
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'init')
    const plan = path.join(c.work, 'plan.json')
    fs.writeFileSync(
      plan,
      JSON.stringify([
        `would update: state/${a}/${b}`,
        `would add: ${path.join(c.repo, 'state', d!, e!)}`
      ])
    )
    c.inputs['migration-export'] = nodeCommand(
      "for(const l of JSON.parse(require('fs').readFileSync(process.argv[1],'utf8')))console.log(l)",
      plan
    )
    return {
      mode: 'precutover',
      expect: /would add: /,
      decision: 'GO',
      names: [`state/${a}/${b}`, `state/${d}/${e}`]
    }
  },
  'restore-test with too little temp space for an entry': (c, [a, b]) => {
    for (let i = 0; i < 400; i++) write(path.join(c.repo, 'state', a!, `${b}${i}`), 'x'.repeat(100))
    snapshotFirst(c)
    const small = path.join(c.work, 'small')
    fs.mkdirSync(small)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small])
    return {
      mode: 'restore-test',
      expect: /would take the restore \d+ bytes past that/,
      decision: 'NO-GO',
      names: [`state/${a}/${b}`],
      env: { TMPDIR: small, RUNNER_TEMP: small },
      cleanup: () => execFileSync('umount', [small])
    }
  },
  'restore-test of an archive with more files than its manifest says': (c, [a, b]) => {
    write(path.join(c.repo, 'state', a!, b!))
    write(path.join(c.repo, 'state', a!, `${b}2`))
    snapshotFirst(c)
    const manifestPath = path.join(c.snapshotDir, 'latest-manifest.json')
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'))
    manifest.content.files = 1
    fs.writeFileSync(manifestPath, JSON.stringify(manifest))
    return {
      mode: 'restore-test',
      expect: /more files than the manifest's content\.files/,
      decision: 'NO-GO',
      names: [`state/${a}/${b}`]
    }
  },
  'restore-test of an archive whose index misses an entry': async (c, [a, b]) => {
    await plantArchive(
      c,
      [
        { path: 'state', type: 'dir' },
        { path: `state/${a}`, type: 'dir' },
        { path: `state/${a}/${b}`, type: 'file' }
      ],
      [
        { path: 'state', type: 'dir', mode: 0o755 },
        { path: `state/${a}`, type: 'dir', mode: 0o755 }
      ]
    )
    return {
      mode: 'restore-test',
      expect: /is in the archive but not in its index/,
      decision: 'NO-GO',
      names: [`state/${a}/${b}`]
    }
  },
  'restore-test of an archive entry with a ".." component': async (c, [a, b]) => {
    await plantArchive(
      c,
      [
        { path: 'state', type: 'dir' },
        { path: `state/${a}/../${b}`, type: 'file' }
      ],
      [{ path: 'state', type: 'dir', mode: 0o755 }]
    )
    return {
      mode: 'restore-test',
      expect: /has a "\.\." component/,
      decision: 'NO-GO',
      names: [`state/${a}/../${b}`]
    }
  }
}

/** Each name and each of its components but the include root and `..`. */
function needles(names: string[]): string[] {
  const out = new Set<string>()
  for (const name of names) {
    out.add(name)
    for (const piece of name.split('/'))
      if (piece && piece !== 'state' && piece !== '..') out.add(piece)
  }
  return [...out]
}

function found(texts: Record<string, string>, names: string[]): string[] {
  const hits: string[] = []
  for (const [where, text] of Object.entries(texts)) {
    for (const needle of needles(names)) if (text.includes(needle)) hits.push(`${where}: ${needle}`)
  }
  return hits
}

function reportFiles(c: Case): Record<string, string> {
  const out: Record<string, string> = {}
  for (const ext of ['md', 'json']) {
    const file = path.join(c.work, 'out', `report.${ext}`)
    if (fs.existsSync(file)) out[`report.${ext}`] = fs.readFileSync(file, 'utf8')
  }
  return out
}

async function runKind(
  kind: Kind,
  door: 'cli' | 'action',
  p: string[],
  show: boolean
): Promise<{ texts: Record<string, string>; setup: Setup }> {
  const work = tempDir('cg-private-')
  const repo = path.join(work, 'repo')
  fs.mkdirSync(path.join(repo, 'state'), { recursive: true })
  const c: Case = { repo, work, snapshotDir: path.join(work, 'snapshots'), inputs: {} }
  const setup = await kind(c, p)
  try {
    const inputs = inputsOf(c, setup.mode, show ? { 'show-private-names': 'true' } : {})
    let texts: Record<string, string>
    if (door === 'cli') {
      const args = cliArgs(inputs)
      const run = cliSync(
        args,
        { GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE, TMPDIR: work, ...setup.env },
        setup.asNobody ? { uid: 65534, gid: 65534 } : {}
      )
      expect(run.code).toBe(setup.decision === 'GO' ? 0 : 1)
      texts = { stdout: run.stdout, stderr: run.stderr, ...reportFiles(c) }
    } else {
      const run = await runAction(
        work,
        { ...inputs, passphrase: PASSPHRASE },
        setup.env ?? {},
        setup.asNobody ? { uid: 65534, gid: 65534 } : {}
      )
      expect(run.outputs.decision).toBe(setup.decision)
      texts = {
        stdout: run.stdout,
        stderr: run.stderr,
        summary: run.summary,
        outputs: JSON.stringify(run.outputs),
        ...reportFiles(c)
      }
    }
    expect(texts['report.md']).toMatch(setup.expect)
    return { texts, setup }
  } finally {
    setup.cleanup?.()
    fs.rmSync(work, { recursive: true, force: true })
  }
}

const runsAsRoot = ROOT_USER || process.env.CI ? it : it.skip
const needsRoot = new Set([
  'a file the runner may not read (EACCES)',
  'restore-test with too little temp space for an entry'
])

describe('private names: no door names a path under an include, whatever fails', () => {
  for (const [title, kind] of Object.entries(KINDS)) {
    const test = needsRoot.has(title) ? runsAsRoot : it
    for (const door of ['cli', 'action'] as const) {
      test(`${title} (${door}): root, count and fingerprint only`, async () => {
        await fc.assert(
          fc.asyncProperty(parts, async (p) => {
            const result = await runKind(kind, door, p, false)
            expect(found(result.texts, result.setup.names)).toEqual([])
            expect(result.texts['report.md']).toMatch(/…#[0-9a-f]{10}/)
          }),
          { numRuns: 2 }
        )
      }, 120_000)
    }
    test(`${title}: with show-private-names the names show, with the warning`, async () => {
      const p = fc.sample(parts, { numRuns: 1, seed: 22 })[0]!
      for (const door of ['cli', 'action'] as const) {
        const result = await runKind(kind, door, p, true)
        expect(found(result.texts, result.setup.names)).not.toEqual([])
        expect(result.texts['report.md']).toMatch(/show-private-names is true/)
      }
    }, 120_000)
  }
})
