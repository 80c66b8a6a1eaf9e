import fs from 'node:fs';
import os from 'node:os';
import { I as InputError, M as MODES, a as INPUT_NAMES, n as normalizeSecret, T as TOOL, p as parseInputs, r as resolvePassphrase, m as modeCreatesSnapshot, b as resolveKeys, c as refuseWeakPassphrase, d as runGate, e as renderTerminal, f as passphraseFromFileContent, g as modeNeedsPassphrase } from './render-terminal.js';
import { p as parseRecipient, b as parseRecipients, A as AgeError } from './package-folder.js';
import { parseArgs as parseArgs$1 } from 'node:util';
import { StringDecoder } from 'node:string_decoder';
import 'node:path';
import './process-start.js';
import 'node:crypto';
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
/** Inputs that are secrets have no flag: argv is visible to every process on the machine. */
const NO_FLAG = {
    passphrase: 'the CLI has no --passphrase flag (command lines are visible to other processes): set GRAPHITI_SNAPSHOT_PASSPHRASE (or the variable named by --passphrase-env), use --passphrase-file, or answer the prompt',
    identity: 'the CLI has no --identity flag (command lines are visible to other processes): set CUTOVER_GATE_AGE_IDENTITY (or the variable named by --identity-env), or use --identity-file'
};
/** Flags of the CLI alone, that name a file or a key. */
const CLI_FLAGS = {
    'passphrase-file': { type: 'string' },
    'identity-file': { type: 'string' },
    'recipients-file': { type: 'string', multiple: true },
    recipient: { type: 'string', multiple: true }
};
const OPTIONS = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
    ...CLI_FLAGS,
    ...Object.fromEntries(INPUT_NAMES.filter((name) => !(name in NO_FLAG)).map((name) => [
        name,
        BOOLEAN_INPUTS.has(name)
            ? { type: 'boolean' }
            : { type: 'string', multiple: name === 'include' }
    ]))
};
/** `--force=false` and `--force false` as node:util's parser spells them: `--no-force`. */
function spellBooleans(argv) {
    const out = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
        const name = match?.[1];
        if (name && NO_FLAG[name])
            throw new InputError(NO_FLAG[name]);
        if (!name || !BOOLEAN_INPUTS.has(name)) {
            out.push(arg);
            continue;
        }
        let value = match[2];
        if (value === undefined && /^(true|false)$/i.test(argv[i + 1] ?? ''))
            value = argv[++i];
        if (value !== undefined && !/^(true|false)$/i.test(value)) {
            throw new InputError(`--${name} accepts true or false (got "${value}")`);
        }
        out.push(value !== undefined && /^false$/i.test(value) ? `--no-${name}` : `--${name}`);
    }
    return out;
}
/** node:util's errors, said the way the rest of the CLI speaks. */
function explain(error) {
    const option = /'(--?[\w-]+)/.exec(error.message)?.[1] ?? '';
    if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
        return new InputError(`unknown flag ${option}; see cutover-gate --help for the inputs`);
    if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
        return new InputError(`${option} needs a value`);
    return new InputError(error.message);
}
/**
 * `cutover-gate <mode> [--input value ...]`: the action's input names as flags (node:util
 * parseArgs). `--include`, `--recipient` and `--recipients-file` repeat. Booleans take `--force`,
 * `--no-force`, `--force=false` or `--force false`. No flag carries a secret.
 */
