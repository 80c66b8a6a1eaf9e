import { readFileSync } from 'node:fs';
import v8 from 'node:v8';

const MODES = [
    'precutover',
    'migration-dry-run',
    'snapshot',
    'restore-test',
    'restore'
];
const COMPRESSIONS = ['zstd', 'gzip', 'none'];
function modeNeedsPassphrase(mode) {
    return mode !== 'migration-dry-run';
}
/** Whether `mode` (unchecked input) snapshots or restores, as opposed to the dry-run alone. */
function handlesSnapshots(mode) {
    return MODES.includes(mode ?? '') && modeNeedsPassphrase(mode);
}

/**
 * glibc's malloc asks the kernel for transparent huge pages (madvise) when this tunable is 1.
 * Node's buffers, zstd's contexts and scrypt's 256 MiB all come from malloc; on a VM a fresh 4 KiB
 * page costs ~15 \u00b5s to fault in, and a 2 MiB page covers 512 of them. Measured here when first
 * added (256 MiB mixed, work factor 18): snapshot 2.89 -> 2.61 s, restore-test 5.46 -> 4.46 s;
 * at work factor 10: 2.47 -> 2.09 and 4.39 -> 3.87 s; peak RSS unchanged. Since buffers are
 * freed as the pipeline goes (early-free.ts), what still pays is mostly scrypt's memory, which
 * at the default work factor 18 is 256 MiB: restore-test 3.27 -> 2.98 s on tmpfs (10
 * alternating runs), against 1.87 and 1.86 s at work factor 10; snapshot 1.99 -> 1.78 s (16
 * runs). The setting is read once, at process start, so the process re-executes itself with it
 * (same pid, same argv, same stdio).
 */
const HUGETLB_TUNABLE = 'glibc.malloc.hugetlb';
/** Set only in the re-executed process: what GLIBC_TUNABLES was before we added to it. */
const PRIOR_TUNABLES = 'CUTOVER_GATE_PRIOR_GLIBC_TUNABLES';
const THP_ENABLED = '/sys/kernel/mm/transparent_hugepage/enabled';
/** The first glibc that knows the tunable; older ones ignore it, so re-executing would be waste. */
const FIRST_GLIBC = [2, 35];
/**
 * The environment to re-execute with, or undefined to go on as is: not Linux, or not glibc 2.35
 * or later (musl, as in Alpine containers, has no such tunable); the kernel's THP mode is
 * `always` (nothing to ask for) or `never`/unknown (nothing to get); or GLIBC_TUNABLES already
 * names the tunable (our own re-execution, or the user's choice: `=0` opts out).
 */
function hugePagesEnv(env, platform, thpEnabled, glibc) {
    if (platform !== 'linux' || env[PRIOR_TUNABLES] !== undefined)
        return undefined;
    if (!glibcAtLeast(glibc, FIRST_GLIBC))
        return undefined;
    if (!thpEnabled?.includes('[madvise]'))
        return undefined;
    const prior = env.GLIBC_TUNABLES ?? '';
    if (prior.includes(HUGETLB_TUNABLE))
        return undefined;
    const next = {};
    for (const [name, value] of Object.entries(env))
        if (value !== undefined)
            next[name] = value;
    next.GLIBC_TUNABLES = prior === '' ? `${HUGETLB_TUNABLE}=1` : `${prior}:${HUGETLB_TUNABLE}=1`;
    next[PRIOR_TUNABLES] = prior;
    return next;
}
/**
 * In the re-executed process: puts GLIBC_TUNABLES back as the user had it (glibc has read it
 * already), so commands we start, such as the migration, see the environment they were given.
 */
