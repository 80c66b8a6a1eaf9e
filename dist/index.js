import { h as handlesSnapshots } from './config.js';
import { r as relaunchWithHugePages, k as keepYoungGenerationSmall } from './process-start.js';
import 'node:fs';
import 'node:v8';

// before the action's code loads (the re-executed process loads it once, not twice); an
// invalid mode is reported by the action itself, after the relaunch
const mode = (process.env.INPUT_MODE ?? 'precutover').trim() || 'precutover';
if (handlesSnapshots(mode)) {
    relaunchWithHugePages();
    keepYoungGenerationSmall();
}
const { run } = await import('./main.js');
await run();
