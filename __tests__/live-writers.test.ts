import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { NoGoError } from '../src/outcome/step-result.js'
import { archiveStream, BATCH } from '../src/snapshot/archive-stream.js'
import { createSnapshot } from '../src/snapshot/create-snapshot.js'
import { IndexBuilder } from '../src/snapshot/index-builder.js'
import { LiveWriterWatch, scanWriters } from '../src/snapshot/live-writers.js'
import { walkIncludes } from '../src/snapshot/walk.js'
import { BufferPool } from '../src/util/buffer-pool.js'
import { MemoryLogger } from '../__fixtures__/memory-logger.js'
import { tempDir } from '../__fixtures__/trees.js'
import { passphraseKeys } from '../__fixtures__/passphrase-keys.js'

/** A real writer process: runs `body` (python, with `p` the file's path), says "ready", then obeys stdin. */
interface Writer {
  child: ChildProcessWithoutNullStreams
  line: () => Promise<string>
  say: (text: string) => Promise<string>
}

const children: ChildProcessWithoutNullStreams[] = []
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
})

async function startWriter(file: string, body: string): Promise<Writer> {
  const script = `import os, sys, mmap, ctypes\np = sys.argv[1]\n${body}\nprint('ready', flush=True)\nfor cmd in sys.stdin:\n    step()\n    print('done', flush=True)\n`
  const child = spawn('python3', ['-c', script, file])
  children.push(child)
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const line = async (): Promise<string> => {
    const next = await lines.next()
    if (next.done) throw new Error(`writer ended: ${child.stderr.read()?.toString() ?? ''}`)
    return next.value
  }
  const writer = { child, line, say: (t: string) => (child.stdin.write(`${t}\n`), line()) }
  expect(await line()).toBe('ready')
  return writer
}

const NOOP = 'def step():\n    pass'
const HOLDERS: [string, string, RegExp][] = [
  ['O_WRONLY', `fd = os.open(p, os.O_WRONLY)\n${NOOP}`, /open for writing, fd \d+ O_WRONLY\b/],
  ['O_RDWR', `fd = os.open(p, os.O_RDWR)\n${NOOP}`, /open for writing, fd \d+ O_RDWR\b/],
  ['O_APPEND', `fd = os.open(p, os.O_WRONLY | os.O_APPEND)\n${NOOP}`, /O_WRONLY\|O_APPEND/],
  ['O_RDWR|O_APPEND', `fd = os.open(p, os.O_RDWR | os.O_APPEND)\n${NOOP}`, /O_RDWR\|O_APPEND/],
  [
    'mmap.mmap ACCESS_WRITE, written through',
    `f = open(p, 'r+b')\nm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_WRITE)\nm[0:4] = b'LIVE'\ndef step():\n    m[4:8] = b'MORE'`,
    /pid \d+ \(python3\): (open for writing|mapped shared and writable)/
  ],
  [
    'a shared writable mapping whose fd was closed (only /proc/<pid>/maps shows it)',
    `libc = ctypes.CDLL(None)\nlibc.mmap.restype = ctypes.c_void_p\nlibc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]\nfd = os.open(p, os.O_RDWR)\naddr = libc.mmap(None, 4096, 3, 1, fd, 0)\nassert addr not in (None, ctypes.c_void_p(-1).value)\nos.close(fd)\nctypes.memmove(addr, b'LIVE', 4)\n${NOOP}`,
    /mapped shared and writable/
  ]
]
HOLDERS.push([
  'a pwrite + utime loop that puts the mtime back (size unchanged)',
  `import threading, random\nfd = os.open(p, os.O_RDWR)\nst = os.fstat(fd)\ndef loop():\n    n = 0\n    while True:\n        n += 1\n        os.pwrite(fd, n.to_bytes(8, 'little') * 512, random.randrange(0, st.st_size - 4096))\n        os.utime(fd, ns=(st.st_atime_ns, st.st_mtime_ns))\nthreading.Thread(target=loop, daemon=True).start()\n${NOOP}`,
  /open for writing, fd \d+ O_RDWR\b/
])
const HARMLESS: [string, string][] = [
  ['O_RDONLY', `fd = os.open(p, os.O_RDONLY)\n${NOOP}`],
  [
    'a private (copy-on-write) mapping',
    `f = open(p, 'rb')\nm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)\nm[0:4] = b'COPY'\n${NOOP}`
  ]
]
const DEPTHS = ['live.db', 'a/live.db', 'a/b/c/d/live.db']

function repoWith(rel: string, size = 64 * 1024): { repo: string; file: string } {
  const repo = tempDir()
  const file = path.join(repo, 'state', rel)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, Buffer.alloc(size, 7))
  fs.writeFileSync(path.join(repo, 'state', 'quiet.txt'), 'quiet\n')
  return { repo, file }
}

