import { a as group, w as warning, i as info, b as getInput, s as setSecret, c as saveState, d as setOutput, e as summary, f as setFailed } from './core.js';
import { n as normalizeSecret, p as parseInputs, r as resolvePassphrase, a as resolveKeys, b as refuseWeakPassphrase, c as runGate, d as renderTerminal } from './render-terminal.js';
import { I as INPUT_NAMES, a as INPUT_DEFAULTS } from './input-error.js';
import { u as STORE_SECRETS, h as setNamePolicy, v as actionNamePolicy, S as SHOW_NAMES_WARNING, x as runMarker, y as loggerForSink, f as forSink, k as MODES } from './process-start.js';
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
import './messages.js';
import 'node:crypto';
import './restore-into-target.js';
import 'node:fs';
import 'node:path';
import './step-result.js';
import 'node:fs/promises';
import 'node:stream/promises';
import 'node:os';
import './store-error.js';
import './store-client.js';
import 'node:timers/promises';
import './leftover-uploads.js';

/**
 * The lane's logger for the action, and what it already annotated: the report's warnings (step
 * warnings too, which otherwise reach only the summary) become ::warning:: annotations after the
 * lane, each once, whether the lane warned it as it ran or only recorded it in a step.
 */
function annotatingLogger(base) {
    const annotated = [];
    return {
        logger: {
            ...base,
            warning(message) {
                annotated.push(message);
                base.warning(message);
            }
        },
        annotateRest(warnings) {
            for (const warning of warnings) {
                // a step's warning is recorded as "<step>: <warning>"
                if (annotated.some((a) => warning === a || warning.endsWith(`: ${a}`)))
                    continue;
                annotated.push(warning);
                base.warning(warning);
            }
        }
    };
}

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
const SECRET_INPUTS = new Set(['passphrase', 'identity', 'github-token']);
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
    // the exposure audit's token: read where it is used (src/exposure/github-request.ts), masked here
    maskSecret(getInput('github-token'));
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
        // the store's credentials are masked in every mode, also where no hand-off took them
        for (const name of STORE_SECRETS)
            if (env[name])
                setSecret(env[name]);
        const read = readActionInputs(env);
        const given = read.passphrase || (secrets.INPUT_PASSPHRASE ?? '');
        const givenIdentity = read.identity || (secrets.INPUT_IDENTITY ?? '');
        const config = parseInputs(read.raw, { cwd: process.cwd(), tempDir: process.env.RUNNER_TEMP });
        // everything this door prints, sets or writes renders names under the includes by this
        setNamePolicy(actionNamePolicy(config.showPrivateNames === true), config.includes);
        if (config.showPrivateNames === true)
            warning(SHOW_NAMES_WARNING);
        const passphrase = resolvePassphrase(given, env, config.passphraseEnv);
        const identity = resolvePassphrase(givenIdentity, env, config.identityEnv);
        // the values in use are the normalized ones: mask them as such too
        maskSecret(passphrase);
        maskSecret(identity);
        const keys = resolveKeys(config, { passphrase, identity }, 'action');
        await refuseWeakPassphrase(config, passphrase, 'action');
        saveState('temp-dir', config.tempDir);
        saveState('snapshot-dir', config.snapshotDir);
        // every other place a killed run can leave temp or staging files, for the post step's sweep
        saveState('manifest-path', config.manifestPath);
        saveState('report-path', config.reportPath);
        if (config.mode === 'restore')
            saveState('restore-target', config.restoreTarget);
        // the post step stops what a migration left running if this process is killed
        saveState('run-marker', runMarker());
        // every line the lane logs, and every warning annotated, is shown by the log's name policy
        const annotations = annotatingLogger(loggerForSink(coreLogger, 'log'));
        const { report, markdown, outputs } = await runGate(config, keys, annotations.logger, env);
        annotations.annotateRest(report.warnings);
        for (const [name, value] of Object.entries(outputs))
            setOutput(name, forSink('log', value));
        try {
            await summary.addRaw(markdown, true).write();
        }
        catch (error) {
            warning(forSink('log', `job summary not written: ${error.message}`));
        }
        if (report.decision === 'GO' && !MODES[config.mode].writesReport) {
            // list writes no report file: the log and the summary show the catalogue
            info(renderTerminal(report, { color: false, sink: 'log' }));
            return;
        }
        if (report.decision === 'GO') {
            info(`GO: ${config.mode} passed; report at ${config.reportPath}`);
            return;
        }
        const where = report.failedStep ? ` at ${report.failedStep}` : '';
        const message = forSink('log', `NO-GO${where}: ${report.reason ?? 'see the readiness report'}`);
        if (config.failOnNoGo)
            setFailed(message);
        else
            warning(`${message} (fail-on-no-go is false)`);
    }
    catch (error) {
        setFailed(forSink('log', error instanceof Error ? error.message : String(error)));
    }
}

export { run };
