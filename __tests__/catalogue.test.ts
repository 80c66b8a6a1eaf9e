import fs from 'node:fs'
import path from 'node:path'
import { gate, names } from '../__fixtures__/catalogue-helpers.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { readCatalogue } from '../src/catalogue/read-catalogue.js'
import { renderJson } from '../src/report/render-json.js'
import { renderTerminal } from '../src/report/render-terminal.js'

const SNAPSHOTS = 'backup/snapshots'

function markerRepo(): string {
  const repo = makeRepo()
  fs.writeFileSync(path.join(repo, 'state/marker.txt'), 'v0\n')
  return repo
}

async function snapshotWith(repo: string, marker: string, keepLast = '0') {
  fs.writeFileSync(path.join(repo, 'state/marker.txt'), marker)
  const result = await gate(repo, { mode: 'snapshot', 'keep-last': keepLast })
  expect(result.report.decision).toBe('GO')
  return result
}

describe('the snapshot catalogue', () => {
  it('three snapshots with keep-last 2 leave two, each with its manifest; list, restore-test and restore by id', async () => {
    const repo = markerRepo()
    const dir = path.join(repo, SNAPSHOTS)
    const first = await snapshotWith(repo, 'first\n', '2')
    const second = await snapshotWith(repo, 'second\n', '2')
    expect(second.report.pruned).toEqual([])
    const third = await snapshotWith(repo, 'third\n', '2')
    const ids = [first, second, third].map((r) => r.outputs['snapshot-id'])
    ids.forEach((id) => expect(id).toMatch(/^\d{8}T\d{6}Z$/))

    // the oldest went, file and manifest, and the report says so with the space freed
    expect(third.report.pruned!.map((p) => p.id)).toEqual([ids[0]])
    expect(third.report.pruned![0]!.freedBytes).toBeGreaterThan(first.report.evidence!.size)
    expect(names(dir).filter((n) => n.startsWith('snapshot-'))).toEqual(
      [ids[1], ids[2]].flatMap((id) => [`snapshot-${id}.json`, `snapshot-${id}.tar.zst.age`])
    )
    expect(JSON.parse(third.outputs.snapshots).map((e: { id: string }) => e.id)).toEqual([
      ids[2],
      ids[1]
    ])

    // list: both, newest first, the newest marked latest, no passphrase needed
    const list = await gate(repo, { mode: 'list' }, '')
    expect(list.report.decision).toBe('GO')
    const listed = JSON.parse(list.outputs.snapshots)
    expect(listed.map((e: { id: string }) => e.id)).toEqual([ids[2], ids[1]])
    expect(listed.map((e: { latest: boolean }) => e.latest)).toEqual([true, false])
    expect(listed[1]).toMatchObject({
      files: second.report.evidence!.files,
      bytes: second.report.evidence!.bytes,
      size: second.report.evidence!.size,
      orphan: false,
      problem: null
    })
    expect(list.markdown).toContain('## Snapshot catalogue')
    expect(list.markdown).toContain(ids[1])
    expect(renderTerminal(list.report, { color: false })).toContain(ids[1])
    // list does not replace the readiness report of the last real run
    expect(
      JSON.parse(
        fs.readFileSync(path.join(repo, 'reports/publicization/backup-readiness.json'), 'utf8')
      ).mode
    ).toBe('snapshot')

    // restore-test and restore of the older one, by id, give the older content
    const tested = await gate(repo, { mode: 'restore-test', snapshot: ids[1] })
    expect(tested.report.decision).toBe('GO')
    expect(tested.outputs['snapshot-id']).toBe(ids[1])
    expect(tested.outputs['snapshot-sha256']).toBe(second.outputs['snapshot-sha256'])
    expect(tested.markdown).toContain(`\`${ids[1]}\``)
    const target = path.join(tempDir(), 'restored')
    const restored = await gate(repo, {
      mode: 'restore',
      snapshot: ids[1],
      'restore-target': target
    })
    expect(restored.report.decision).toBe('GO')
    expect(restored.outputs['snapshot-id']).toBe(ids[1])
    expect(fs.readFileSync(path.join(target, 'state/marker.txt'), 'utf8')).toBe('second\n')
    // and latest is still the newest
    const latest = await gate(repo, { mode: 'restore-test' })
    expect(latest.outputs['snapshot-id']).toBe(ids[2])
  }, 60_000)

  it('an id that is not listed (pruned, orphaned, never made) is NO-GO naming it and the available ids', async () => {
    const repo = markerRepo()
    const dir = path.join(repo, SNAPSHOTS)
    const made = await snapshotWith(repo, 'only\n')
    const id = made.outputs['snapshot-id']
    const orphanId = '20250101T000000Z'
    fs.copyFileSync(
      made.report.evidence!.snapshotPath,
      path.join(dir, `snapshot-${orphanId}.tar.zst.age`)
    )
    for (const [mode, extra] of [
      ['restore-test', {}],
      ['restore', { 'restore-target': path.join(tempDir(), 't') }]
    ] as const) {
      for (const wanted of ['20991231T235959Z', orphanId]) {
        const result = await gate(repo, { mode, snapshot: wanted, ...extra })
        expect(result.report.decision).toBe('NO-GO')
        expect(result.report.failedStep).toBe(mode)
        expect(result.report.reason).toContain(wanted)
        expect(result.report.reason).toContain(`available ids: ${id}`)
        expect(result.outputs['snapshot-id']).toBe('')
      }
    }
    const list = await gate(repo, { mode: 'list' }, '')
    const orphan = JSON.parse(list.outputs.snapshots).find((e: { id: string }) => e.id === orphanId)
    expect(orphan).toMatchObject({ orphan: true, manifest: '' })
    expect(renderJson(list.report)).toContain('"orphan": true')
  }, 60_000)

  it('keep-last never prunes on NO-GO, and never the snapshot just verified', async () => {
    const repo = markerRepo()
    const dir = path.join(repo, SNAPSHOTS)
    const a = await snapshotWith(repo, 'a\n')
    await snapshotWith(repo, 'b\n')
    await snapshotWith(repo, 'c\n')
    const before = names(dir)
    for (const keep of ['1', '2']) {
      const wrong = await gate(repo, { mode: 'restore-test', 'keep-last': keep }, 'not it')
      expect(wrong.report.decision).toBe('NO-GO')
      expect(wrong.report.pruned).toBeUndefined()
      expect(names(dir)).toEqual(before)
    }
    // a GO whose report cannot be recorded is a NO-GO: nothing pruned either (the report's folder
    // turns into a file after the inputs were judged)
    const unrecorded = await gate(
      repo,
      { mode: 'restore-test', 'keep-last': '1', 'report-path': 'late/readiness.md' },
      undefined,
      () => fs.writeFileSync(path.join(repo, 'late'), 'not a folder\n')
    )
    expect(unrecorded.report.decision).toBe('NO-GO')
    expect(unrecorded.report.reason).toMatch(/readiness report could not be written/)
    expect(names(dir)).toEqual(before)
    // verifying the oldest with keep-last 1 keeps it (just verified) and the newest (latest)
    const oldest = await gate(repo, {
      mode: 'restore-test',
      snapshot: a.outputs['snapshot-id'],
      'keep-last': '1'
    })
    expect(oldest.report.decision).toBe('GO')
    expect(oldest.report.pruned).toHaveLength(1)
    const left = readCatalogue(dir).entries.map((e) => e.id)
    expect(left).toHaveLength(2)
    expect(left).toContain(a.outputs['snapshot-id'])
  }, 60_000)

  it('each snapshot has its own manifest, the same as latest-manifest.json when it is the newest', async () => {
    const repo = markerRepo()
    const dir = path.join(repo, SNAPSHOTS)
    for (const compression of ['zstd', 'gzip', 'none']) {
      const result = await gate(repo, { mode: 'snapshot', compression })
      const id = result.outputs['snapshot-id']
      const own = JSON.parse(fs.readFileSync(path.join(dir, `snapshot-${id}.json`), 'utf8'))
      const latest = JSON.parse(fs.readFileSync(path.join(dir, 'latest-manifest.json'), 'utf8'))
      expect(own).toEqual(latest)
      expect(own.snapshot.path).toBe(path.basename(result.report.evidence!.snapshotPath))
    }
    // one id per second whatever the compression: three ids, three manifests
    expect(new Set(readCatalogue(dir).entries.map((e) => e.id)).size).toBe(3)
  }, 60_000)

  it('list of an absent snapshot-dir is GO and empty; of one that cannot be read, NO-GO naming it', async () => {
    const repo = markerRepo()
    const empty = await gate(repo, { mode: 'list' }, '')
    expect(empty.report.decision).toBe('GO')
    expect(JSON.parse(empty.outputs.snapshots)).toEqual([])
    expect(empty.markdown).toContain('holds no snapshot')
    fs.mkdirSync(path.join(repo, 'backup'), { recursive: true })
    fs.writeFileSync(path.join(repo, SNAPSHOTS), 'a file, not a folder')
    const broken = await gate(repo, { mode: 'list' }, '')
    expect(broken.report.decision).toBe('NO-GO')
    expect(broken.report.reason).toMatch(
      /^snapshot-dir .*backup\/snapshots cannot be read \(ENOTDIR\)/
    )
    expect(broken.outputs.snapshots).toBe('')
    expect(broken.markdown).toMatch(/^# ⛔ NO-GO — cutover-gate snapshot catalogue/)
  })

  it.each([
    [
      'snapshot',
      { snapshot: '20261203T055001Z' },
      /snapshot: 20261203T055001Z is ignored in mode snapshot/
    ],
    [
      'list',
      { snapshot: '20261203T055001Z' },
      /snapshot: 20261203T055001Z is ignored in mode list/
    ],
    ['list', { 'keep-last': '3' }, /keep-last: 3 is ignored in mode list/],
    ['restore', { 'keep-last': '1' }, /keep-last: 1 is ignored in mode restore/]
  ] as const)(
    'mode %s says which catalogue input it ignores (%j)',
    async (mode, inputs, warning) => {
      const repo = markerRepo()
      await snapshotWith(repo, 'x\n')
      const extra = mode === 'restore' ? { 'restore-target': path.join(tempDir(), 'r') } : {}
      const result = await gate(
        repo,
        { mode, ...inputs, ...extra },
        mode === 'list' ? '' : undefined
      )
      expect(result.report.warnings.some((w) => warning.test(w))).toBe(true)
      expect(result.report.pruned).toBeUndefined()
      const count = mode === 'snapshot' ? 2 : 1
      expect(readCatalogue(path.join(repo, SNAPSHOTS)).entries).toHaveLength(count)
    },
    30_000
  )
})