/** Runs the archive; `midway` runs once the first batch is out (the big file is half read). */
async function archive(repo: string, midway?: () => Promise<void>): Promise<Error | undefined> {
  const pool = new BufferPool(BATCH, 0)
  try {
    let first = true
    for await (const piece of archiveStream(
      walkIncludes(repo, ['state'], () => {}),
      new IndexBuilder(),
      undefined,
      pool,
      new LiveWriterWatch()
    )) {
      pool.release(piece)
      if (first && midway) await midway()
      first = false
    }
  } catch (error) {
    return error as Error
  }
  return undefined
}

describe('live writers: a file another process writes while the snapshot reads it is NO-GO', () => {
  it.each(HOLDERS)(
    'held %s before the snapshot starts: NO-GO naming file and pid',
    async (_, body, how) => {
      for (const rel of DEPTHS) {
        const { repo, file } = repoWith(rel)
        const writer = await startWriter(file, body)
        const error = await archive(repo)
        expect(error).toBeInstanceOf(NoGoError)
        expect((error as NoGoError).decisionPoint).toBe('B')
        expect(error!.message).toContain(
          `state/${rel} is being written by another process as the snapshot starts`
        )
        expect(error!.message).toContain(`pid ${writer.child.pid} (python3)`)
        expect(error!.message).toMatch(how)
        expect(error!.message).toMatch(
          /pause rollout and isolate writes \(runbook decision point B\)/
        )
        writer.child.kill('SIGKILL')
      }
    }
  )

  it.each(HARMLESS)('%s cannot change the file: GO', async (_, body) => {
    const { repo, file } = repoWith('live.db')
    await startWriter(file, body)
    expect(await archive(repo)).toBeUndefined()
  })

  it.each([
    [
      'pwrite, size unchanged, mtime put back with utime',
      'os.pwrite(fd, b"torn" * 64, off)\n    os.utime(fd, ns=(st.st_atime_ns, st.st_mtime_ns))'
    ],
    [
      'pwrite at the end, mtime put back',
      'os.pwrite(fd, b"x" * 16, st.st_size - 16)\n    os.utime(fd, ns=(st.st_atime_ns, st.st_mtime_ns))'
    ],
    ['pwrite only', 'os.pwrite(fd, b"torn", off)'],
    [
      'chmod and back (a metadata write)',
      'os.chmod(fd, 0o600)\n    os.chmod(fd, st.st_mode & 0o7777)'
    ]
  ])(
    'a writer that opens, %s, and closes while the file is read: NO-GO (ctime)',
    async (_, act) => {
      for (const off of [0, 3 * BATCH + 1]) {
        const { repo, file } = repoWith('live.db', 5 * BATCH)
        // opened and closed within each step, so no scan sees it: only the fd's ctime can
        const writer = await startWriter(
          file,
          `off = ${off}\ndef step():\n    fd = os.open(p, os.O_RDWR)\n    st = os.fstat(fd)\n    ${act}\n    os.close(fd)`
        )
        const error = await archive(repo, async () => expect(await writer.say('go')).toBe('done'))
        expect(error).toBeInstanceOf(NoGoError)
        expect((error as NoGoError).decisionPoint).toBe('B')
        expect(error!.message).toMatch(
          /^state\/live\.db changed while the snapshot was being taken \(it was written to: its .*ctime changed as it was read\)/
        )
      }
    }
  )

  it.each(HOLDERS)(
    'a writer that starts mid-read (%s): caught by the second scan',
    async (_, body, how) => {
      const { repo, file } = repoWith('a/live.db', 3 * BATCH)
      let pid: number | undefined
      const error = await archive(repo, async () => {
        pid = (await startWriter(file, body)).child.pid
      })
      expect(error).toBeInstanceOf(NoGoError)
      expect((error as NoGoError).decisionPoint).toBe('B')
      // a mapping written at once shows as a ctime change first; either way file and pid are named
      expect(error!.message).toMatch(
        /^state\/a\/live\.db (is being written by another process while the snapshot read it|changed while the snapshot was being taken \(it was written to: .*; held by)/
      )
      expect(error!.message).toContain(`pid ${pid} (python3)`)
      expect(error!.message).toMatch(how)
    }
  )

  it('the snapshot itself: NO-GO naming file and pid, and no snapshot left behind', async () => {
    const { repo, file } = repoWith('live.db')
    const writer = await startWriter(file, `fd = os.open(p, os.O_RDWR)\n${NOOP}`)
    const snapshotDir = path.join(repo, 'snapshots')
    const run = createSnapshot(
      {
        repo,
        includes: ['state'],
        snapshotDir,
        manifestPath: path.join(snapshotDir, 'latest-manifest.json'),
        force: true,
        compression: 'zstd',
        workFactor: 10
      },
      passphraseKeys('a long enough passphrase for tests'),
      new MemoryLogger()
    )
    await expect(run).rejects.toThrow(
      `state/live.db is being written by another process as the snapshot starts (pid ${writer.child.pid} (python3)`
    )
    expect(fs.readdirSync(snapshotDir).filter((n) => n.endsWith('.age'))).toEqual([])
  })

  it('one scan leaves our own process out and sees a child of ours', async () => {
    const { file } = repoWith('live.db')
    const mine = fs.openSync(file, 'r+')
    const writer = await startWriter(file, `fd = os.open(p, os.O_WRONLY)\n${NOOP}`)
    const stat = fs.statSync(file, { bigint: true })
    const holders = scanWriters().holders.get(`${stat.dev}:${stat.ino}`) ?? []
    expect(holders.map((h) => h.pid)).toEqual([writer.child.pid])
    fs.closeSync(mine)
  })

  describe('as another user: processes that cannot be inspected are counted when they could write', () => {
    // a process of uid 65533 (in group 65530), which uid 65534 cannot look into; root's are
    // hidden from 65534 too and never counted (root can write and hide anything)
    let sleeper: ReturnType<typeof spawn>
    beforeAll(async () => {
      sleeper = spawn(
        'setpriv',
        ['--reuid=65533', '--regid=65533', '--groups=65530', 'sleep', '60'],
        {
          stdio: 'ignore'
        }
      )
      await new Promise((resolve) => setTimeout(resolve, 200))
    })
    afterAll(() => sleeper.kill('SIGKILL'))

    function watchAsNobody(files: string[]): { warnings: string[]; hidden: number[] } {
      const dir = tempDir()
      fs.chmodSync(dir, 0o755)
      // the TypeScript source, run by Node as uid 65534: '.js' imports resolve to the '.ts' files
      const hook = path.join(dir, 'hook.mjs')
      fs.writeFileSync(
        hook,
        `import { registerHooks } from 'node:module'\nregisterHooks({ resolve(s, c, next) { try { return next(s, c) } catch (e) { if (s.endsWith('.js')) return next(s.slice(0, -3) + '.ts', c); throw e } } })\n`
      )
      const script = `import fs from 'node:fs'\nconst { LiveWriterWatch, scanWriters } = await import(${JSON.stringify(path.resolve('src/snapshot/live-writers.ts'))})\nconst watch = new LiveWriterWatch()\nfor (const f of ${JSON.stringify(files)}) watch.admit(f, fs.statSync(f, { bigint: true }))\nconsole.log(JSON.stringify({ warnings: watch.warnings(), hidden: scanWriters().hidden.map((h) => h.pid) }))`
      const out = execFileSync(
        'setpriv',
        [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          process.execPath,
          '--no-warnings',
          '--experimental-transform-types',
          '--import',
          hook,
          '--input-type=module',
          '-e',
          script
        ],
        { cwd: dir, encoding: 'utf8' }
      )
      return JSON.parse(out) as { warnings: string[]; hidden: number[] }
    }

    it.each([
      ['owned by the watcher, 0644', 65534, 65534, 0o644, false],
      ['owned by the watcher, 0666 (anyone can write)', 65534, 65534, 0o666, true],
      ["group-writable by the other process's group", 65534, 65530, 0o664, true],
      ['group-writable by a group it is not in', 65534, 65529, 0o664, false],
      ['owned by the other process, 0644', 65533, 65533, 0o644, true],
      ['owned by the other process, 0444', 65533, 65533, 0o444, true]
    ])('a file %s: warned %s', (_name, uid, gid, mode, warned) => {
      const { file } = repoWith('live.db')
      fs.chmodSync(path.dirname(path.dirname(file)), 0o755)
      fs.chmodSync(path.dirname(file), 0o755)
      fs.chownSync(file, uid, gid)
      fs.chmodSync(file, mode)
      const { warnings, hidden } = watchAsNobody([file])
      expect(hidden).toContain(sleeper.pid)
      expect(hidden).not.toContain(2) // kthreadd: kernel threads hold no user files
      expect(warnings).toEqual(
        warned
          ? [
              expect.stringMatching(
                new RegExp(
                  `^could not inspect 1 processes that could write the included files \\(their /proc entries are not readable: EACCES\\), e\\.g\\. ${sleeper.pid} \\(sleep, uid 65533\\)`
                )
              )
            ]
          : []
      )
    })
  })
})
