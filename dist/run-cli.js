import fs from 'node:fs';
import os from 'node:os';
import { M as MODES, m as modeNeedsPassphrase } from './process-start.js';
import { h as humanDuration, b as bytesBoth, g as groupDigits, d as decisionPointOf, r as rollbackGuidance, a as guidanceText, s as stripControl, I as InputError, c as INPUT_NAMES, T as TOOL, p as parseInputs, e as passphraseFromFileContent, f as resolvePassphrase, i as requirePassphrase, j as runGate } from './gate.js';
import 'node:v8';
import 'node:path';
import './package-cleanup.js';
import 'node:stream';
import 'node:stream/promises';
import 'node:crypto';
import 'node:fs/promises';
import 'node:zlib';
import 'node:util';
import 'node:string_decoder';

function painter(color) {
    const sgr = (open, close) => (text) => color ? `\x1b[${open}m${text}\x1b[${close}m` : text;
    return {
        red: sgr(31, 39),
        green: sgr(32, 39),
        yellow: sgr(33, 39),
        dim: sgr(2, 22),
        bold: sgr(1, 22)
    };
}
/** Untrusted text made safe for a terminal: no escape sequences, one line. */
const clean = (text) => stripControl(text).replace(/\s+/g, ' ').trim();
/** Wraps words to width, every line after the first indented by `indent` spaces. */
function wrap(text, width, indent, firstUsed = 0) {
    const lines = [];
    let line = '';
    let room = width - firstUsed;
    for (const word of text.split(' ')) {
        if (line && line.length + 1 + word.length > room) {
            lines.push(line);
            line = '';
            room = width - indent;
        }
        // A word longer than a line is cut into pieces rather than overflowing.
        let rest = word;
        while (!line && rest.length > room) {
            lines.push(rest.slice(0, room));
            rest = rest.slice(room);
            room = width - indent;
        }
        line = line ? `${line} ${rest}` : rest;
    }
    lines.push(line);
    return lines.join(`\n${' '.repeat(indent)}`);
}
/** The readiness report for a person at an 80-column terminal. */
function renderTerminal(report, options) {
    const width = options.width ?? 80;
    const p = painter(options.color);
    const out = [];
    const go = report.decision === 'GO';
    out.push(`${go ? p.bold(p.green('GO')) : p.bold(p.red('NO-GO'))}  cutover-gate readiness \u00b7 ${report.mode}`);
    if (!go) {
        const head = report.failedStep ? `${report.failedStep}: ` : '';
        out.push(`${p.red('\u2716')} ${wrap(head + clean(report.reason ?? 'no reason given'), width, 2, 2)}`);
    }
    out.push('');
    const nameWidth = Math.max(0, ...report.steps.map((s) => s.name.length));
    const mark = {
        passed: p.green('\u2714'),
        failed: p.red('\u2716'),
        skipped: p.dim('\u00b7')
    };
    for (const step of report.steps) {
        const time = step.status === 'skipped' ? '' : humanDuration(step.durationMs);
        const head = `${step.name.padEnd(nameWidth)}  ${step.status.padEnd(7)}  ${time.padStart(8)}`;
        out.push(`  ${mark[step.status]} ${head}`.trimEnd());
        if (step.status !== 'skipped' && step.detail)
            out.push(`      ${p.dim(wrap(clean(step.detail), width, 6, 6))}`);
    }
    const e = report.evidence;
    if (e) {
        out.push('', p.bold('snapshot'));
        out.push(`  ${wrap(clean(e.snapshotPath), width, 2, 2)}`);
        out.push(`  size     ${bytesBoth(e.size)}`);
        out.push(`  sha256   ${e.sha256}`);
        // `sha256:` + 64 hex does not fit beside a label in 80 columns: the digest gets its own line.
        out.push('  content digest', `    ${clean(e.contentDigest)}`);
        out.push(`  files    ${groupDigits(e.files)} files, ${bytesBoth(e.bytes)}`);
        out.push(`  format   ${clean(e.compression)}, ${e.encryption.format} ${e.encryption.recipient} work factor ${e.encryption.workFactor}`);
        out.push(`  manifest ${wrap(clean(e.manifestPath), width, 11, 11)}`);
        if (report.artifact)
            out.push(`  artifact ${clean(report.artifact.name)} (id ${report.artifact.id}) ${clean(report.artifact.url)}`);
    }
    const point = decisionPointOf(report);
    if (point) {
        const guidance = rollbackGuidance(point, {
            failedStep: report.failedStep,
            manifestPath: e?.manifestPath ?? report.manifestPath
        });
        out.push('', p.bold(wrap(`rollback \u2014 decision point ${point}: ${guidance.title}`, width, 2)));
        guidanceText(guidance.steps).forEach((text, i) => out.push(`  ${i + 1}. ${wrap(clean(text), width, 5, 5)}`));
    }
    if (report.warnings.length > 0) {
        out.push('', p.bold(p.yellow('warnings')));
        for (const warning of report.warnings)
            out.push(`  ${p.yellow('!')} ${wrap(clean(warning), width, 4, 4)}`);
    }
    const failed = report.steps.find((s) => s.status === 'failed' && s.output);
    if (failed?.output) {
        const lines = stripControl(failed.output)
            .split('\n')
            .slice(-(options.outputLines ?? 20));
        out.push('', p.bold(`last ${lines.length} lines of ${failed.name} output`));
        for (const line of lines)
            out.push(p.dim(`  | ${line.replace(/\t/g, '  ')}`));
    }
    const c = report.context;
    const where = [c.repository, c.commit?.slice(0, 12), c.ref]
        .filter(Boolean)
        .map((s) => clean(s));
    if (where.length > 0 || c.runUrl) {
        out.push('');
        if (where.length > 0)
            out.push(p.dim(where.join(' \u00b7 ')));
        if (c.runUrl)
            out.push(p.dim(clean(c.runUrl)));
    }
    return `${out.join('\n')}\n`;
}

