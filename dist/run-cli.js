import fs from 'node:fs';
import os from 'node:os';
import { I as InputError, M as MODES, a as INPUT_NAMES, n as normalizeSecret, T as TOOL, p as parseInputs, r as resolvePassphrase, m as modeNeedsPassphrase, b as modeCreatesSnapshot, c as requirePassphrase, d as refuseWeakPassphrase, e as runGate, f as renderTerminal, g as passphraseFromFileContent } from './render-terminal.js';
import { StringDecoder } from 'node:string_decoder';
import 'node:path';
import './process-start.js';
import 'node:crypto';
import './package-folder.js';
import 'node:stream';
import 'node:stream/promises';
import 'node:fs/promises';
import 'node:zlib';
import 'node:buffer';

const BOOLEAN_INPUTS = new Set([
    'force',
    'upload-artifact',
    'fail-on-no-go',
    'allow-weak-passphrase',
    'allow-public-artifact'
]);
const FLAG_INPUTS = new Set(INPUT_NAMES.filter((name) => name !== 'passphrase'));
/**
 * `cutover-gate <mode> [--input value ...]`: the action's input names as flags. `--include` may
 * repeat. Booleans take `--force`, `--no-force` or `--force=false`. There is deliberately no flag
 * that carries the passphrase: argv is visible to every process on the machine.
 */
function parseArgs(argv) {
    const inputs = {};
    const includes = [];
    let passphraseFile;
    let help = false;
    let version = false;
    const args = [...argv];
    while (args.length > 0) {
        const arg = args.shift();
        if (arg === '-h' || arg === '--help') {
            help = true;
            continue;
        }
        if (arg === '--version') {
            version = true;
            continue;
        }
        if (!arg.startsWith('--')) {
            if (inputs.mode !== undefined)
                throw new InputError(`unexpected argument "${arg}"; the mode is given once, first`);
            if (!MODES.includes(arg)) {
                throw new InputError(`mode "${arg}" is not one of ${MODES.join(', ')}`);
            }
            inputs.mode = arg;
            continue;
        }
        const eq = arg.indexOf('=');
        let name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
        let value = eq === -1 ? undefined : arg.slice(eq + 1);
        if (name === 'passphrase') {
            throw new InputError('the CLI has no --passphrase flag (command lines are visible to other processes): set GRAPHITI_SNAPSHOT_PASSPHRASE (or the variable named by --passphrase-env), use --passphrase-file, or answer the prompt');
        }
        if (name.startsWith('no-') &&
            BOOLEAN_INPUTS.has(name.slice(3)) &&
            value === undefined) {
            inputs[name.slice(3)] = 'false';
            continue;
        }
        if (name === 'passphrase-file') {
            value ??= args.shift();
            if (value === undefined || value === '')
                throw new InputError('--passphrase-file needs a file path');
            passphraseFile = value;
            continue;
        }
        if (!FLAG_INPUTS.has(name)) {
            throw new InputError(`unknown flag --${name}; see cutover-gate --help for the inputs`);
        }
        if (BOOLEAN_INPUTS.has(name) && value === undefined) {
            const next = args[0];
            value = next !== undefined && /^(true|false)$/i.test(next) ? args.shift() : 'true';
        }
        value ??= args.shift();
        if (value === undefined)
            throw new InputError(`--${name} needs a value`);
        if (name === 'include') {
            includes.push(value);
            continue;
        }
        name = name;
        inputs[name] = value;
    }
    if (includes.length > 0)
        inputs.include = includes.join('\n');
    return { inputs, passphraseFile, help, version };
}
const USAGE = `Usage: cutover-gate <mode> [--input value ...]

Modes: precutover (default): migration dry-run, snapshot, restore-test
       migration-dry-run | snapshot | restore-test | restore
       list: the snapshot catalogue of snapshot-dir (no passphrase)

Inputs (the action's names; see README): --repo, --include (repeat), --snapshot-dir,
  --manifest, --force/--no-force, --compression zstd|gzip|none, --scrypt-work-factor 10-20,
  --migration-export/-check/-import CMD, --migration-timeout S, --report-path,
  --restore-target DIR, --snapshot latest|ID, --keep-last N, --passphrase-env NAME,
  --upload-artifact, --artifact-name, --retention-days, --fail-on-no-go,
  --allow-weak-passphrase, --allow-public-artifact

Passphrase: from $GRAPHITI_SNAPSHOT_PASSPHRASE (or --passphrase-env NAME), --passphrase-file F,
  or a prompt without echo on a terminal (asked twice for a new snapshot). Never a flag.
  Leading and trailing whitespace is removed, as the action does.

Exit status: 0 GO, 1 NO-GO, 2 usage or input error.`;

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
async function runCli(io) {
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
    const env = { ...io.env, ...io.secrets };
    try {
        config = parseInputs(args.inputs, { cwd: io.cwd, tempDir: os.tmpdir() });
        let explicit = '';
        if (args.passphraseFile !== undefined) {
            explicit = readPassphraseFile(args.passphraseFile, io.stderr);
        }
        passphrase = resolvePassphrase(explicit, env, config.passphraseEnv);
        if (passphrase === '' && modeNeedsPassphrase(config.mode) && io.stdinIsTTY) {
            passphrase = await promptPassphrase(modeCreatesSnapshot(config.mode), config.passphraseEnv, (line) => io.stderr.write(`${line}\n`));
        }
        requirePassphrase(config.mode, passphrase, config.passphraseEnv, 'cli');
        await refuseWeakPassphrase(config, passphrase, 'cli');
    }
    catch (error) {
        io.stderr.write(`cutover-gate: ${error.message}\n`);
        return error instanceof PromptEnded ? error.exitCode : EXIT.USAGE;
    }
    let gate;
    try {
        gate = await runGate(config, passphrase, stderrLogger(io.stderr), env, 'cli');
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
    if (config.mode !== 'list')
        io.stderr.write(`report: ${config.reportPath} (and ${config.reportJsonPath})\n`);
    return report.decision === 'GO' ? EXIT.GO : EXIT.NO_GO;
}
/** The passphrase file's secret; a file others can read gets a warning (it is a key on disk). */
function readPassphraseFile(file, stderr) {
    let content;
    let mode;
    try {
        content = fs.readFileSync(file, 'utf8');
        mode = fs.statSync(file).mode;
    }
    catch (error) {
        throw new InputError(`--passphrase-file ${file} cannot be read (${error.code ?? 'error'}); name a readable file holding the passphrase`);
    }
    const secret = passphraseFromFileContent(content);
    if (secret === '')
        throw new InputError(`--passphrase-file ${file} is empty; write the passphrase in it`);
    if ((mode & 0o077) !== 0) {
        stderr.write(`cutover-gate: warning: --passphrase-file ${file} is readable by group or others (mode ${(mode & 0o777).toString(8)}); chmod 600 ${file}\n`);
    }
    return secret;
}

export { EXIT, runCli };
