import { readFileSync } from 'node:fs';
import { M as MODES, m as modeNeedsPassphrase } from './config.js';

/**
 * V8's young generation for the re-executed process of the restoring modes (restore-test,
 * restore): 1 MiB semi-spaces instead of V8's default (up to 16 MiB each on a 64-bit host).
 *
 * Why: zlib and node:crypto hand back every output in a new buffer, so a restore makes garbage
 * buffers at the speed of its data while it allocates little on the JS heap. With large
 * semi-spaces scavenges are rare, so dead buffers are freed only when their memory outside the
 * heap forces a full collection (after about 64 MiB); malloc's heap grows to hold them, and on
 * this VM every new page costs 2-4 ms per MiB to fault in. Small semi-spaces scavenge every few
 * milliseconds and the buffers, which die young, go back to malloc while still warm. Measured
 * (256 MiB mixed): restore-test peak 165 -> 118 MiB, and 1.89 -> 1.78 s on tmpfs (12
 * alternating runs); at 2 GiB, 184 -> 133 MiB.
 *
 * Not for the modes that snapshot (snapshot, precutover): there it lowers the peak of short runs
 * (256 MiB: 170 -> 135 MiB) but lets it climb with the data (2 GiB: 172 MiB, 4 GiB: 181; with
 * V8's default 170 -> 189), because some of the pipeline's buffers outlive the frequent
 * scavenges and then wait for a full collection. A peak that grows with the data is what the
 * memory budget forbids, so the snapshot keeps V8's default.
 *
 * V8 reads the size once, when the heap is set up, so it is a command-line flag of the
 * re-execution (see huge-pages.ts). A size the user gave, in NODE_OPTIONS or on node's command
 * line, wins: either bound (a minimum above our maximum would contradict it).
 */
const SEMI_SPACE_FLAG = '--max-semi-space-size';
const SEMI_SPACE_MIB = 1;
/** The modes that restore a snapshot without taking one. */
const SMALL_YOUNG_GENERATION_MODES = ['restore-test', 'restore'];
/** The flags to add to node's own arguments for `mode`: none when the user chose a size already. */
function youngGenerationFlags(mode, execArgv, nodeOptions) {
    if (!SMALL_YOUNG_GENERATION_MODES.includes(mode))
        return [];
    // V8 reads - and _ alike in flag names
    const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((arg) => /^--(max|min)-semi-space-size(=|$)/.test(arg.replaceAll('_', '-')));
    return given ? [] : [`${SEMI_SPACE_FLAG}=${SEMI_SPACE_MIB}`];
}

/**
 * glibc's malloc asks the kernel for transparent huge pages (madvise) when this tunable is 1.
 * Node's buffers, zstd's contexts and scrypt's 256 MiB all come from malloc; on a VM a fresh 4 KiB
 * page costs ~15 \u00b5s to fault in, and a 2 MiB page covers 512 of them. Measured here (256 MiB
 * mixed, work factor 18): snapshot 2.89 -> 2.61 s, restore-test 5.46 -> 4.46 s; at work factor
 * 10: 2.47 -> 2.09 and 4.39 -> 3.87 s; peak RSS unchanged. The setting is read once, at process
 * start, so the process re-executes itself with it (same pid, same argv, same stdio).
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
 * Called first by the entry points, before anything heavy loads, with the run's mode:
 * re-executes this process once with huge pages asked for and, when restoring, a small young
 * generation (young-generation.ts: V8 too reads it only at start); in the re-executed process,
 * tidies the environment. Never fails: without process.execve, or if it throws, the run goes on
 * with ordinary pages and V8's defaults.
 */
function relaunchWithHugePages(mode) {
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
        process.execve(process.execPath, [
            process.execPath,
            ...youngGenerationFlags(mode, process.execArgv, process.env.NODE_OPTIONS),
            ...process.execArgv,
            ...process.argv.slice(1)
        ], env);
    }
    catch {
        // exec refused (odd permissions, seccomp): ordinary pages, same results
    }
}
/** Whether `mode` snapshots or restores (where huge pages pay), as opposed to the dry-run alone. */
function touchesSnapshots(mode) {
    return MODES.includes(mode ?? '') && modeNeedsPassphrase(mode);
}

export { relaunchWithHugePages as r, touchesSnapshots as t };