function parseArgs(argv) {
    let parsed;
    try {
        parsed = parseArgs$1({
            args: spellBooleans(argv),
            options: OPTIONS,
            allowPositionals: true,
            allowNegative: true,
            strict: true
        });
    }
    catch (error) {
        if (error instanceof InputError)
            throw error;
        throw explain(error);
    }
    const positionals = parsed.positionals;
    // the options are built from INPUT_NAMES at run time, so their types are known only as a union
    const values = parsed.values;
    const inputs = {};
    if (positionals.length > 1) {
        throw new InputError(`unexpected argument "${positionals[1]}"; the mode is given once, first`);
    }
    const mode = positionals[0];
    if (mode !== undefined) {
        if (!MODES.includes(mode)) {
            throw new InputError(`mode "${mode}" is not one of ${MODES.join(', ')}`);
        }
        inputs.mode = mode;
    }
    for (const name of INPUT_NAMES) {
        const value = values[name];
        if (value === undefined || name === 'mode')
            continue;
        if (typeof value === 'boolean')
            inputs[name] = String(value);
        else if (Array.isArray(value))
            inputs[name] = value.join('\n');
        else
            inputs[name] = value;
    }
    const file = (flag) => {
        const value = values[flag];
        if (value === '')
            throw new InputError(`--${flag} needs a file path`);
        return value;
    };
    const recipients = values.recipient ?? [];
    if (recipients.some((r) => r === ''))
        throw new InputError('--recipient needs an age recipient (age1...)');
    const recipientsFiles = values['recipients-file'] ?? [];
    if (recipientsFiles.some((f) => f === ''))
        throw new InputError('--recipients-file needs a file path');
    return {
        inputs,
        passphraseFile: file('passphrase-file'),
        identityFile: file('identity-file'),
        recipients,
        recipientsFiles,
        help: values.help === true,
        version: values.version === true
    };
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

Recipients (no passphrase then): --recipient age1... (repeat), --recipients-file F (age -R
  format). Identity for recipient snapshots: $CUTOVER_GATE_AGE_IDENTITY (or --identity-env NAME)
  or --identity-file F (age-keygen output). Never a flag.

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
    let keys;
    const env = { ...io.env, ...io.secrets };
    try {
        const inputs = withRecipientFlags(args.inputs, args.recipients, args.recipientsFiles);
        config = parseInputs(inputs, { cwd: io.cwd, tempDir: os.tmpdir() });
        let explicit = '';
        if (args.passphraseFile !== undefined) {
            explicit = readPassphraseFile(args.passphraseFile, io.stderr);
        }
        const explicitIdentity = args.identityFile === undefined
            ? ''
            : readSecretFile(args.identityFile, 'identity', io.stderr);
        const identity = resolvePassphrase(explicitIdentity, env, config.identityEnv);
        passphrase = resolvePassphrase(explicit, env, config.passphraseEnv);
        if (passphrase === '' && wantsPassphrase(config, identity) && io.stdinIsTTY) {
            passphrase = await promptPassphrase(modeCreatesSnapshot(config.mode), config.passphraseEnv, (line) => io.stderr.write(`${line}\n`));
        }
        keys = resolveKeys(config, { passphrase, identity }, 'cli');
        await refuseWeakPassphrase(config, passphrase, 'cli');
    }
    catch (error) {
        io.stderr.write(`cutover-gate: ${error.message}\n`);
        return error instanceof PromptEnded ? error.exitCode : EXIT.USAGE;
    }
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
    if (config.mode !== 'list')
        io.stderr.write(gate.outputs['report-path']
            ? `report: ${config.reportPath} (and ${config.reportJsonPath})\n`
            : `report: not written (see the NO-GO reason above)\n`);
    return report.decision === 'GO' ? EXIT.GO : EXIT.NO_GO;
}
/** The prompt asks only when the passphrase is the key this run needs (not recipients, not an identity). */
function wantsPassphrase(config, identity) {
    if (!modeNeedsPassphrase(config.mode))
        return false;
    if (modeCreatesSnapshot(config.mode))
        return config.recipients.length === 0;
    return identity === '';
}
/**
 * `--recipient` and `--recipients-file` join the recipients input; each is checked on its own
 * first, so an error names the flag or the file's own line number.
 */
function withRecipientFlags(inputs, flags, files) {
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
        let content;
        try {
            content = fs.readFileSync(file, 'utf8');
        }
        catch (error) {
            throw new InputError(`--recipients-file ${file} cannot be read (${error.code ?? 'error'}); name a readable recipients file`);
        }
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
function readPassphraseFile(file, stderr) {
    return passphraseFromFileContent(readSecretFile(file, 'passphrase', stderr));
}
/** A secret file's content; a file others can read gets a warning (it is a key on disk). */
function readSecretFile(file, what, stderr) {
    let content;
    let mode;
    try {
        content = fs.readFileSync(file, 'utf8');
        mode = fs.statSync(file).mode;
    }
    catch (error) {
        throw new InputError(`--${what}-file ${file} cannot be read (${error.code ?? 'error'}); name a readable file holding the ${what}`);
    }
    const secret = normalizeSecret(content);
    if (secret === '')
        throw new InputError(`--${what}-file ${file} is empty; write the ${what} in it`);
    if ((mode & 0o077) !== 0) {
        stderr.write(`cutover-gate: warning: --${what}-file ${file} is readable by group or others (mode ${(mode & 0o777).toString(8)}); chmod 600 ${file}\n`);
    }
    return secret;
}

export { EXIT, runCli };
