import fs from 'node:fs'
import path from 'node:path'
import { cloneSnapshot, gate, idAt } from '../__fixtures__/catalogue-helpers.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { readCatalogue } from '../src/catalogue/read-catalogue.js'

const SNAPSHOTS = 'backup/snapshots'

/** Ways a manifest name can hold something other than a file of its own. */
const swaps: [string, (manifest: string, outside: string) => void][] = [
  ['a link to a manifest outside', (m, o) => (fs.renameSync(m, o), fs.symlinkSync(o, m))],
  [
    'a relative link',
    (m, o) => (fs.renameSync(m, o), fs.symlinkSync(path.relative(path.dirname(m), o), m))
  ],
  [
    'a link to a link',
    (m, o) => {
      fs.renameSync(m, o)
      fs.symlinkSync(o, `${o}.hop`)
      fs.symlinkSync(`${o}.hop`, m)
    }
  ],
  ['a folder', (m) => (fs.rmSync(m), fs.mkdirSync(m))]
]

describe('a per-snapshot manifest that is not a regular file', () => {
  it.each(swaps)('is damaged in list and refused by id: %s', async (_, swap) => {
    const repo = makeRepo()
    const made = await gate(repo, { mode: 'snapshot' })
    expect(made.report.decision).toBe('GO')
    const dir = path.join(repo, SNAPSHOTS)
    const id = made.outputs['snapshot-id']!
    // a clone under another id: its manifest is swapped, the snapshot file stays a real file
    const other = idAt(-3600)
    cloneSnapshot(dir, id, other)
    swap(path.join(dir, `snapshot-${other}.json`), path.join(tempDir(), 'elsewhere.json'))

    const entry = readCatalogue(dir).entries.find((e) => e.id === other)!
    expect(entry.problem).toBe('manifest is not a regular file')
    const tested = await gate(repo, { mode: 'restore-test', snapshot: other })
    expect(tested.report.decision).toBe('NO-GO')
    expect(tested.report.steps.at(-1)?.detail).toMatch(/manifest is not a regular file/)
    // the real one still lists and tests as before
    expect(readCatalogue(dir).entries.find((e) => e.id === id)?.problem).toBeNull()
    expect((await gate(repo, { mode: 'restore-test', snapshot: id })).report.decision).toBe('GO')
  })
})
