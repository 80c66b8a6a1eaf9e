// A real cutover-gate lock taker in a process of its own (run with --experimental-transform-types):
// says it is ready, waits for a start file, tries to take the lock of argv[2], waits until every taker has
// tried (argv[4] of them, counted by files in argv[5]), then says whether it still holds it.
import fs from 'node:fs'
import { registerHooks } from 'node:module'

// the sources import './x.js'; in the source tree that is './x.ts'
registerHooks({
  resolve(spec, context, next) {
    try {
      return next(spec, context)
    } catch (error) {
      if (spec.startsWith('.') && spec.endsWith('.js'))
        return next(`${spec.slice(0, -3)}.ts`, context)
      throw error
    }
  }
})
const { lockSnapshotDir } = await import(
  new URL('../src/snapshot/snapshot-dir-lock.ts', import.meta.url).href
)
const [, , dir, go, count, board] = process.argv
const nap = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
const mark = (what) => fs.writeFileSync(`${board}/${what}-${process.pid}`, '')
const all = (what) =>
  fs.readdirSync(board).filter((name) => name.startsWith(`${what}-`)).length >= Number(count)
mark('ready')
while (!fs.existsSync(go)) nap(1)
let lock
try {
  lock = lockSnapshotDir(dir)
} catch (error) {
  mark('tried')
  process.stdout.write(`refused ${error.message}\n`)
  process.exit(0)
}
mark('tried')
// a holder stays alive until every other taker has tried: its lock is then provably not stale
while (!all('tried')) nap(5)
try {
  lock.assertHeld()
  process.stdout.write('held\n')
} catch (error) {
  process.stdout.write(`lost ${error.message}\n`)
}
nap(200)
