import { g as getState, w as warning, i as info } from './core.js';
import { c as cleanupLeftoverPackages, a as cleanupLeftoverRestoreTests, r as removeDeadLock } from './package-folder.js';
import { s as stopMarked, d as describeEscaped } from './process-start.js';
import 'os';
import 'crypto';
import 'fs';
import 'path';
import 'http';
import 'https';
import 'net';
import 'tls';
import 'events';
import 'assert';
import 'util';
import 'node:assert';
import 'node:net';
import 'node:http';
import 'node:stream';
import 'node:buffer';
import 'node:util';
import 'node:querystring';
import 'node:events';
import 'node:diagnostics_channel';
import 'node:tls';
import 'node:zlib';
import 'node:perf_hooks';
import 'node:util/types';
import 'node:worker_threads';
import 'node:url';
import 'node:async_hooks';
import 'node:console';
import 'node:dns';
import 'string_decoder';
import 'child_process';
import 'timers';
import 'node:fs';
import 'node:path';
import 'node:stream/promises';
import 'node:crypto';
import 'node:fs/promises';
import 'node:os';

/**
 * The action's post step (post-if: always()): post-run hygiene even when the job was cancelled
 * or the main step killed mid-lane \u2014 processes the migration left running are stopped, and
 * migration packages and restore-test folders of dead runs are removed from RUNNER_TEMP, and a
 * snapshot-dir lock whose holder is proven gone is removed.
 */
try {
    const marker = getState('run-marker');
    if (/^[0-9a-f]{32}$/.test(marker)) {
        const escaped = stopMarked(marker);
        if (escaped.length > 0)
            warning(`post-run hygiene: ${describeEscaped(escaped)}`);
    }
    const tempDir = getState('temp-dir');
    if (tempDir !== '') {
        const removed = [...cleanupLeftoverPackages(tempDir), ...cleanupLeftoverRestoreTests(tempDir)];
        for (const dir of removed)
            info(`post-run hygiene: removed ${dir}`);
    }
    const snapshotDir = getState('snapshot-dir');
    if (snapshotDir !== '' && removeDeadLock(snapshotDir)) {
        info(`post-run hygiene: removed the lock a killed run left in ${snapshotDir}`);
    }
}
catch (error) {
    warning(`post-run hygiene failed: ${error.message}`);
}
