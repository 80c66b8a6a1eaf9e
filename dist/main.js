import { a as group, w as warning, i as info, b as getInput, s as setSecret, c as saveState, d as setOutput, e as summary, f as setFailed } from './core.js';
import { n as normalizeSecret, a as INPUT_NAMES, h as INPUT_DEFAULTS, p as parseInputs, r as resolvePassphrase, b as resolveKeys, c as refuseWeakPassphrase, d as runGate, e as renderTerminal } from './render-terminal.js';
import { r as runMarker } from './process-start.js';
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
import './package-folder.js';
import 'node:fs';
import 'node:path';
import 'node:stream/promises';
import 'node:crypto';
import 'node:fs/promises';
import 'node:os';

/** The lane's logger on a runner: plain lines, warning annotations and collapsible groups. */
const coreLogger = {
    info: (message) => info(message),
    warning: (message) => warning(message),
    group: (name, fn) => group(name, fn)
};

/** The variable @actions/core reads an input from. */
function inputVariable(name) {
    return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}
const SECRET_INPUTS = new Set(['passphrase', 'identity']);
/**
 * Masks a secret as a whole and, for an identities text, each key line too: the runner masks
 * values, and a log line may hold one line of a multi-line secret.
 */
function maskSecret(value) {
    if (value === '')
        return;
    setSecret(value);
    for (const line of value.split('\n')) {
        const key = normalizeSecret(line);
        if (key !== '' && key !== value && !key.startsWith('#'))
            setSecret(key);
    }
}
/**
 * Every input through @actions/core, the secrets masked before anything else is read, and the
 * fallback variables masked as soon as their names are known, all under the one rule for secrets.
 * An input whose variable is unset is absent; the runner sets every declared one (with
 * action.yml's default), so '' means given empty.
 */
function readActionInputs(env) {
    const passphrase = normalizeSecret(getInput('passphrase'));
    maskSecret(passphrase);
    const identity = normalizeSecret(getInput('identity'));
    maskSecret(identity);
    const raw = {};
    for (const name of INPUT_NAMES) {
        if (!SECRET_INPUTS.has(name) && env[inputVariable(name)] !== undefined) {
            raw[name] = getInput(name);
        }
    }
    // the values the lane will use are the normalized ones: those must never show
    maskSecret(normalizeSecret(env[raw['passphrase-env'] || INPUT_DEFAULTS['passphrase-env']]));
    maskSecret(normalizeSecret(env[raw['identity-env'] || INPUT_DEFAULTS['identity-env']]));
    return { raw, passphrase, identity };
}

/** The action: inputs \u2192 one validated config \u2192 the lane \u2192 outputs, job summary, pass or fail. */
async function run(secrets = {}) {
    try {
        // the secrets handed off past the re-start (never back into process.env, which children get)
        for (const value of Object.values(secrets))
            setSecret(value);
        const env = { ...process.env, ...secrets };
        const read = readActionInputs(env);
        const given = read.passphrase || (secrets.INPUT_PASSPHRASE ?? '');
        const givenIdentity = read.identity || (secrets.INPUT_IDENTITY ?? '');
        const config = parseInputs(read.raw, { cwd: process.cwd(), tempDir: process.env.RUNNER_TEMP });
        const passphrase = resolvePassphrase(given, env, config.passphraseEnv);
        const identity = resolvePassphrase(givenIdentity, env, config.identityEnv);
        // the values in use are the normalized ones: mask them as such too
        maskSecret(passphrase);
        maskSecret(identity);
        const keys = resolveKeys(config, { passphrase, identity }, 'action');
        await refuseWeakPassphrase(config, passphrase, 'action');
        saveState('temp-dir', config.tempDir);
        saveState('snapshot-dir', config.snapshotDir);
        // the post step stops what a migration left running if this process is killed
        saveState('run-marker', runMarker());
        const { report, markdown, outputs } = await runGate(config, keys, coreLogger, env);
        for (const [name, value] of Object.entries(outputs))
            setOutput(name, value);
        try {
            await summary.addRaw(markdown, true).write();
        }
        catch (error) {
            warning(`job summary not written: ${error.message}`);
        }
        if (report.decision === 'GO' && config.mode === 'list') {
            // list writes no report file: the log and the summary show the catalogue
            info(renderTerminal(report, { color: false }));
            return;
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
