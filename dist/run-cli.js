import os from 'node:os';
import { h as setNamePolicy, j as cliNamePolicy, S as SHOW_NAMES_WARNING, k as MODES, f as forSink, m as needsKey, q as readNamedInput, C as CAPS, t as resetNamePolicy } from './process-start.js';
import { A as AgeError } from './messages.js';
import { p as parseRecipient, f as parseRecipients } from './restore-into-target.js';
import { n as normalizeSecret, T as TOOL, p as parseInputs, r as resolvePassphrase, a as resolveKeys, b as refuseWeakPassphrase, c as runGate, d as renderTerminal, e as passphraseFromFileContent } from './render-terminal.js';
import { b as InputError } from './input-error.js';
import { p as parseArgs, U as USAGE } from './parse-args.js';
import { StringDecoder } from 'node:string_decoder';
import { s as sweepLeftovers } from './sweep-leftovers.js';
import 'node:fs';
import 'node:path';
import 'node:timers/promises';
import 'node:crypto';
import './step-result.js';
import 'node:fs/promises';
import 'node:stream';
import 'node:stream/promises';
import 'node:url';
import 'node:worker_threads';
import 'node:buffer';
import './store-error.js';
import './store-client.js';
import 'node:zlib';
import './leftover-uploads.js';
import 'node:util';

/** The person ended the prompt: Ctrl-C (exit 130, as a shell reports SIGINT) or Ctrl-D (exit 2). */
class PromptEnded extends Error {
    exitCode;
    constructor(message, exitCode) {
        super(message);
        this.exitCode = exitCode;
        this.name = 'PromptEnded';
    }
}
const CTRL_C = 0x03;
const CTRL_D = 0x04;
const CTRL_U = 0x15;
const ESC = 0x1b;
/**
 * Reads one line from the terminal without echo, byte by byte in raw mode: so Ctrl-C and Ctrl-D
 * arrive as bytes we answer, not as a signal or a silent end of input that would leave the
 * caller's promise unsettled.
 */
function readHidden(prompt) {
    const input = process.stdin;
    const output = process.stderr;
    return new Promise((resolve, reject) => {
        const wasRaw = input.isTTY ? input.isRaw : false;
        // echo goes off before the prompt shows, so nothing typed after it can appear
        if (input.isTTY)
            input.setRawMode(true);
        output.write(prompt);
        const decoder = new StringDecoder('utf8');
        let answer = '';
        let inEscape = false;
        const finish = (error) => {
            input.off('data', onData);
            input.off('end', onEnd);
            process.off('SIGINT', onSigint);
            if (input.isTTY)
                input.setRawMode(wasRaw);
            input.pause();
            output.write('\n');
            if (error)
                reject(error);
            else
                resolve(answer);
        };
        const cancelled = () => new PromptEnded('passphrase prompt cancelled (Ctrl-C)', 130);
        const ended = () => new PromptEnded('passphrase prompt ended (Ctrl-D) before a passphrase was typed; type one and press Enter, or use --passphrase-file FILE', 2);
        const onData = (chunk) => {
            for (const byte of chunk) {
                // arrow and function keys (ESC [ ... final byte) are not part of a passphrase
                if (inEscape) {
                    if (byte >= 0x40 && byte <= 0x7e && byte !== 0x5b)
                        inEscape = false;
                    continue;
                }
                if (byte === CTRL_C)
                    return finish(cancelled());
                if (byte === CTRL_D)
                    return finish(ended());
                if (byte === 0x0d || byte === 0x0a) {
                    answer += decoder.end();
                    return finish();
                }
                if (byte === 0x7f || byte === 0x08) {
                    answer = [...answer].slice(0, -1).join('');
                    continue;
                }
                if (byte === CTRL_U) {
                    answer = '';
                    continue;
                }
                if (byte === ESC) {
                    inEscape = true;
                    continue;
                }
                if (byte < 0x20 && byte !== 0x09)
                    continue;
                answer += decoder.write(Buffer.of(byte));
            }
        };
        const onEnd = () => finish(ended());
        const onSigint = () => finish(cancelled());
        input.on('data', onData);
        input.on('end', onEnd);
        process.on('SIGINT', onSigint);
        input.resume();
    });
}
const TRIES = 3;
/**
 * Asks for the passphrase. For a new snapshot it asks twice and compares, at most three times: a
 * typo there would lock the snapshot for good. The answer is under the one rule for secrets.
 */
