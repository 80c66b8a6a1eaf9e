import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { NoGoError } from '../src/outcome/step-result.js'
import { createSnapshot } from '../src/snapshot/create-snapshot.js'
import { MemoryLogger } from '../__fixtures__/memory-logger.js'
import {
  LOCK_NAME,
  lockSnapshotDir,
  removeDeadLock,
  removeStaleTemps
} from '../src/snapshot/snapshot-dir-lock.js'
import { bootPrefix, identityOf, selfIdentity } from '../src/util/process-identity.js'
import { passphraseKeys } from '../__fixtures__/passphrase-keys.js'

const dirs: string[] = []
const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

function freshDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-lock-'))
  dirs.push(dir)
  return dir
}

/** A real process that ran and exited: its pid and start time, now provably gone. */
function exitedIdentity() {
  const out = spawnSync('sh', ['-c', 'cat /proc/$$/stat'], { encoding: 'utf8' }).stdout
  const pid = Number(out.split(' ')[0])
  const startTime = out.slice(out.lastIndexOf(')') + 2).split(' ')[19]!
  return { ...selfIdentity(), pid, startTime }
}

async function liveChild(): Promise<ChildProcess> {
  const child = spawn('sleep', ['60'])
  children.push(child)
  await new Promise((resolve) => child.once('spawn', resolve))
  return child
}

function lockText(identity: object): string {
  return `${JSON.stringify({ ...identity, token: randomBytes(16).toString('hex') })}\n`
}

