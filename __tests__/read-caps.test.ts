import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { gate } from '../__fixtures__/catalogue-helpers.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { readCatalogue } from '../src/catalogue/read-catalogue.js'
import { repositoryVisibility } from '../src/config/public-repository.js'
import { readManifest } from '../src/format/manifest.js'
import { isGitWorkTree } from '../src/util/git-work-tree.js'
import { CAPS, readRegularFile } from '../src/util/read-regular-file.js'

// Each kind of file read by a name, holding valid content padded with whitespace (still valid
// JSON or gitfile text): at its cap it is read as before; one byte past it, it is refused with
// the cap named, so the cap is the boundary and the content is not what refuses it.

/** text, then spaces up to size bytes. */
const padded = (text: string, size: number): string =>
  text + ' '.repeat(size - Buffer.byteLength(text))

describe('every file read by a name is capped, at its kind cap exactly', () => {
  const repo = makeRepo()
  let manifest = ''
  beforeAll(async () => {
    const run = await gate(repo, { mode: 'snapshot' })
    expect(run.report.decision).toBe('GO')
    manifest = fs.readFileSync(path.join(repo, 'backup/snapshots/latest-manifest.json'), 'utf8')
  })

  /** Each kind: where its file goes, and whether the reader accepted it. */
  const KINDS = [
    {
      kind: 'a manifest',
      cap: CAPS.manifest,
      content: () => manifest,
      accepted: (file: string) => {
        try {
          readManifest(file)
          return true
        } catch (error) {
          expect((error as Error).message).toContain('1 MiB cap for a manifest')
          return false
        }
      }
    },
    {
      kind: 'a catalogue entry',
      cap: CAPS.manifest,
      content: () => manifest,
      name: () => {
        const id = /snapshot-(\d{8}T\d{6}Z)/.exec(manifest)![1]
        return `snapshot-${id}.json`
      },
      accepted: (file: string) => {
        const [entry] = readCatalogue(path.dirname(file)).entries
        if (!entry!.problem?.includes('cap')) return true
        expect(entry!.problem).toContain(`${file} is larger than the 1 MiB cap for a manifest`)
        return false
      }
    },
    {
      kind: 'an event payload',
      cap: CAPS.eventPayload,
      content: () => '{"repository":{"private":true}}',
      accepted: (file: string) => repositoryVisibility({ GITHUB_EVENT_PATH: file }) === 'private'
    },
    {
      kind: 'a .git file',
      cap: CAPS.gitfile,
      content: () => 'gitdir: /nowhere/.git/worktrees/x\n',
      name: () => '.git',
      accepted: (file: string) => isGitWorkTree(path.dirname(file))
    }
  ]

  it.each(KINDS.map((k) => [k.kind]))('%s', (kind) => {
    const k = KINDS.find((x) => x.kind === kind)!
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4096 }), (over) => {
        const dir = tempDir('cg-caps-')
        const file = path.join(dir, k.name?.() ?? 'file.json')
        fs.writeFileSync(file, padded(k.content(), k.cap.bytes))
        expect([kind, 'at the cap', k.accepted(file)]).toEqual([kind, 'at the cap', true])
        fs.appendFileSync(file, ' '.repeat(over))
        expect([kind, 'past the cap', k.accepted(file)]).toEqual([kind, 'past the cap', false])
        fs.rmSync(dir, { recursive: true })
      }),
      { numRuns: 3 }
    )
  })

  it('a file that grows past the cap after fstat is refused too (the read stops at cap + 1)', () => {
    // /proc files report size 0 to fstat: the length that counts is the one read
    const cap = { bytes: 100, what: 'a test file' }
    expect(() => readRegularFile('/proc/self/status', cap)).toThrow(
      '/proc/self/status is larger than the 100 bytes cap for a test file (more)'
    )
  })
})
