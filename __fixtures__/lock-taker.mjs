// A real cutover-gate lock taker in a process of its own (run with --experimental-transform-types):
// waits for a start file, tries to take the lock of argv[3], waits, then says whether it still holds it.
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
const [, , dir, go] = process.argv
const nap = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
while (!fs.existsSync(go)) nap(1)
let lock
try {
  lock = lockSnapshotDir(dir)
} catch (error) {
  process.stdout.write(`refused ${error.message}\n`)
  process.exit(0)
}
nap(400) // every other taker has had its go meanwhile
try {
  lock.assertHeld()
  process.stdout.write('held\n')
} catch (error) {
  process.stdout.write(`lost ${error.message}\n`)
}
nap(200)
