#!/usr/bin/env node
import { p as platformError } from './platform.js';
import { p as prepareProcess, i as installExitCleanup } from './process-start.js';
import { s as secretPlan } from './parse-args.js';
import 'node:fs';
import 'node:os';
import 'node:path';
import 'node:timers/promises';
import 'node:crypto';
import 'node:util';
import './input-error.js';

/** The oldest Node major the bundle runs on: zstd in node:zlib and the action runtime (node24). */
const MIN_NODE_MAJOR = 24;
/** One line saying why `version` (like "v20.19.0") cannot run cutover-gate, or undefined. */
function nodeTooOld(version) {
    const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
    if (major >= MIN_NODE_MAJOR)
        return undefined;
    return `cutover-gate needs Node.js ${MIN_NODE_MAJOR} or later (this is ${version}): install Node ${MIN_NODE_MAJOR}, or run npx cutover-gate from a checkout after npm ci (it brings Node ${MIN_NODE_MAJOR} in node_modules)`;
}

// Imported first by the CLI entry: on an older Node, say so before anything else loads and
// fails in a way nobody could act on (a missing zstd function deep in a snapshot).
const tooOld = nodeTooOld(process.version);
if (tooOld) {
    process.stderr.write(`${tooOld}\n`);
    process.exit(2);
}

// Imported by the CLI entry after check-node: on another OS, one input error (exit 2) before
// anything runs; --help and --version still answer.
const unsupported = platformError(process.platform);
const asks = process.argv.slice(2).some((arg) => ['--help', '-h', '--version'].includes(arg));
if (unsupported && !asks) {
    process.stderr.write(`cutover-gate: ${unsupported}\n`);
    process.exit(2);
}

let secrets;
try {
    // the hand-off reads argv with the CLI's one parser: what it scrubs is what the lane will use
    secrets = prepareProcess(secretPlan(process.argv.slice(2)));
}
catch (error) {
    process.stderr.write(`cutover-gate: ${error.message}\n`);
    process.exitCode = error.inputError ? 2 : 1;
}
if (secrets) {
    installExitCleanup();
    const { runCli } = await import('./run-cli.js');
    process.exitCode = await runCli({
        argv: process.argv.slice(2),
        env: process.env,
        secrets,
        cwd: process.cwd(),
        stdout: process.stdout,
        stderr: process.stderr,
        stdinIsTTY: Boolean(process.stdin.isTTY),
        stdoutIsTTY: Boolean(process.stdout.isTTY),
        stderrIsTTY: Boolean(process.stderr.isTTY)
    });
}
