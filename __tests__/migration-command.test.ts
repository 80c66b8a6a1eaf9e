import { readFileSync } from 'node:fs'
import path from 'node:path'
import { LineSplitter, OutputTail } from '../src/migration/output-tail.js'
import { runCommand } from '../src/migration/run-command.js'
import { splitCommand, substitutePackage } from '../src/migration/split-command.js'
import { missingScriptInOutput, scriptOf } from '../src/migration/missing-script.js'
import {
  removeTempFolders,
  running,
  tempFolder,
  waitUntil
} from '../__fixtures__/migration-helpers.js'

afterEach(removeTempFolders)

describe('splitCommand', () => {
  it('splits like a shell for quotes and backslashes', () => {
    expect(splitCommand(`python3  scripts/x.py --out {package}`)).toEqual([
      'python3',
      'scripts/x.py',
      '--out',
      '{package}'
    ])
    expect(splitCommand(`a 'b c' "d \\"e\\" \\\\ \\n" f\\ g h'i'"j" ''`)).toEqual([
      'a',
      'b c',
      'd "e" \\ \\n',
      'f g',
      'hij',
      ''
    ])
    expect(splitCommand(`a \\\n b`)).toEqual(['a', 'b'])
    expect(splitCommand(`echo $HOME | cat > out && rm *`)).toEqual([
      'echo',
      '$HOME',
      '|',
      'cat',
      '>',
      'out',
      '&&',
      'rm',
      '*'
    ])
    expect(splitCommand('   ')).toEqual([])
  })

  it('refuses unfinished quotes and escapes', () => {
    expect(() => splitCommand(`a 'b`)).toThrow(/unmatched '/)
    expect(() => splitCommand(`a "b`)).toThrow(/unmatched "/)
    expect(() => splitCommand(`a \\`)).toThrow(/unfinished escape/)
  })

  it('substitutes {package} after splitting, so a path with spaces stays one word', () => {
    expect(
      substitutePackage(splitCommand(`x --in {package} --o={package}/{package}`), '/t/p q')
    ).toEqual(['x', '--in', '/t/p q', '--o=/t/p q//t/p q'])
  })
})

describe('scriptOf and missingScriptInOutput', () => {
  it('finds the script a command runs when it can be told', () => {
    expect(scriptOf(['python3', 'scripts/a.py', '--x'])).toBe('scripts/a.py')
    expect(scriptOf(['python3', '-u', 'scripts/a.py'])).toBe('scripts/a.py')
    expect(scriptOf(['scripts/backup.sh', 'precutover'])).toBe('scripts/backup.sh')
    expect(scriptOf(['python3', '-m', 'pkg.mod'])).toBeUndefined()
    expect(scriptOf(['node', '-e', 'x.js'])).toBeUndefined()
    expect(scriptOf(['make', 'export'])).toBeUndefined()
  })

  it('reads interpreters’ own words for a missing main script', () => {
    expect(
      missingScriptInOutput(
        "python3: can't open file '/r/scripts/x.py': [Errno 2] No such file or directory"
      )
    ).toBe('/r/scripts/x.py')
    expect(
      missingScriptInOutput(
        "Error: Cannot find module '/r/x.js'\n  code: 'MODULE_NOT_FOUND',\n  requireStack: []\n}"
      )
    ).toBe('/r/x.js')
    expect(missingScriptInOutput('cat: state/x.json: No such file or directory')).toBeUndefined()
  })
})

describe('OutputTail', () => {
  it('keeps everything when it is small', () => {
    const tail = new OutputTail(100, 10)
    tail.push(Buffer.from('a\nb\n'))
    tail.push(Buffer.from('c'))
    expect(tail.text()).toBe('a\nb\nc')
  })

  it('keeps the last lines and says how much it left out', () => {
    const tail = new OutputTail(64 * 1024, 200)
    for (let i = 1; i <= 1000; i++) tail.push(Buffer.from(`line ${i}\n`))
    const lines = tail.text().split('\n')
    expect(lines[0]).toMatch(/^\[output truncated: \d+ earlier bytes not shown\]$/)
    expect(lines.slice(1)).toHaveLength(200)
    expect(lines.at(-1)).toBe('line 1000')
    expect(lines[1]).toBe('line 801')
  })

  it('keeps the last bytes of a huge line-less output, from a whole line on', () => {
    const tail = new OutputTail(1024, 200)
    for (let i = 0; i < 100; i++)
      tail.push(Buffer.from('é'.repeat(100) + (i === 99 ? '\nlast' : '')))
    const text = tail.text()
    expect(text).toBe('[output truncated: 20001 earlier bytes not shown]\nlast')
  })

  it('splits lines across chunks and multi-byte characters', () => {
    const lines: string[] = []
    const splitter = new LineSplitter((line) => lines.push(line))
    const bytes = Buffer.from('héllo\r\nwor')
    splitter.push(bytes.subarray(0, 2))
    splitter.push(bytes.subarray(2))
    splitter.push(Buffer.from('ld\nend'))
    splitter.end()
    expect(lines).toEqual(['héllo', 'world', 'end'])
  })
})

describe('runCommand', () => {
  const env = { PATH: process.env.PATH ?? '' }

  it('kills the whole process tree on timeout: child and grandchild', async () => {
    const dir = await tempFolder()
    const pids = path.join(dir, 'pids')
    // The grandchild ignores SIGTERM, so only the group-wide SIGKILL ends it.
    const code = `const {spawn}=require('child_process');const g=spawn('sh',['-c','trap "" TERM; sleep 300'],{stdio:'ignore'});require('fs').writeFileSync(process.argv[1],process.pid+' '+g.pid);console.log('started');setInterval(()=>{},1000)`
    const run = await runCommand([process.execPath, '-e', code, pids], {
      cwd: dir,
      env,
      timeoutMs: 1500,
      killGraceMs: 300
    })
    expect(run.timedOut).toBe(true)
    expect(run.exitCode).toBeNull()
    expect(run.output).toBe('started')
    const [child, grandchild] = readFileSync(pids, 'utf8').split(' ').map(Number)
    expect(await waitUntil(() => !running(child!) && !running(grandchild!))).toBe(true)
  })

  it('stops what a command left running in the background and says so', async () => {
    const dir = await tempFolder()
    const pids = path.join(dir, 'pids')
    const run = await runCommand(
      ['sh', '-c', `sleep 300 >/dev/null 2>&1 & echo $! > '${pids}'; echo done`],
      { cwd: dir, env, timeoutMs: 10000 }
    )
    expect(run.exitCode).toBe(0)
    expect(run.leftovers).toBe(true)
    const pid = Number(readFileSync(pids, 'utf8'))
    expect(await waitUntil(() => !running(pid))).toBe(true)
  })

  it('reports a program that cannot be started', async () => {
    const run = await runCommand(['/nonexistent/prog'], { cwd: '/', env, timeoutMs: 1000 })
    expect(run.spawnError?.code).toBe('ENOENT')
    expect(run.exitCode).toBeNull()
  })

  it('captures exit code, duration and both streams, and streams lines as they come', async () => {
    const lines: string[] = []
    const run = await runCommand(['sh', '-c', 'echo out; echo err >&2; exit 7'], {
      cwd: '/',
      env,
      timeoutMs: 5000,
      onLine: (l) => lines.push(l)
    })
    expect(run.exitCode).toBe(7)
    expect(run.timedOut).toBe(false)
    expect(run.durationMs).toBeGreaterThanOrEqual(0)
    expect(run.output.split('\n').sort()).toEqual(['err', 'out'])
    expect(lines.sort()).toEqual(['err', 'out'])
  })
})
