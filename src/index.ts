import { prepareProcess } from './runtime/prepare-process.js'

// an invalid mode is reported by the action itself, after this
prepareProcess((process.env.INPUT_MODE ?? 'precutover').trim() || 'precutover')
const { run } = await import('./main.js')
await run()