const BOOLEAN_INPUTS = new Set(['force', 'upload-artifact', 'fail-on-no-go']);
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

Inputs (the action's names; see README): --repo, --include (repeat), --snapshot-dir,
  --manifest, --force/--no-force, --compression zstd|gzip|none, --scrypt-work-factor 10-20,
  --migration-export/-check/-import CMD, --migration-timeout S, --report-path,
  --restore-target DIR, --passphrase-env NAME, --upload-artifact, --artifact-name,
  --retention-days, --fail-on-no-go

Passphrase: from $GRAPHITI_SNAPSHOT_PASSPHRASE (or --passphrase-env NAME), --passphrase-file F,
  or a prompt without echo on a terminal. Never a flag.

Exit status: 0 GO, 1 NO-GO, 2 usage or input error.`;

/** Reads a passphrase from the terminal without echoing it. */
async function promptPassphrase(prompt) {
    const input = process.stdin;
    const output = process.stderr;
    // loaded only when a person is asked: every other run would pay ~3 ms for it at start-up
    const readline = process.getBuiltinModule('node:readline');
    return new Promise((resolve, reject) => {
        const rl = readline.createInterface({ input, terminal: true, output: undefined });
        const wasRaw = input.isTTY ? input.isRaw : false;
        // echo goes off before the prompt shows, so nothing typed after it can appear
        if (input.isTTY)
            input.setRawMode(true);
        output.write(prompt);
        let answer = '';
        const finish = (error) => {
            input.off('keypress', onKey);
            if (input.isTTY)
                input.setRawMode(wasRaw);
            rl.close();
            output.write('\n');
            if (error)
                reject(error);
            else
                resolve(answer);
        };
        const onKey = (text, key) => {
            if (key?.ctrl && key.name === 'c')
                return finish(new Error('passphrase prompt cancelled'));
            if (key?.name === 'return' || key?.name === 'enter')
                return finish();
            if (key?.name === 'backspace') {
                answer = answer.slice(0, -1);
                return;
            }
            if (text && !key?.ctrl)
                answer += text;
        };
        readline.emitKeypressEvents(input, rl);
        input.on('keypress', onKey);
    });
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
    try {
        config = parseInputs(args.inputs, { cwd: io.cwd, tempDir: os.tmpdir() });
        let explicit = '';
        if (args.passphraseFile !== undefined) {
            try {
                explicit = passphraseFromFileContent(fs.readFileSync(args.passphraseFile, 'utf8'));
            }
            catch (error) {
                throw new InputError(`--passphrase-file ${args.passphraseFile} cannot be read (${error.code ?? 'error'}); name a readable file holding the passphrase`);
            }
            if (explicit === '')
                throw new InputError(`--passphrase-file ${args.passphraseFile} is empty`);
        }
        passphrase = resolvePassphrase(explicit, io.env, config.passphraseEnv);
        if (passphrase === '' && modeNeedsPassphrase(config.mode) && io.stdinIsTTY) {
            passphrase = await promptPassphrase('Snapshot passphrase (not echoed): ');
        }
        requirePassphrase(config.mode, passphrase, config.passphraseEnv);
    }
    catch (error) {
        io.stderr.write(`cutover-gate: ${error.message}\n`);
        return EXIT.USAGE;
    }
    const { report } = await runGate(config, passphrase, stderrLogger(io.stderr), io.env);
    io.stdout.write(renderTerminal(report, { color: io.stdoutIsTTY && !io.env.NO_COLOR }));
    io.stderr.write(`report: ${config.reportPath} (and ${config.reportJsonPath})\n`);
    return report.decision === 'GO' ? EXIT.GO : EXIT.NO_GO;
}

export { EXIT, runCli };
