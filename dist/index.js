import { p as prepareProcess } from './process-start.js';
import 'node:fs';
import 'node:v8';

// an invalid mode is reported by the action itself, after this
prepareProcess((process.env.INPUT_MODE ?? 'precutover').trim() || 'precutover');
const { run } = await import('./main.js');
await run();
