import { relaunchWithHugePages, touchesSnapshots } from './runtime/huge-pages.js'

// before the action's code loads (the re-executed process loads it once, not twice); an
// invalid mode is reported by the action itself, after the relaunch
if (touchesSnapshots((process.env.INPUT_MODE ?? 'precutover').trim() || 'precutover')) {
  relaunchWithHugePages()
}
const { run } = await import('./main.js')
await run()
