import { a as group, w as warning, i as info, b as getInput, s as setSecret, c as saveState, d as setOutput, e as summary, f as setFailed } from './core.js';
import { c as INPUT_NAMES, p as parseInputs, f as resolvePassphrase, i as requirePassphrase, j as runGate } from './gate.js';
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
import './process-start.js';
import 'node:fs';
import 'node:v8';
import 'node:os';
import 'node:path';
import './package-cleanup.js';
import 'node:stream/promises';
import 'node:crypto';
import 'node:fs/promises';
import 'node:string_decoder';

/** The lane's logger on a runner: plain lines, warning annotations and collapsible groups. */
const coreLogger = {
    info: (message) => info(message),
    warning: (message) => warning(message),
    group: (name, fn) => group(name, fn)
};

/**
 * Every input through @actions/core, the passphrase masked before anything else is read, and the
 * fallback variable masked as soon as its name is known.
 */
function readActionInputs(env) {
    const passphrase = getInput('passphrase');
    if (passphrase !== '')
        setSecret(passphrase);
    const raw = {};
    for (const name of INPUT_NAMES) {
        if (name !== 'passphrase')
            raw[name] = getInput(name);
    }
    const envName = raw['passphrase-env'] || 'GRAPHITI_SNAPSHOT_PASSPHRASE';
    const fromEnv = env[envName];
    if (fromEnv)
        setSecret(fromEnv);
    return { raw, passphrase };
}

/** The action: inputs \u2192 one validated config \u2192 the lane \u2192 outputs, job summary, pass or fail. */
async function run() {
    try {
        const { raw, passphrase: given } = readActionInputs(process.env);
        const config = parseInputs(raw, { cwd: process.cwd(), tempDir: process.env.RUNNER_TEMP });
        const passphrase = resolvePassphrase(given, process.env, config.passphraseEnv);
        requirePassphrase(config.mode, passphrase, config.passphraseEnv);
        saveState('temp-dir', config.tempDir);
        const { report, markdown, outputs } = await runGate(config, passphrase, coreLogger, process.env);
        for (const [name, value] of Object.entries(outputs))
            setOutput(name, value);
        try {
            await summary.addRaw(markdown, true).write();
        }
        catch (error) {
            warning(`job summary not written: ${error.message}`);
        }
        if (report.decision === 'GO') {
            info(`GO: ${config.mode} passed; report at ${config.reportPath}`);
            return;
        }
        const where = report.failedStep ? ` at ${report.failedStep}` : '';
        const message = `NO-GO${where}: ${report.reason ?? 'see the readiness report'}`;
        if (config.failOnNoGo)
            setFailed(message);
        else
            warning(`${message} (fail-on-no-go is false)`);
    }
    catch (error) {
        setFailed(error instanceof Error ? error.message : String(error));
    }
}

export { run };