async function promptPassphrase(confirm, envName, write) {
    for (let attempt = 1; attempt <= TRIES; attempt++) {
        const first = normalizeSecret(await readHidden('Snapshot passphrase (not echoed): '));
        if (first === '') {
            write('the passphrase is empty; type one, or press Ctrl-C to stop');
            continue;
        }
        if (!confirm)
            return first;
        const second = normalizeSecret(await readHidden('Same passphrase again, to confirm: '));
        if (first === second)
            return first;
        write('the two passphrases do not match; type it again');
    }
    throw new PromptEnded(`no passphrase after ${TRIES} tries; use --passphrase-file FILE or the ${envName} variable instead`, 2);
}

/** The lane's logger in a terminal: progress and warnings on stderr, so stdout holds the report. */
function stderrLogger(stream = process.stderr) {
    return {
        info: (message) => void stream.write(`${message}\n`),
        warning: (message) => void stream.write(`warning: ${message}\n`),
        async group(name, fn) {
            stream.write(`\u2500\u2500 ${name}\n`);
            return fn();
        }
    };
}

const EXIT = { GO: 0, NO_GO: 1, USAGE: 2 };
/** The CLI door: flags \u2192 the same validated config as the action \u2192 the lane \u2192 exit 0/1/2. */
async function runCli(given) {
    resetNamePolicy();
    // every line to stderr renders names under the includes by the policy set below
    const io = { ...given, stderr: renderingStream(given.stderr) };
    let args;
    try {
        args = parseArgs(io.argv);
    }
    catch (error) {
        io.stderr.write(`cutover-gate: ${error.message}\n`);
        return EXIT.USAGE;
    }
    if (args.help) {
        io.stdout.write(`${USAGE}\n`);
        return EXIT.GO;
    }
    if (args.version) {
        io.stdout.write(`${TOOL.name} ${TOOL.version}\n`);
        return EXIT.GO;
    }
    let config;
    let passphrase;
    let keys;
    const env = { ...io.env, ...io.secrets };
    try {
        const inputs = await withRecipientFlags(args.inputs, args.recipients, args.recipientsFiles);
        config = parseInputs(inputs, { cwd: io.cwd, tempDir: os.tmpdir() });
        setNamePolicy(cliNamePolicy(config.showPrivateNames === true, {
            stdout: io.stdoutIsTTY,
            stderr: io.stderrIsTTY === true
        }), config.includes);
        if (config.showPrivateNames === true)
            io.stderr.write(`cutover-gate: warning: ${SHOW_NAMES_WARNING}\n`);
        let explicit = '';
        if (args.passphraseFile !== undefined) {
            explicit = await readPassphraseFile(args.passphraseFile, io.stderr);
        }
        const explicitIdentity = args.identityFile === undefined
            ? ''
            : await readSecretFile(args.identityFile, 'identity', io.stderr);
        const identity = resolvePassphrase(explicitIdentity, env, config.identityEnv);
        passphrase = resolvePassphrase(explicit, env, config.passphraseEnv);
        if (passphrase === '' && wantsPassphrase(config, identity) && io.stdinIsTTY) {
            passphrase = await promptPassphrase(MODES[config.mode].createsSnapshot, config.passphraseEnv, (line) => io.stderr.write(`${line}\n`));
        }
        keys = resolveKeys(config, { passphrase, identity }, 'cli');
        await refuseWeakPassphrase(config, passphrase, 'cli');
    }
    catch (error) {
        io.stderr.write(`cutover-gate: ${error.message}\n`);
        return error instanceof PromptEnded ? error.exitCode : EXIT.USAGE;
    }
    // what a killed earlier run left (the action's post step does this there)
    for (const thing of sweepLeftovers(config))
        io.stderr.write(`cutover-gate: removed ${thing}, left by a run that was killed\n`);
    let gate;
    try {
        gate = await runGate(config, keys, stderrLogger(io.stderr), env, 'cli');
    }
    catch (error) {
        if (!(error instanceof InputError))
            throw error;
        io.stderr.write(`cutover-gate: ${error.message}\n`);
        return EXIT.USAGE;
    }
    const { report } = gate;
    io.stdout.write(renderTerminal(report, { color: io.stdoutIsTTY && !io.env.NO_COLOR }));
    // list prints the catalogue and writes no report file
    if (MODES[config.mode].writesReport)
        io.stderr.write(gate.outputs['report-path']
            ? `report: ${config.reportPath} (and ${config.reportJsonPath})\n`
            : `report: not written (see the NO-GO reason above)\n`);
    return report.decision === 'GO' ? EXIT.GO : EXIT.NO_GO;
}
/** stderr as the CLI writes it: each line rendered for the log sink before it goes out. */
function renderingStream(stream) {
    return {
        write: (chunk, ...rest) => stream.write(typeof chunk === 'string' ? forSink('log', chunk) : chunk, ...rest)
    };
}
/** The prompt asks only when the passphrase is the key this run needs (not recipients, not an identity). */
function wantsPassphrase(config, identity) {
    if (!needsKey(config.mode))
        return false;
    if (MODES[config.mode].createsSnapshot)
        return config.recipients.length === 0;
    return identity === '';
}
/**
 * `--recipient` and `--recipients-file` join the recipients input; each is checked on its own
 * first, so an error names the flag or the file's own line number.
 */
