import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { deepNesting, entry, hostileCases, TarBuilder } from '../__fixtures__/tar-hostile.js'
import { extractSnapshotTar } from '../src/restore/extract.js'
import { removeTree } from '../src/util/remove-tree.js'

async function* pieces(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
}

// one base for the whole file: the cases aim links at its sentinel folder, beside each dest
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-hostile-'))
const sentinel = path.join(base, 'sentinel')
fs.mkdirSync(sentinel)
const cases = hostileCases(sentinel)

afterAll(() => removeTree(base))

/** Nothing may appear beside the dest folders, inside the sentinel, or in /etc. */
function expectNothingOutside(): void {
  expect(fs.readdirSync(sentinel)).toEqual([])
  for (const name of fs.readdirSync(base)) expect(name).toMatch(/^(sentinel|dest-.*)$/)
  expect(fs.existsSync('/etc/cutover-gate-pwned')).toBe(false)
  expect(fs.existsSync(path.join(base, 'x'))).toBe(false)
  expect(fs.existsSync(path.join(base, 'evil'))).toBe(false)
}

async function rejection(bytes: Buffer, chunk: number): Promise<string> {
  const dest = fs.mkdtempSync(path.join(base, 'dest-'))
  try {
    await extractSnapshotTar(pieces(bytes, chunk), dest)
  } catch (error) {
    return (error as Error).message
  } finally {
    removeTree(dest)
  }
  throw new Error('extraction succeeded')
}

describe('extractSnapshotTar refuses hostile archives', () => {
  it('covers every trick in the fixture', () => {
    expect(cases.length).toBeGreaterThanOrEqual(45)
  })

  it.each(cases)('$name', async ({ bytes, rejects }) => {
    // whole, and in 3-byte pieces so every header and record straddles chunk boundaries
    for (const chunk of [bytes.length || 1, 3]) {
      const message = await rejection(bytes, chunk)
      expect(message).toMatch(rejects)
      expect(message).not.toMatch(/[\n\r]/)
      expectNothingOutside()
    }
  })

  it('reads a name only up to its NUL, as GNU tar does, even when a newline follows', async () => {
    const bytes = new TarBuilder()
      .dir('state')
      .raw(entry({ path: 'state/a\0\n../../x', type: '0' }, Buffer.from('x')))
      .build()
    const dest = fs.mkdtempSync(path.join(base, 'dest-'))
    const result = await extractSnapshotTar(pieces(bytes, 1000), dest)
    expect(fs.readdirSync(path.join(dest, 'state'))).toEqual(['a'])
    expect(result.observedIndex.bytes().toString()).toContain('"path":"state/a"')
    removeTree(dest)
    expectNothingOutside()
  })

  it('survives 2000 nested folders and fails cleanly where paths get too long', async () => {
    for (const levels of [2000, 2600]) {
      const dest = fs.mkdtempSync(path.join(base, 'dest-'))
      const outcome = await extractSnapshotTar(pieces(deepNesting(levels), 65536), dest).then(
        (result) => `ok ${result.entries}`,
        (error: Error) => error.message
      )
      if (outcome.startsWith('ok')) expect(outcome).toBe(`ok ${levels}`)
      else expect(outcome).toMatch(/^cannot create folder entry "d\/d\/d.*….*": ENAMETOOLONG$/)
      if (levels === 2600) expect(outcome).toMatch(/ENAMETOOLONG/)
      removeTree(dest)
      expectNothingOutside()
    }
  })

  it('refuses a dest that is not an empty folder', async () => {
    const dest = fs.mkdtempSync(path.join(base, 'dest-'))
    fs.writeFileSync(path.join(dest, 'already'), '')
    const bytes = new TarBuilder().dir('state').build()
    await expect(extractSnapshotTar(pieces(bytes, 512), dest)).rejects.toThrow(/is not empty/)
    removeTree(dest)
  })
})
