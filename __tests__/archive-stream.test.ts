import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { archiveStream } from '../src/snapshot/archive-stream.js'
import { INDEX_PATH } from '../src/format/index-format.js'
import { IndexBuilder } from '../src/snapshot/index-builder.js'
import { walkIncludes } from '../src/snapshot/walk.js'
import { gnuTar, LONG_NAME, makeRepo, tempDir } from '../__fixtures__/trees.js'

const INCLUDES = ['state', 'exports', 'reports/private', 'logs']

async function archive(repo: string, includes = INCLUDES, skipped: string[] = []) {
  const index = new IndexBuilder()
  const parts: Buffer[] = []
  for await (const part of archiveStream(
    walkIncludes(repo, includes, (m) => skipped.push(m)),
    index
  )) {
    parts.push(part)
  }
  return { tar: Buffer.concat(parts), index }
}

describe('archive stream (POSIX tar of the includes)', () => {
  it('is read by GNU tar: sorted entries, pax for long and unicode names, links kept as links', async () => {
    const repo = makeRepo()
    const { tar, index } = await archive(repo)
    expect(tar.length % 512).toBe(0)
    const names = gnuTar(['-tf', '-'], tar).trim().split('\n')
    expect(names[0]).toBe('exports/')
    expect(names.at(-1)).toBe(INDEX_PATH)
    expect(names).toContain(`state/${LONG_NAME}`)
    expect(names).toContain('state/ünïcødé/日本語.json')
    expect(names).not.toContain('README.md')
    // depth-first, children by bytes: graph/ and its files come before graph-link
    expect(names.indexOf('state/graph/nodes.jsonl')).toBeLessThan(names.indexOf('state/graph-link'))

    const out = tempDir()
    gnuTar(['-xf', '-', '-C', out], tar)
    for (const rel of [
      'state/graph/nodes.jsonl',
      'state/blob.bin',
      `state/${LONG_NAME}`,
      'logs/app.log'
    ]) {
      expect(fs.readFileSync(path.join(out, rel))).toEqual(fs.readFileSync(path.join(repo, rel)))
    }
    expect(fs.statSync(path.join(out, 'state/tool.sh')).mode & 0o777).toBe(0o755)
    expect(fs.readlinkSync(path.join(out, 'state/current'))).toBe('graph/nodes.jsonl')
    expect(fs.statSync(path.join(out, 'state/empty-dir')).isDirectory()).toBe(true)
    expect(fs.readFileSync(path.join(out, INDEX_PATH))).toEqual(index.bytesOfIndex())
    expect(index.files).toBe(10)
  })

  it('gives the same index and digest on a second run and on a copy of the tree', async () => {
    const repo = makeRepo()
    const first = await archive(repo)
    const second = await archive(repo)
    const copy = tempDir()
    gnuTar(['-xf', '-', '-C', copy], first.tar)
    fs.rmSync(path.join(copy, '.cutover-gate'), { recursive: true })
    const third = await archive(copy)
    expect(second.index.digest()).toBe(first.index.digest())
    expect(third.index.digest()).toBe(first.index.digest())
  })

  it('is NO-GO for a symlink pointing outside the repository, naming it', async () => {
    const repo = makeRepo()
    fs.symlinkSync('../../../etc/passwd', path.join(repo, 'state/graph/escape'))
    await expect(archive(repo)).rejects.toThrow(
      /symlink state\/graph\/escape points outside the repository \(-> ..\/..\/..\/etc\/passwd\)/
    )
  })

  it('is NO-GO for an absolute symlink', async () => {
    const repo = makeRepo()
    fs.symlinkSync('/etc/passwd', path.join(repo, 'logs/abs'))
    await expect(archive(repo)).rejects.toThrow(/symlink logs\/abs has an absolute target/)
  })

  it('is NO-GO for a missing include, naming it', async () => {
    const repo = makeRepo()
    await expect(archive(repo, ['state', 'nope'])).rejects.toThrow(/include nope is missing/)
  })

  it('leaves out a fifo with a warning naming it', async () => {
    const repo = makeRepo()
    const { execFileSync } = await import('node:child_process')
    execFileSync('mkfifo', [path.join(repo, 'logs/pipe')])
    const skipped: string[] = []
    const { tar } = await archive(repo, INCLUDES, skipped)
    expect(skipped).toEqual([expect.stringMatching(/^left out logs\/pipe: it is a fifo/)])
    expect(gnuTar(['-tf', '-'], tar)).not.toContain('logs/pipe')
  })
})

describe('archive stream: links through links, and files that change while read', () => {
  it('is NO-GO for a chain of links that leaves the repository (s -> . then u -> s/../..)', async () => {
    const repo = makeRepo()
    fs.symlinkSync('.', path.join(repo, 'state/s'))
    fs.symlinkSync('s/../..', path.join(repo, 'state/u'))
    await expect(archive(repo)).rejects.toThrow(/symlink state\/u points outside the repository/)
  })

  it('is NO-GO, naming the file, when a file grows while it is archived', async () => {
    const repo = makeRepo()
    const big = path.join(repo, 'logs/growing.log')
    fs.writeFileSync(big, Buffer.alloc(5 << 20, 'a'))
    const index = new IndexBuilder()
    const stream = archiveStream(
      walkIncludes(repo, ['logs'], () => {}),
      index
    )
    await stream.next() // the first MiB is out: now the writer appends
    fs.appendFileSync(big, 'more\n')
    await expect(
      (async () => {
        for await (const _ of stream) void _
      })()
    ).rejects.toThrow(/logs\/growing\.log changed while the snapshot was being taken/)
  })

  it('is NO-GO, naming the file, when a file vanishes before it is read', async () => {
    const repo = makeRepo()
    fs.writeFileSync(path.join(repo, 'logs/a.bin'), Buffer.alloc(3 << 20))
    const index = new IndexBuilder()
    const stream = archiveStream(
      walkIncludes(repo, ['logs'], () => {}),
      index
    )
    await stream.next()
    fs.rmSync(path.join(repo, 'logs/app.log'))
    await expect(
      (async () => {
        for await (const _ of stream) void _
      })()
    ).rejects.toThrow(/logs\/app\.log vanished while the snapshot was being taken/)
  })
})

describe('a file swapped for a fifo between the walk and its read', () => {
  // open(2) of a fifo without O_NONBLOCK waits for a writer forever: the snapshot must not hang
  it.each(['state/graph/nodes.jsonl', 'logs/app.jsonl', 'exports/summary.json'].map((f) => [f]))(
    '%s: NO-GO naming it, at once',
    async (rel) => {
      const repo = makeRepo()
      const abs = path.join(repo, rel)
      if (!fs.existsSync(abs)) {
        fs.mkdirSync(path.dirname(abs), { recursive: true })
        fs.writeFileSync(abs, 'x\n')
      }
      function* swapped() {
        for (const entry of walkIncludes(repo, INCLUDES, () => {})) {
          if (entry.rel === rel) {
            fs.rmSync(abs)
            execFileSync('mkfifo', [abs])
          }
          yield entry
        }
      }
      const run = (async () => {
        for await (const part of archiveStream(swapped(), new IndexBuilder())) void part
      })()
      await expect(run).rejects.toThrow(
        new RegExp(`${rel.replace(/\./g, '\\.')}.*no longer a regular file`)
      )
    },
    20_000
  )
})
