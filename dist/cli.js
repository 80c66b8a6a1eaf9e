#!/usr/bin/env node
import { p as prepareProcess, i as installExitCleanup } from './process-start.js';
import 'node:fs';
import 'node:os';
import 'node:path';
import 'node:crypto';

/** The oldest Node major the bundle runs on: zstd in node:zlib and the action runtime (node24). */
const MIN_NODE_MAJOR = 24;
/** One line saying why `version` (like "v20.19.0") cannot run cutover-gate, or undefined. */
function nodeTooOld(version) {
    const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
    if (major >= MIN_NODE_MAJOR)
        return undefined;
    return `cutover-gate needs Node.js ${MIN_NODE_MAJOR} or later (this is ${version}): install Node ${MIN_NODE_MAJOR}, or run it through npx from a project whose node_modules has node@${MIN_NODE_MAJOR}`;
}

// Imported first by the CLI entry: on an older Node, say so before anything else loads and
// fails in a way nobody could act on (a missing zstd function deep in a snapshot).
const tooOld = nodeTooOld(process.version);
if (tooOld) {
    process.stderr.write(`${tooOld}\n`);
    process.exit(2);
}

let secrets;
try {
    secrets = prepareProcess(process.argv[2], process.argv.slice(2));
}
catch (error) {
    process.stderr.write(`cutover-gate: ${error.message}\n`);
    process.exitCode = 1;
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
        stdoutIsTTY: Boolean(process.stdout.isTTY)
    });
}
