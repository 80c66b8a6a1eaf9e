import { p as prepareProcess, i as installExitCleanup } from './process-start.js';
import 'node:fs';
import 'node:os';
import 'node:path';
import 'node:crypto';

let secrets;
try {
    // an invalid mode is reported by the action itself, after this
    secrets = prepareProcess((process.env.INPUT_MODE ?? 'precutover').trim() || 'precutover', []);
}
catch (error) {
    process.stdout.write(`::error::${error.message}\n`);
    process.exitCode = 1;
}
if (secrets) {
    installExitCleanup();
    const { run } = await import('./main.js');
    await run(secrets);
}
