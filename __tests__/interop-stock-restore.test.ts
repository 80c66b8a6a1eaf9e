// SPEC's promise to an operator with no cutover-gate at hand: `age -d snapshot | tar --zstd -xf -`
// restores a snapshot the bundled CLI wrote, byte for byte, links and modes included.
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { cliSync } from '../__fixtures__/run-cli.js'
import { LONG_NAME, makeRepo, tempDir } from '../__fixtures__/trees.js'

const PASSPHRASE = 'stock tools only'

describe('a snapshot restores with stock age and tar', () => {
  it.each(['zstd', 'gzip', 'none'])('compression %s', (compression) => {
    const repo = makeRepo()
    const snap = cliSync(
      ['snapshot', '--repo', repo, '--compression', compression, '--scrypt-work-factor', '10'],
      { GRAPHITI_SNAPSHOT_PASSPHRASE: PASSPHRASE }
    )
    expect(snap.code).toBe(0)
    const dir = path.join(repo, 'backup/snapshots')
    const name = fs.readdirSync(dir).find((n) => n.endsWith('.age'))!
    const out = tempDir('cg-stock-')
    const tarFile = path.join(out, 'snapshot.tar')
    // age reads a passphrase only from a terminal: script(1) gives it one
    const age = spawnSync(
      'script',
      ['-qec', `age -d -o '${tarFile}' '${path.join(dir, name)}'`, '/dev/null'],
      {
        input: `${PASSPHRASE}\r`,
        encoding: 'utf8'
      }
    )
    expect([age.status, age.stderr]).toEqual([0, ''])
    const flag = { zstd: ['--zstd'], gzip: ['-z'], none: [] }[compression]!
    const restored = path.join(out, 'restored')
    fs.mkdirSync(restored)
    execFileSync('tar', [...flag, '-xf', tarFile, '-C', restored])
    for (const rel of [
      'state/graph/nodes.jsonl',
      'state/blob.bin',
      `state/${LONG_NAME}`,
      'state/ünïcødé/日本語.json',
      'reports/private/notes.md'
    ]) {
      expect(fs.readFileSync(path.join(restored, rel))).toEqual(
        fs.readFileSync(path.join(repo, rel))
      )
    }
    expect(fs.readlinkSync(path.join(restored, 'state/current'))).toBe('graph/nodes.jsonl')
    expect(fs.statSync(path.join(restored, 'state/tool.sh')).mode & 0o777).toBe(0o755)
    expect(fs.statSync(path.join(restored, 'state/empty-dir')).isDirectory()).toBe(true)
    expect(fs.existsSync(path.join(restored, '.cutover-gate/index.jsonl'))).toBe(true)
  })
})
