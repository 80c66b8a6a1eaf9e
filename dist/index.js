import { p as platformError } from './platform.js';
import { p as prepareProcess, a as actionSecretPlan, i as installExitCleanup } from './process-start.js';
import 'node:fs';
import 'node:os';
import 'node:path';
import 'node:timers/promises';
import 'node:crypto';

let secrets;
// another OS is an input error before anything runs (SPEC): no restart, no state, no summary
const unsupported = platformError(process.platform);
if (unsupported) {
    process.stdout.write(`::error::${unsupported}\n`);
    process.exitCode = 1;
}
else {
    try {
        // an invalid mode is reported by the action itself, after this
        secrets = prepareProcess(actionSecretPlan(process.env));
    }
    catch (error) {
        process.stdout.write(`::error::${error.message}\n`);
        process.exitCode = 1;
    }
}
if (secrets) {
    installExitCleanup();
    const { run } = await import('./main.js');
    await run(secrets);
}
