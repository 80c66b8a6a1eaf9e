import { parseArgs as parseArgs$1 } from 'node:util';
import { M as MODE_NAMES } from './process-start.js';
import { I as INPUT_NAMES, a as INPUT_DEFAULTS, b as InputError } from './input-error.js';

const BOOLEAN_INPUTS = new Set([
    'force',
    'upload-artifact',
    'fail-on-no-go',
    'allow-weak-passphrase',
    'allow-public-artifact',
    'show-private-names'
]);
/** Inputs that are secrets have no flag: argv is visible to every process on the machine. */
const NO_FLAG = {
    passphrase: 'the CLI has no --passphrase flag (command lines are visible to other processes): set GRAPHITI_SNAPSHOT_PASSPHRASE (or the variable named by --passphrase-env), use --passphrase-file, or answer the prompt',
    identity: 'the CLI has no --identity flag (command lines are visible to other processes): set CUTOVER_GATE_AGE_IDENTITY (or the variable named by --identity-env), or use --identity-file',
    'github-token': 'the CLI has no --github-token flag: the exposure audit reads the GitHub surface only in the action (with its github-token input); the CLI reports it as not checked'
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
        // after `--` nothing is a flag: the rest goes to parseArgs as it is, to be positionals there
        if (arg === '--')
            return [...out, ...argv.slice(i)];
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
 * A single-value flag given twice is refused, not resolved: parsers differ on which one wins
 * (first, last), and a reader that picked another one than the lane (issue 22: the secret
 * hand-off scrubbed the first --passphrase-env while the lane used the last) leaves a secret
 * where repository code can read it. Refusing leaves no choice for any reader to get wrong.
 */
function refuseRepeats(tokens) {
    const seen = new Map();
    for (const token of tokens) {
        if (token.kind !== 'option' || token.name === undefined)
            continue;
        const option = OPTIONS[token.name];
        if (option?.multiple)
            continue;
        const earlier = seen.get(token.name);
        if (earlier !== undefined) {
            const both = earlier === token.rawName ? `${earlier} is` : `${earlier} and ${token.rawName} are`;
            throw new InputError(`${both} given more than once; give each flag once (only --include, --recipient and --recipients-file repeat)`);
        }
        seen.set(token.name, token.rawName ?? `--${token.name}`);
    }
}
/**
 * `cutover-gate <mode> [--input value ...]`: the action's input names as flags (node:util
 * parseArgs), the one reader of the command line: the secret hand-off asks it too (secretPlan).
 * `--include`, `--recipient` and `--recipients-file` repeat; any other flag given twice is an
 * input error. After `--` nothing is a flag. Booleans take `--force`, `--no-force`,
 * `--force=false` or `--force false`. No flag carries a secret.
 */
function parseArgs(argv) {
    let parsed;
    try {
        parsed = parseArgs$1({
            args: spellBooleans(argv),
            options: OPTIONS,
            allowPositionals: true,
            allowNegative: true,
            strict: true,
            tokens: true
        });
    }
    catch (error) {
        if (error instanceof InputError)
            throw error;
        throw explain(error);
    }
    refuseRepeats(parsed.tokens);
    const positionals = parsed.positionals;
    // the options are built from INPUT_NAMES at run time, so their types are known only as a union
    const values = parsed.values;
    const inputs = {};
    if (positionals.length > 1) {
        throw new InputError(`unexpected argument "${positionals[1]}"; the mode is given once, first`);
    }
    const mode = positionals[0];
    if (mode !== undefined) {
        if (!MODE_NAMES.includes(mode)) {
            throw new InputError(`mode "${mode}" is not one of ${MODE_NAMES.join(', ')}`);
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
/**
 * What the secret hand-off must know before the CLI's code loads, read by parseArgs itself so
 * that it cannot disagree with the lane: the mode (default precutover, wherever it stands among
 * the flags) and the variables the flags name as holding secrets. undefined when argv does not
 * parse (the CLI then stops with exit 2 before any step runs).
 */
function secretPlan(argv) {
    let args;
    try {
        args = parseArgs(argv);
    }
    catch {
        return undefined;
    }
    return {
        mode: args.inputs.mode ?? INPUT_DEFAULTS.mode,
        named: [args.inputs['passphrase-env'], args.inputs['identity-env']].filter((name) => name !== undefined),
        files: [
            { flag: '--passphrase-file', file: args.passphraseFile },
            { flag: '--identity-file', file: args.identityFile },
            ...args.recipientsFiles.map((file) => ({ flag: '--recipients-file', file }))
        ].filter((named) => named.file !== undefined)
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
  --allow-weak-passphrase, --allow-public-artifact, --show-private-names (names under the
  includes in the report files too; a terminal shows them anyway)

Recipients (no passphrase then): --recipient age1... (repeat), --recipients-file F (age -R
  format). Identity for recipient snapshots: $CUTOVER_GATE_AGE_IDENTITY (or --identity-env NAME)
  or --identity-file F (age-keygen output). Never a flag.

Each flag is given once (--include, --recipient, --recipients-file repeat); after -- none is.
Files: regular, or a pipe with a writer (--identity-file <(pass show age-key)); never a link.

Passphrase: from $GRAPHITI_SNAPSHOT_PASSPHRASE (or --passphrase-env NAME), --passphrase-file F,
  or a prompt without echo on a terminal (asked twice for a new snapshot). Never a flag.
  Leading and trailing whitespace is removed, as the action does.

Exit status: 0 GO, 1 NO-GO, 2 usage or input error.`;

export { USAGE as U, parseArgs as p, secretPlan as s };