function restoreTunables(env) {
    const prior = env[PRIOR_TUNABLES];
    if (prior === undefined)
        return;
    if (prior === '')
        delete env.GLIBC_TUNABLES;
    else
        env.GLIBC_TUNABLES = prior;
    delete env[PRIOR_TUNABLES];
}
function glibcAtLeast(version, [major, minor]) {
    const match = /^(\d+)\.(\d+)/.exec(version ?? '');
    if (!match)
        return false;
    const [have, haveMinor] = [Number(match[1]), Number(match[2])];
    return have > major || (have === major && haveMinor >= minor);
}
/** The C library's version when it is glibc (from Node's diagnostic report: a few ms). */
function glibcVersion() {
    try {
        const report = process.report.getReport();
        return report.header?.glibcVersionRuntime;
    }
    catch {
        return undefined;
    }
}
function readThpMode() {
    try {
        return readFileSync(THP_ENABLED, 'utf8');
    }
    catch {
        return undefined;
    }
}
/**
 * Called first by the entry points, before anything heavy loads, in the modes that snapshot or
 * restore: re-executes this process once with huge pages asked for; in the re-executed process,
 * tidies the environment. Never fails: without process.execve, or if it throws, the run goes on
 * with ordinary pages.
 */
function relaunchWithHugePages() {
    const relaunched = process.env[PRIOR_TUNABLES] !== undefined;
    restoreTunables(process.env);
    if (relaunched || typeof process.execve !== 'function')
        return;
    if (process.platform !== 'linux')
        return;
    const env = hugePagesEnv(process.env, process.platform, readThpMode(), glibcVersion());
    if (!env)
        return;
    try {
        process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], env);
    }
    catch {
        // exec refused (odd permissions, seccomp): ordinary pages, same results
    }
}

/**
 * Keeps V8's young generation at the size it starts with (1 MiB semi-spaces, against up to
 * 16 MiB when left to grow) in the modes that move snapshot data.
 *
 * Why: the pipeline makes little garbage on the JS heap but a steady stream of small objects
 * (a cipher per 64 KiB chunk, stream callbacks, promises) whose native parts live outside it.
 * With large semi-spaces scavenges are rare, what survives one is promoted into a growing old
 * generation, and the peak climbs with the length of the run. Measured after buffers were freed
 * as they went (early-free.ts), 256 MiB \u2192 2 GiB mixed, one run each: snapshot 104 \u2192 124 MiB
 * with V8's growth and 98 \u2192 114 MiB without; restore-test 111 \u2192 137 and 103 \u2192 121 MiB.
 *
 * How: V8 grows the young generation by `--semi-space-growth-factor` whenever a scavenge finds
 * much of it alive, and reads the factor each time it grows; 1 keeps it where it started. So it
 * is set at run time, with no second start of Node (V8 reads `--max-semi-space-size` only when
 * it sets the heap up). A young-generation size or growth the user gave, in NODE_OPTIONS or on
 * node's command line, wins.
 */
const NO_GROWTH = '--semi-space-growth-factor=1';
/** Whether the user chose the young generation's size or growth for this process. */
function userSizesYoungGeneration(execArgv, nodeOptions) {
    // V8 reads - and _ alike in flag names
    return [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((arg) => /^--((max|min)-semi-space-size|semi-space-growth-factor)(=|$)/.test(arg.replaceAll('_', '-')));
}
/** Stops the young generation from growing, unless the user sized it. */
function keepYoungGenerationSmall() {
    if (!userSizesYoungGeneration(process.execArgv, process.env.NODE_OPTIONS)) {
        v8.setFlagsFromString(NO_GROWTH);
    }
}

/**
 * What both entry points do first, before their code loads: in the modes that snapshot or
 * restore, re-execute once with huge pages (the re-executed process loads the code once, not
 * twice), then keep V8's young generation small. Nothing for the dry-run alone, --help or
 * --version, where a second start would only cost time.
 */
function prepareProcess(mode) {
    if (!handlesSnapshots(mode))
        return;
    relaunchWithHugePages();
    keepYoungGenerationSmall();
}

export { COMPRESSIONS as C, MODES as M, modeNeedsPassphrase as m, prepareProcess as p };
