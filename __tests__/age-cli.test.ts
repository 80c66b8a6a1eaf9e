// Interop with the stock age CLI: `age -d` must open our files, and we must open `age -p` files.
// age reads passphrases only from a terminal, so it runs under script(1), which gives it a pty
// fed from our stdin ("pw\r" per prompt).
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { through } from '../__fixtures__/age-streams.js'
import { withTools } from '../__fixtures__/stock-tools.js'
import { createDecryptStream } from '../src/age/decrypt.js'
import { encryptStream } from '../src/age/encrypt.js'

// found on PATH, as a user runs them; a machine without them skips (global-setup says so)
const AGE = 'age'
const SCRIPT = 'script'
const PASSPHRASE = 'cutover gate interop'

/** Runs `command` on a pty with `typed` as the keyboard input; rejects on non-zero exit. */
function onTerminal(command: string, typed: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    // Generous: scrypt at age's work factor 18 is slow on a loaded 2-core runner.
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve()
      else reject(new Error(`${command} failed (${code ?? signal}): ${output}`))
    })
    child.stdin.end(typed)
  })
}

withTools(AGE, SCRIPT).describe('stock age CLI interop', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'age-cli-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  test.each([0, 65536, 200_003])('our encrypt, age -d: %i bytes', async (size) => {
    const plaintext = randomBytes(size)
    const file = await through(
      encryptStream({ kind: 'passphrase', passphrase: Buffer.from(PASSPHRASE), workFactor: 10 }),
      plaintext
    )
    const input = join(dir, `ours-${size}.age`)
    const output = join(dir, `ours-${size}.out`)
    await writeFile(input, file)
    await onTerminal(`${AGE} -d -o '${output}' '${input}'`, `${PASSPHRASE}\r`)
    // age opens -o lazily, on the first plaintext byte: an empty file leaves none (exit 0 still
    // means the final chunk authenticated).
    const back = size === 0 && !existsSync(output) ? Buffer.alloc(0) : await readFile(output)
    expect(back.equals(plaintext)).toBe(true)
  })

  test('age -d refuses our file with a flipped payload byte', async () => {
    const file = await through(
      encryptStream({ kind: 'passphrase', passphrase: Buffer.from(PASSPHRASE), workFactor: 10 }),
      randomBytes(1000)
    )
    file[file.length - 100] = (file[file.length - 100] as number) ^ 1
    const input = join(dir, 'tampered.age')
    await writeFile(input, file)
    await expect(
      onTerminal(`${AGE} -d -o '${join(dir, 'tampered.out')}' '${input}'`, `${PASSPHRASE}\r`)
    ).rejects.toThrow(/failed/)
  })

  // age -p always uses work factor 18: about a second of scrypt each way.
  test.each([1, 200_003])('age -p encrypt, our decrypt: %i bytes', async (size) => {
    const plaintext = randomBytes(size)
    const input = join(dir, `theirs-${size}.bin`)
    const output = join(dir, `theirs-${size}.age`)
    await writeFile(input, plaintext)
    // Two prompts: the passphrase, then its confirmation.
    await onTerminal(`${AGE} -p -o '${output}' '${input}'`, `${PASSPHRASE}\r${PASSPHRASE}\r`)
    const file = await readFile(output)
    expect(file.subarray(0, 40).toString('latin1')).toMatch(/^age-encryption\.org\/v1\n-> scrypt /)
    const back = await through(createDecryptStream(Buffer.from(PASSPHRASE)), file, 65536)
    expect(back.equals(plaintext)).toBe(true)
  })
})