describe('snapshot-dir lock', () => {
  it('is exclusive while held, and free again once released', () => {
    const dir = freshDir()
    const lock = lockSnapshotDir(dir)
    expect(() => lockSnapshotDir(dir)).toThrow(/locked by another cutover-gate run \(pid \d+/)
    lock.assertHeld()
    lock.release()
    expect(fs.existsSync(path.join(dir, LOCK_NAME))).toBe(false)
    lockSnapshotDir(dir).release()
    // no temp file is left behind either way
    expect(fs.readdirSync(dir)).toEqual([])
  })

  it('takes over the lock of a process that exited, of another boot, and of a reused pid', async () => {
    const live = identityOf((await liveChild()).pid!)!
    const stale = [
      exitedIdentity(),
      { ...live, bootId: 'another-boot-of-this-host' },
      { ...live, startTime: String(Number(live.startTime) + 1) },
      { ...live, startTime: String(Number(live.startTime) - 7) }
    ]
    for (const holder of stale) {
      const dir = freshDir()
      fs.writeFileSync(path.join(dir, LOCK_NAME), lockText(holder))
      const lock = lockSnapshotDir(dir)
      const now = JSON.parse(fs.readFileSync(path.join(dir, LOCK_NAME), 'utf8'))
      expect(now.pid).toBe(process.pid)
      lock.assertHeld()
      lock.release()
    }
  })

  it('never takes over a live holder, nor one of another host', async () => {
    const live = identityOf((await liveChild()).pid!)!
    for (const holder of [live, { ...live, host: 'elsewhere.invalid' }]) {
      const dir = freshDir()
      const text = lockText(holder)
      fs.writeFileSync(path.join(dir, LOCK_NAME), text)
      expect(() => lockSnapshotDir(dir)).toThrow(new RegExp(`pid ${live.pid}`))
      expect(fs.readFileSync(path.join(dir, LOCK_NAME), 'utf8')).toBe(text)
    }
  })

  it.each([
    ['empty', ''],
    ['a pid alone (older versions)', `${process.pid}\n`],
    ['a dead pid alone', `${exitedIdentity().pid}\n`],
    ['cut short', lockText(exitedIdentity()).slice(0, 30)],
    ['no token', JSON.stringify(exitedIdentity())],
    ['garbage', '\u0000\u0001\u0002']
  ])('is a NO-GO naming the file, never a guess, when it holds %s', (_what, text) => {
    const dir = freshDir()
    const lockPath = path.join(dir, LOCK_NAME)
    fs.writeFileSync(lockPath, text)
    const ino = fs.statSync(lockPath).ino
    let thrown: unknown
    try {
      lockSnapshotDir(dir)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(NoGoError)
    expect((thrown as Error).message).toMatch(
      new RegExp(`lock ${lockPath} does not name a cutover-gate run.*remove it if no run is active`)
    )
    expect(fs.statSync(lockPath).ino).toBe(ino)
    expect(fs.readFileSync(lockPath, 'utf8')).toBe(text)
  })

  it('never takes over a lock still being written by the old open-then-write path', async () => {
    const dir = freshDir()
    const lockPath = path.join(dir, LOCK_NAME)
    // the old writer: O_EXCL create, a pause, then its pid
    const writer = spawn(process.execPath, [
      '-e',
      `const fs = require('fs'); const fd = fs.openSync(${JSON.stringify(lockPath)}, 'wx');
       process.stdout.write('open\\n');
       setTimeout(() => { fs.writeSync(fd, process.pid + '\\n'); fs.closeSync(fd); process.stdout.write('written\\n') }, 800)
       setTimeout(() => {}, 60000)`
    ])
    children.push(writer)
    let said = ''
    writer.stdout.on('data', (d: Buffer) => (said += d.toString()))
    while (!said.includes('open')) await new Promise((r) => setTimeout(r, 5))
    const ino = fs.statSync(lockPath).ino
    let tries = 0
    while (!said.includes('written')) {
      expect(() => lockSnapshotDir(dir)).toThrow(NoGoError)
      expect(fs.statSync(lockPath).ino).toBe(ino)
      tries++
      await new Promise((r) => setTimeout(r, 2))
    }
    expect(tries).toBeGreaterThan(0)
    expect(() => lockSnapshotDir(dir)).toThrow(/does not name a cutover-gate run/)
    expect(fs.readFileSync(lockPath, 'utf8')).toBe(`${writer.pid}\n`)
  })

  it('knows when it was taken from under it, and then removes nothing', () => {
    const dir = freshDir()
    const lockPath = path.join(dir, LOCK_NAME)
    for (const replace of [
      () => fs.writeFileSync(lockPath, lockText(selfIdentity())), // same inode, other content
      () => {
        fs.writeFileSync(`${lockPath}.x`, fs.readFileSync(lockPath)) // same content, other inode
        fs.renameSync(`${lockPath}.x`, lockPath)
      },
      () => fs.rmSync(lockPath)
    ]) {
      const lock = lockSnapshotDir(dir)
      replace()
      const after = fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : undefined
      expect(() => lock.assertHeld()).toThrow(/no longer names this run/)
      lock.release()
      expect(fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : undefined).toBe(after)
      fs.rmSync(lockPath, { force: true })
    }
  })
})

/** Runs real takers in processes of their own, all let go at once, and collects what they say. */
async function race(dir: string, takers: number): Promise<string[]> {
  const go = path.join(dir, '..', `go-${randomBytes(4).toString('hex')}`)
  const board = fs.mkdtempSync(path.join(dir, '..', 'board-'))
  const script = path.resolve('__fixtures__/lock-taker.mjs')
  const runs = Array.from({ length: takers }, () => {
    const child = spawn(process.execPath, [
      '--experimental-transform-types',
      '--no-warnings',
      script,
      dir,
      go,
      String(takers),
      board
    ])
    children.push(child)
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    return new Promise<string>((resolve) => child.once('exit', () => resolve(out.trim())))
  })
  // once every one has loaded, open the gate for all at once
  const ready = () => fs.readdirSync(board).filter((n) => n.startsWith('ready-')).length
  while (ready() < takers) await new Promise((r) => setTimeout(r, 20))
  fs.writeFileSync(go, '')
  const said = await Promise.all(runs)
  fs.rmSync(go)
  fs.rmSync(board, { recursive: true })
  return said
}

describe('takeover races between real processes', () => {
  it('never leaves two holders of a stale lock', async () => {
    for (let round = 0; round < 3; round++) {
      const dir = freshDir()
      fs.writeFileSync(path.join(dir, LOCK_NAME), lockText(exitedIdentity()))
      const said = await race(dir, 5)
      const held = said.filter((s) => s === 'held')
      // one and only one: whoever linked last holds it, every displaced holder knows it lost
      expect(held).toHaveLength(1)
      expect(said.every((s) => /^(held|refused|lost) ?/.test(s))).toBe(true)
    }
  })

  it('never lets two processes take a free lock', async () => {
    const dir = freshDir()
    const said = await race(dir, 5)
    expect(said.filter((s) => s === 'held')).toHaveLength(1)
    expect(said.filter((s) => s.startsWith('refused'))).toHaveLength(4)
  })
})

describe('commit points', () => {
  it.each([
    [
      'rewritten in place',
      (lockPath: string) => fs.writeFileSync(lockPath, lockText(selfIdentity()))
    ],
    [
      'removed and taken by another',
      (lockPath: string) => {
        fs.rmSync(lockPath)
        fs.writeFileSync(lockPath, lockText(selfIdentity()))
      }
    ]
  ])(
    'a snapshot whose lock was %s meanwhile places nothing and removes nothing',
    async (_what, steal) => {
      const dir = freshDir()
      fs.mkdirSync(path.join(dir, 'repo', 'state'), { recursive: true })
      fs.writeFileSync(path.join(dir, 'repo', 'state', 'a.json'), '{}\n')
      const snapshotDir = path.join(dir, 'snapshots')
      const lockPath = path.join(snapshotDir, LOCK_NAME)
      const config = {
        repo: path.join(dir, 'repo'),
        includes: ['state'],
        snapshotDir,
        manifestPath: path.join(snapshotDir, 'latest-manifest.json'),
        force: true,
        compression: 'zstd' as const,
        workFactor: 10
      }
      let stolen = ''
      // `now` is asked once the lock is held and before the snapshot streams
      const now = () => {
        steal(lockPath)
        stolen = fs.readFileSync(lockPath, 'utf8')
        return new Date()
      }
      await expect(
        createSnapshot(config, passphraseKeys('pw for this test'), new MemoryLogger(), now)
      ).rejects.toThrow(/lock .* no longer names this run/)
      expect(fs.readdirSync(snapshotDir)).toEqual([LOCK_NAME])
      expect(fs.readFileSync(lockPath, 'utf8')).toBe(stolen)
    }
  )
})

describe('stale temp files', () => {
  it('removes only those whose writer is proven gone', async () => {
    const dir = freshDir()
    const live = identityOf((await liveChild()).pid!)!
    const dead = exitedIdentity()
    const boot = bootPrefix(live.bootId)
    const otherBoot = boot === '00000000' ? '11111111' : '00000000'
    const name = (tag: string) =>
      `.snapshot-x.tar.zst.age.tmp-${tag}-${randomBytes(4).toString('hex')}`
    const kept = [
      name(`${live.pid}-${live.startTime}-${boot}`),
      name(`${process.pid}`), // older name, pid in use: cannot be proven gone
      '.snapshot-x.tmp-notours'
    ]
    const gone = [
      name(`${dead.pid}-${dead.startTime}-${boot}`),
      name(`${live.pid}-${Number(live.startTime) + 3}-${boot}`), // pid reused
      name(`${live.pid}-${live.startTime}-${otherBoot}`),
      name(`${dead.pid}`)
    ]
    for (const file of [...kept, ...gone]) fs.writeFileSync(path.join(dir, file), 'x')
    expect(removeStaleTemps(dir).sort()).toEqual([...gone].sort())
    expect(fs.readdirSync(dir).sort()).toEqual([...kept].sort())
  })
})

describe('the post step after a killed run', () => {
  const post = (snapshotDir: string) =>
    spawnSync(process.execPath, [path.resolve('dist/post.js')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, 'STATE_snapshot-dir': snapshotDir }
    })

  it.each([
    ['an exited holder', () => lockText(exitedIdentity()), false],
    ['a holder of another boot', () => lockText({ ...selfIdentity(), bootId: 'old-boot' }), false],
    ['a live holder', () => lockText(selfIdentity()), true],
    [
      'a holder on another host',
      () => lockText({ ...selfIdentity(), host: 'elsewhere.invalid' }),
      true
    ],
    ['an unparsable lock', () => 'garbage\n', true]
  ])('with %s: kept unless its holder is proven dead (%#)', (_who, text, kept) => {
    const dir = freshDir()
    fs.writeFileSync(path.join(dir, LOCK_NAME), text())
    expect(removeDeadLock(dir)).toBe(!kept)
    expect(fs.existsSync(path.join(dir, LOCK_NAME))).toBe(kept)
  })

  it('the bundled post step removes a dead run lock, and says so', () => {
    const dir = freshDir()
    fs.writeFileSync(path.join(dir, LOCK_NAME), lockText(exitedIdentity()))
    const run = post(dir)
    expect(run.status).toBe(0)
    expect(run.stdout.replace(/\s+/g, ' ')).toMatch(/removed the lock a killed run left/)
    expect(fs.existsSync(path.join(dir, LOCK_NAME))).toBe(false)
  })
})