async function withRecipientFlags(inputs, flags, files) {
    if (flags.length === 0 && files.length === 0)
        return inputs;
    const texts = inputs.recipients ? [inputs.recipients] : [];
    for (const flag of flags) {
        try {
            parseRecipient(flag.trim());
        }
        catch (error) {
            throw new InputError(`--recipient ${flag}: ${error.message}; expected an age1... or age1pq1... recipient`);
        }
        texts.push(flag.trim());
    }
    for (const file of files) {
        const content = (await readFlagFile('--recipients-file', file, CAPS.recipientsFile, 'a readable recipients file')).text;
        try {
            parseRecipients(content, `--recipients-file ${file}`);
        }
        catch (error) {
            if (error instanceof AgeError)
                throw new InputError(error.message);
            throw error;
        }
        texts.push(content);
    }
    return { ...inputs, recipients: texts.join('\n') };
}
async function readPassphraseFile(file, stderr) {
    return passphraseFromFileContent(await readSecretFile(file, 'passphrase', stderr));
}
/**
 * A file a flag names, through the one plant-safe reader: a regular file or a pipe with a writer
 * (`<(cmd)`), never a link's target, never blocking, capped. Errors name the flag and the fix.
 */
async function readFlagFile(flag, file, cap, fix) {
    try {
        return await readNamedInput(file, cap);
    }
    catch (error) {
        const code = error.code;
        if (code === 'ETOOBIG' || code === 'ENOWRITER' || code === 'ENOTREG')
            throw new InputError(`${flag} ${error.message}`);
        if (code === 'ELOOP')
            throw new InputError(`${flag} ${file} is a symlink, which is not followed (it could have been planted); name the file it points to`);
        throw new InputError(`${flag} ${file} cannot be read (${code ?? 'error'}); name ${fix}`);
    }
}
/** A secret file's content; a file others can read gets a warning (it is a key on disk). */
async function readSecretFile(file, what, stderr) {
    const read = await readFlagFile(`--${what}-file`, file, CAPS.secretFile, `a readable file holding the ${what}`);
    const content = read.text;
    const mode = read.stat.mode;
    const secret = normalizeSecret(content);
    if (secret === '')
        throw new InputError(`--${what}-file ${file} is empty; write the ${what} in it`);
    if ((mode & 0o077) !== 0) {
        stderr.write(`cutover-gate: warning: --${what}-file ${file} is readable by group or others (mode ${(mode & 0o777).toString(8)}); chmod 600 ${file}\n`);
    }
    return secret;
}

export { EXIT, runCli };
