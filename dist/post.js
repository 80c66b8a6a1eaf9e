import { g as getState, w as warning, i as info } from './core.js';
import { s as stopMarked, d as describeEscaped, f as forSink } from './process-start.js';
import { s as sweepLeftovers } from './sweep-leftovers.js';
import { e as errorText } from './restore-into-target.js';
import 'os';
import 'crypto';
import 'fs';
import 'path';
import 'http';
import 'https';
import './index3.js';
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
import 'node:os';
import 'node:path';
import 'node:timers/promises';
import 'node:crypto';
import './step-result.js';
import 'node:fs/promises';
import 'node:stream/promises';
import './messages.js';

/**
 * The action's post step (post-if: always()): post-run hygiene even when the job was cancelled
 * or the main step killed mid-lane \u2014 processes the migration left running are stopped, then every
 * file the tool makes that a dead run left (package and restore-test folders, restore staging and
 * its journal, partial snapshots, manifest and report temps, claims, the lock) is removed from the
 * places the main step saved before it began, after a store upload a killed run left open is
 * aborted. A live run's files and uploads are never touched.
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
        // multipart uploads of a killed run (its marker names a dead process): no object appears
        // from them, and their parts stop costing; a live run's upload is never touched
        const { abortDeadUploads } = await import('./leftover-uploads.js').then(function (n) { return n.l; });
        const { openStore } = await import('./store-client.js');
        const { aborted, left } = await abortDeadUploads(tempDir, (settings) => openStore(settings, { env: process.env }));
        for (const upload of aborted)
            info(`post-run hygiene: aborted ${upload}`);
        for (const upload of left)
            warning(`post-run hygiene: could not abort ${upload}; a bucket lifecycle rule AbortIncompleteMultipartUpload removes it`);
    }
    const removed = sweepLeftovers({
        tempDir: getState('temp-dir'),
        snapshotDir: getState('snapshot-dir'),
        manifestPath: getState('manifest-path'),
        reportPath: getState('report-path'),
        restoreTarget: getState('restore-target')
    });
    for (const thing of removed)
        info(`post-run hygiene: removed ${thing}`);
}
catch (error) {
    // the folders it removes hold restored files: a path in the error is hidden (the default policy)
    warning(forSink('log', `post-run hygiene failed: ${errorText(error)}`));
}
