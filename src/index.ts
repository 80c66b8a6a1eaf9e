import { handlesSnapshots } from './config/config.js'
import { relaunchWithHugePages } from './runtime/huge-pages.js'
import { keepYoungGenerationSmall } from './runtime/young-generation.js'

// before the action's code loads (the re-executed process loads it once, not twice); an
// invalid mode is reported by the action itself, after the relaunch
const mode = (process.env.INPUT_MODE ?? 'precutover').trim() || 'precutover'
if (handlesSnapshots(mode)) {
  relaunchWithHugePages()
  keepYoungGenerationSmall()
}
const { run } = await import('./main.js')
await run()
