import { d as parseIdentities, A as AgeError, i as identityToRecipient, e as encodeX25519Recipient, f as encodeHybridRecipient, I as INDEX_PATH, C as COMPRESSIONS, b as parseRecipients, S as SNAPSHOT_NAME, v as verifyIntoFolder, N as NoGoError, g as ChunkNonce, h as CHUNK_SIZE, s as sealChunk, F as FILE_KEY_SIZE, j as encodeHeader, w as wrapFileKey, k as wrapScrypt, l as FRAME_SIZE, P as PAYLOAD_NONCE_SIZE, m as payloadKey, H as Header, B as BufferPool, M as MODE_MASK, n as lockSnapshotDir, o as removeStaleTemps, t as tempNameFor, q as IndexBuilder, u as encryptionKeyOf, x as ProgressReporter, y as fsyncDir, z as encryptionRecordOf, D as utcStamp, E as writeManifest, G as snapshotFileName, J as EXTENSIONS, K as createPackageDir, L as removePackageDir, O as restoreTest, Q as ManifestSchema, R as describeEncryptionRecord, T as encryptionRecordJson, U as writeFileAtomic, V as keysOf, W as describeEncryptionShort } from './package-folder.js';
import fs from 'node:fs';
import path, { basename } from 'node:path';
import os, { availableParallelism } from 'node:os';
import { a as readRegularFile, o as object, _ as _enum, l as literal, b as array, u as unknown, c as string, n as number, N as NEVER, e as boolean$1, f as sweepDeadLeftovers, g as claimFolder, h as unregisterPath, j as releaseFolder, k as registerPath, m as secretNames, q as splitSecrets, R as RUN_MARKER_VAR, r as runMarker, s as stopMarked, t as registerStopper, d as describeEscaped } from './process-start.js';
import { Transform, Writable, PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes, createHash } from 'node:crypto';
import { open, access } from 'node:fs/promises';
import zlib from 'node:zlib';

const MODES = [
    'precutover',
    'migration-dry-run',
    'snapshot',
    'restore-test',
    'restore',
    'list'
];
/** The modes that make a new snapshot: the only ones that judge a passphrase's strength. */
function modeCreatesSnapshot(mode) {
    return mode === 'precutover' || mode === 'snapshot';
}
/** The modes that open an existing snapshot, so need its passphrase or identity. */
function modeOpensSnapshot(mode) {
    return mode === 'precutover' || mode === 'restore-test' || mode === 'restore';
}
function modeNeedsPassphrase(mode) {
    return mode !== 'migration-dry-run' && mode !== 'list';
}

/** A bad input: one line naming the input and what it accepts. Nothing has been written. */
class InputError extends Error {
    constructor(message) {
        super(message);
        this.name = 'InputError';
    }
}

/**
 * The one whitespace rule for secrets, in every door: leading and trailing whitespace is removed,
 * inner whitespace kept. It is exactly String.prototype.trim (spaces, tabs, CR, LF and the other
 * Unicode spaces), because that is what the runner's @actions/core getInput already does to
 * INPUT_PASSPHRASE: a snapshot made by the action must open in the CLI with the same secret.
 * The result '' means "not given".
 */
function normalizeSecret(value) {
    const secret = (value ?? '').trim();
    // Node decodes env, files and input as UTF-8 with U+FFFD for bad bytes: distinct secrets
    // (`\xff` and `\xfe`) would become one, and not the bytes stock age reads
    if (secret.includes('\uFFFD')) {
        throw new InputError('passphrase is not valid UTF-8 (a byte decodes to U+FFFD), so two different secrets would open the same snapshot: use a UTF-8 passphrase');
    }
    return secret;
}
/**
 * The passphrase from the first source that has one: the explicit value (action input, CLI file or
 * prompt), else the environment variable named by passphrase-env. Never logged, never an argv.
 */
function resolvePassphrase(explicit, env, envName) {
    const given = normalizeSecret(explicit);
    if (given !== '')
        return given;
    return normalizeSecret(env[envName]);
}
/** An empty passphrase in a mode that needs one: say where a passphrase comes from in this door. */
function requirePassphrase(mode, passphrase, envName, door = 'action') {
    if (!modeNeedsPassphrase(mode) || passphrase !== '')
        return;
    if (door === 'cli') {
        throw new InputError(`mode ${mode} needs a passphrase: use --passphrase-file FILE or the ${envName} variable, or run on a terminal to be asked`);
    }
    throw new InputError(`input passphrase: mode ${mode} needs a passphrase, but neither the passphrase input nor ${envName} is set; pass a secret (secrets are not given to workflows triggered from forks: use mode migration-dry-run there)`);
}
/** A passphrase file's content, under the same rule as every other door (a final newline goes too). */
function passphraseFromFileContent(content) {
    return normalizeSecret(content);
}
/**
 * Refuses a weak passphrase for a NEW snapshot, before anything runs; old snapshots still open with
 * any passphrase. The estimator (and its dictionaries) loads only in the modes that need it.
 */
async function refuseWeakPassphrase(config, passphrase, door) {
    if (!modeCreatesSnapshot(config.mode) || config.allowWeakPassphrase || passphrase === '')
        return;
    const { weakPassphraseProblem } = await import('./passphrase-strength.js');
    const problem = weakPassphraseProblem(passphrase, config.workFactor, door);
    if (problem)
        throw new InputError(door === 'cli' ? problem : `input passphrase: ${problem}`);
}

function sources(config, door) {
    return door === 'cli'
        ? {
            passphrase: `--passphrase-file FILE or the ${config.passphraseEnv} variable`,
            identity: `--identity-file FILE or the ${config.identityEnv} variable`
        }
        : {
            passphrase: `the passphrase input or the ${config.passphraseEnv} variable`,
            identity: `the identity input or the ${config.identityEnv} variable (identity-env)`
        };
}
function recipientText(r) {
    return r.type === 'x25519'
        ? encodeX25519Recipient(r.publicKey)
        : encodeHybridRecipient(r.publicKey);
}
/** An identities text (one key a line, `#` comments) as a bad input, never echoing the key. */
function parseIdentityText(text, door) {
    try {
        return parseIdentities(text, door === 'cli' ? '--identity-file' : 'input identity');
    }
    catch (error) {
        if (error instanceof AgeError)
            throw new InputError(error.message);
        throw error;
    }
}
/**
 * Which keys the run uses, refused before anything runs when it is known to fail: passphrase
 * beside recipients (the age spec forbids an scrypt stanza beside others), a new snapshot with
 * no key, precutover with recipients but no identity to restore-test it, or an identity that
 * matches none of them. restore-test and restore learn from the manifest which one they need.
 */
function resolveKeys(config, given, door) {
    const from = sources(config, door);
    // parsed only where it can open something: a stray variable must not break a passphrase run
    const usesIdentity = modeOpensSnapshot(config.mode) &&
        (!modeCreatesSnapshot(config.mode) || config.recipients.length > 0);
    const identities = given.identity === '' || !usesIdentity ? [] : parseIdentityText(given.identity, door);
    const keys = {
        passphrase: given.passphrase,
        recipients: config.recipients,
        identities,
        passphraseSource: from.passphrase,
        identitySource: from.identity
    };
    const [passphraseInput, identityInput] = door === 'cli' ? ['', ''] : ['input passphrase: ', 'input identity: '];
    if (modeCreatesSnapshot(config.mode) && config.recipients.length > 0) {
        if (given.passphrase !== '') {
            throw new InputError(`${passphraseInput}passphrase and recipients are exclusive (age): this run got both; drop ${from.passphrase} to encrypt to the recipients, or drop recipients to use the passphrase`);
        }
        if (modeOpensSnapshot(config.mode))
            requireMatchingIdentity(config, keys, identityInput, from);
        return keys;
    }
    if (modeCreatesSnapshot(config.mode)) {
        requirePassphrase(config.mode, given.passphrase, config.passphraseEnv, door);
        return keys;
    }
    if (modeOpensSnapshot(config.mode) && given.passphrase === '' && identities.length === 0) {
        throw new InputError(`${passphraseInput}mode ${config.mode} needs a passphrase: use ${from.passphrase}; or, for a snapshot made to recipients, an identity: use ${from.identity}`);
    }
    return keys;
}
/** precutover restore-tests the snapshot it just made to the recipients: an identity must open it. */
function requireMatchingIdentity(config, keys, identityInput, from) {
    if (keys.identities.length === 0) {
        throw new InputError(`${identityInput}mode ${config.mode} with recipients restore-tests the new snapshot and needs an identity that matches one of them: set ${from.identity}, or use mode snapshot and restore-test it in a job that holds the identity`);
    }
    const wanted = new Set(config.recipients.map(recipientText));
    if (!keys.identities.some((identity) => wanted.has(identityToRecipient(identity)))) {
        throw new InputError(`${identityInput}no identity matches the recipients, so restore-test of the new snapshot would fail: give the identity of one of the recipients`);
    }
}

/**
 * Every input of SPEC.md with its default, in one place: the CLI reads its defaults from here, the
 * action gets the same values from action.yml (a test holds the two equal).
 */
const INPUT_DEFAULTS = {
    passphrase: '',
    'passphrase-env': 'GRAPHITI_SNAPSHOT_PASSPHRASE',
    mode: 'precutover',
    repo: '.',
    include: 'state\nexports\nreports/private\nlogs\n',
    'snapshot-dir': 'backup/snapshots',
    manifest: 'backup/snapshots/latest-manifest.json',
    force: 'true',
    compression: 'zstd',
    'scrypt-work-factor': '18',
    'migration-export': 'python3 scripts/state_migration_export.py --dry-run --out {package}',
    'migration-check': 'python3 scripts/state_migration_check.py --package {package} --dry-run',
    'migration-import': 'python3 scripts/state_migration_import.py --dry-run --allow-overwrite --in {package}',
    'migration-timeout': '900',
    'report-path': 'reports/publicization/backup-readiness.md',
    'restore-target': '',
    snapshot: 'latest',
    'keep-last': '0',
    recipients: '',
    identity: '',
    'identity-env': 'CUTOVER_GATE_AGE_IDENTITY',
    'upload-artifact': 'false',
    'artifact-name': 'cutover-snapshot',
    'retention-days': '0',
    'allow-weak-passphrase': 'false',
    'allow-public-artifact': 'false',
    'fail-on-no-go': 'true'
};
const INPUT_NAMES = Object.keys(INPUT_DEFAULTS);

// The characters @actions/artifact refuses in an artifact name (NTFS limits), checked here so the
// caller gets one line before any network call.
const FORBIDDEN = [
    ['"', 'double quote "'],
    [':', 'colon :'],
    ['<', 'less than <'],
    ['>', 'greater than >'],
    ['|', 'vertical bar |'],
    ['*', 'asterisk *'],
    ['?', 'question mark ?'],
    ['\r', 'carriage return \\r'],
    ['\n', 'line feed \\n'],
    ['\\', 'backslash \\'],
    ['/', 'forward slash /']
];
/** Why `name` cannot be an artifact name, in one line, or undefined when it can. */
function artifactNameProblem(name) {
    if (name.trim() === '')
        return 'artifact-name is empty';
    for (const [char, label] of FORBIDDEN) {
        if (name.includes(char)) {
            const all = FORBIDDEN.map(([c]) => JSON.stringify(c)).join(' ');
            return `artifact-name ${JSON.stringify(name)} contains a ${label}, which artifact names may not hold (${all})`;
        }
    }
    return undefined;
}

// The headline and footer render-markdown writes: together they mark a file as one of ours.
const MARKDOWN_HEAD = /^# (\u2705 GO|\u26d4 NO-GO) \u2014 cutover-gate readiness\r?\n/;
const MARKDOWN_FOOT = /<sub>cutover-gate readiness report, format version \d+\. It never holds the passphrase\.<\/sub>\s*$/;
// The JSON twin's fixed fields; the manifest's `tool` is an object, so it never matches.
const JsonReport = object({
    tool: literal('cutover-gate'),
    decision: _enum(['GO', 'NO-GO']),
    mode: string(),
    steps: array(unknown())
});
// A report is small; anything far larger is not one, and is not read whole to find out.
const MAX_REPORT_BYTES = 64 * 1024 * 1024;
function looksLike(kind, text) {
    if (kind === 'markdown')
        return MARKDOWN_HEAD.test(text) && MARKDOWN_FOOT.test(text);
    try {
        return JsonReport.safeParse(JSON.parse(text)).success;
    }
    catch {
        return false;
    }
}
/**
 * Why target may not be replaced by a report of that kind, or undefined when it may: it is absent,
 * or a plain file holding an earlier readiness report. Never follows a link at target.
 */
function replaceProblem(target, kind) {
    let info;
    try {
        info = fs.lstatSync(target);
    }
    catch (error) {
        const code = error.code;
        if (code === 'ENOENT')
            return undefined;
        return `${target} cannot be inspected (${code ?? 'error'}); choose another report-path`;
    }
    if (info.isSymbolicLink()) {
        return `${target} is a symlink (to ${fs.readlinkSync(target)}); a report is never written through a link: remove it or choose another report-path`;
    }
    if (!info.isFile())
        return `${target} is not a regular file; choose another report-path`;
    const earlier = info.size <= MAX_REPORT_BYTES && looksLike(kind, readRegularFile(target));
    if (earlier)
        return undefined;
    return `${target} exists and is not an earlier cutover-gate readiness report, so it is left untouched: choose another report-path or move that file away`;
}

function isGitMarker(candidate) {
    let info;
    try {
        info = fs.lstatSync(candidate);
    }
    catch {
        return false;
    }
    if (info.isDirectory())
        return fs.existsSync(path.join(candidate, 'HEAD'));
    if (!info.isFile())
        return false;
    // a worktree or submodule: `.git` is a file naming the real git folder
    return readRegularFile(candidate).startsWith('gitdir:');
}
/**
 * Whether repo (real, absolute) lies in a git work tree: a `.git` folder or gitfile in it or an
 * ancestor. Read from the files, not from git, so no hook, fsmonitor or config of the repo runs.
 */
function isGitWorkTree(repo) {
    if (repo.split(path.sep).includes('.git'))
        return false;
    for (let dir = repo;; dir = path.dirname(dir)) {
        if (isGitMarker(path.join(dir, '.git')))
            return true;
        if (path.dirname(dir) === dir)
            return false;
    }
}

/**
 * Every repository setting that would run repository code (or a program it names) during our own
 * read-only calls, turned off: the repository may have been written by the migration under test.
 * The ownership check guards against exactly such settings, and they are all off, so it is waived.
 */
const GIT_HARDENING = [
    '--no-optional-locks',
    '-c',
    'core.fsmonitor=false',
    '-c',
    'core.hooksPath=/dev/null',
    '-c',
    'core.untrackedCache=false',
    '-c',
    'core.splitIndex=false',
    '-c',
    'diff.external=',
    '-c',
    'core.pager=cat',
    '-c',
    'core.quotepath=off',
    '-c',
    'safe.directory=*'
];
/**
 * The whole environment git gets: nothing inherited but PATH, so no secret (passphrase, INPUT_*,
 * ACTIONS_RUNTIME_TOKEN), no GIT_DIR / GIT_CONFIG_* of someone else, and no user or system config.
 */
function gitEnv(parent = process.env) {
    return {
        PATH: parent.PATH ?? '/usr/bin:/bin',
        HOME: '/nonexistent',
        LANG: 'C',
        LC_ALL: 'C',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_TERMINAL_PROMPT: '0',
        GIT_OPTIONAL_LOCKS: '0'
    };
}
/**
 * Runs `git -C dir args`, the one door for every git call cutover-gate makes, hardened as above,
 * without blocking the event loop (a synchronous git stalls a streaming snapshot 20\u201325 ms here).
 * Never rejects: no repository that could hold dir (git is then not started at all), git missing,
 * failing or too slow is `ok: false`. Only commands that run no filter or textconv belong here
 * (ls-files, rev-parse, diff --name-only between commits, check-ignore): never `git status`.
 */
function git$1(dir, args, options = {}) {
    if (!repositoryMayHold(dir)) {
        return Promise.resolve({ ok: false, out: '', error: `${dir} is not in a git repository` });
    }
    // loaded when first needed: a snapshot outside a git folder never starts a process (~10 ms)
    const { execFile } = process.getBuiltinModule('node:child_process');
    return new Promise((resolve) => {
        execFile('git', [...GIT_HARDENING, '-C', dir, ...args], {
            encoding: options.encoding ?? 'utf8',
            timeout: options.timeoutMs ?? 5000,
            maxBuffer: options.maxBuffer ?? 1024 * 1024,
            windowsHide: true,
            env: gitEnv()
        }, (error, stdout, stderr) => resolve({
            ok: !error,
            out: stdout ?? '',
            error: error ? (stderr || error.message).trim().split('\n').pop() : ''
        }));
    });
}
/**
 * The same door, synchronous, for the few questions asked while the inputs are judged (nothing
 * streams yet, so the stall costs nothing): stdout, or undefined when git fails or no repository
 * could hold dir.
 */
function gitSync(dir, args, options = {}) {
    if (!repositoryMayHold(dir))
        return undefined;
    const { execFileSync } = process.getBuiltinModule('node:child_process');
    try {
        return execFileSync('git', [...GIT_HARDENING, '-C', dir, ...args], {
            encoding: 'utf8',
            timeout: options.timeoutMs ?? 5000,
            maxBuffer: options.maxBuffer ?? 1024 * 1024,
            stdio: ['ignore', 'pipe', 'ignore'],
            windowsHide: true,
            env: gitEnv()
        });
    }
    catch {
        return undefined;
    }
}
/**
 * Whether a git repository could hold dir: dir in a work tree (the same walk that judges repo),
 * or a bare repository itself. Asked before git is: starting git stalls this process while it
 * forks (~30 ms here), only to learn nothing about a folder that no repository holds.
 */
function repositoryMayHold(dir) {
    const folder = path.resolve(dir);
    const bare = fs.existsSync(path.join(folder, 'HEAD')) && fs.existsSync(path.join(folder, 'objects'));
    return bare || isGitWorkTree(folder);
}

/**
 * Whether git tracks file (absolute, its folder real) although it is absent from the work tree:
 * writing there would bring back a deleted tracked file with other content. False when git cannot
 * tell (no git, no work tree); the content check at the path itself still holds then.
 */
function isTrackedButAbsent(file) {
    if (fs.existsSync(file))
        return false;
    let dir = path.dirname(file);
    while (!fs.existsSync(dir))
        dir = path.dirname(dir);
    const listed = gitSync(dir, [
        '--literal-pathspecs',
        'ls-files',
        '-z',
        '--full-name',
        '--',
        path.relative(dir, file)
    ]);
    return listed !== undefined && listed !== '';
}

// As Linux's own limit: more hops than this is a loop, not a layout.
const MAX_LINKS = 40;
function missing(error) {
    const code = error.code;
    return code === 'ENOENT' || code === 'ENOTDIR';
}
/**
 * Where an absolute path really is: every symlinked folder on the way resolved, including links
 * whose target does not exist yet (a write would follow them), the missing rest re-appended.
 */
function realPath(absolute) {
    let hops = 0;
    const walk = (p) => {
        try {
            return fs.realpathSync.native(p);
        }
        catch (error) {
            if (!missing(error))
                throw error;
        }
        const parent = path.dirname(p);
        if (parent === p)
            return p;
        const at = path.join(walk(parent), path.basename(p));
        let info;
        try {
            info = fs.lstatSync(at);
        }
        catch (error) {
            if (missing(error))
                return at;
            throw error;
        }
        if (!info.isSymbolicLink())
            return at;
        if (++hops > MAX_LINKS)
            throw new Error(`${absolute}: too many levels of symbolic links`);
        return walk(path.resolve(path.dirname(at), fs.readlinkSync(at)));
    };
    return walk(path.resolve(absolute));
}
/** The path with its folders resolved but its last name kept: for files we never write through. */
function realFolderOf(absolute) {
    const resolved = path.resolve(absolute);
    return path.join(realPath(path.dirname(resolved)), path.basename(resolved));
}
/** Whether child is parent or lies below it (both absolute and resolved). */
function isInside(child, parent) {
    const rel = path.relative(parent, child);
    return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
/** Whether any folder on the path is named .git: git's own files, never ours to write. */
function inGitFolder(absolute) {
    return absolute.split(path.sep).includes('.git');
}

const RUNS_MIGRATION = new Set(['precutover', 'migration-dry-run']);
function fail$1(input, message) {
    throw new InputError(`input ${input}: ${message}`);
}
function judgeRepo(given, cwd) {
    const lexical = path.resolve(cwd, given);
    let real;
    try {
        real = fs.realpathSync.native(lexical);
    }
    catch (error) {
        const code = error.code;
        if (code === 'ENOENT' || code === 'ENOTDIR') {
            fail$1('repo', `${given} does not exist (${lexical}); name the repository's root folder`);
        }
        fail$1('repo', `${given} cannot be opened (${code ?? 'error'}); name a readable folder`);
    }
    if (!fs.statSync(real).isDirectory()) {
        fail$1('repo', `${given} is not a folder; name the repository's root folder`);
    }
    return real;
}
/** One include line \u2192 its real path relative to repo; refuses escapes and an include that is a link. */
function judgeInclude(line, repo) {
    const lexical = path.resolve(repo, line);
    if (!isInside(lexical, repo) || lexical === repo) {
        fail$1('include', `"${line}" is not inside repo ${repo}; list folders or files below the repository root`);
    }
    const at = realFolderOf(lexical);
    if (!isInside(at, repo) || at === repo) {
        fail$1('include', `"${line}" resolves through a symlinked folder to ${at}, outside repo ${repo}; list folders or files below the repository root`);
    }
    let link;
    try {
        if (fs.lstatSync(at).isSymbolicLink())
            link = fs.readlinkSync(at);
    }
    catch {
        // absent: the snapshot reports a missing include as NO-GO naming it
    }
    if (link !== undefined) {
        fail$1('include', `"${line}" is a symlink to ${link}; the snapshot stores links as links, so it would archive nothing: list the folder it points to instead`);
    }
    const rel = path.relative(repo, at).split(path.sep).join('/');
    if (rel === '.cutover-gate' || rel.startsWith('.cutover-gate/') || rel === INDEX_PATH) {
        fail$1('include', `"${line}" collides with the snapshot's own index folder .cutover-gate`);
    }
    return rel;
}
/** Include lines \u2192 sorted, real POSIX paths relative to repo; rejects escapes, links and overlaps. */
function judgeIncludes(text, repo) {
    const lines = text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'));
    if (lines.length === 0)
        fail$1('include', 'needs at least one folder or file, one per line');
    const includes = new Set(lines.map((line) => judgeInclude(line, repo)));
    const sorted = [...includes].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const a of sorted) {
        for (const b of sorted) {
            if (a !== b && b.startsWith(`${a}/`)) {
                fail$1('include', `"${b}" lies inside "${a}"; list each folder once`);
            }
        }
    }
    return sorted;
}
/**
 * An output path made real. A path named inside repo that a link carries out of it is refused
 * (an absolute path elsewhere is the user's choice); so is any path into a .git folder.
 */
function judgeOutput(input, given, repo, keepLastName = false) {
    const lexical = path.resolve(repo, given);
    const real = keepLastName ? realFolderOf(lexical) : realPath(lexical);
    if (isInside(lexical, repo) && !isInside(real, repo)) {
        fail$1(input, `${given} resolves through a symlink to ${real}, outside repo ${repo}; name a path without links inside the repository, or an absolute path outside it`);
    }
    if (inGitFolder(real)) {
        fail$1(input, `${given} lies inside a .git folder (${real}); keep it out of git's own files`);
    }
    return real;
}
function jsonTwinOf(reportPath) {
    const ext = path.extname(reportPath);
    return ext.toLowerCase() === '.md'
        ? `${reportPath.slice(0, -ext.length)}.json`
        : `${reportPath}.json`;
}
function judgeReport(paths, given) {
    const includeOf = (p) => paths.includes.find((inc) => isInside(p, path.join(paths.repo, inc)));
    for (const [p, kind] of [
        [paths.reportPath, 'markdown'],
        [paths.reportJsonPath, 'json']
    ]) {
        const what = kind === 'json' ? `${given} (its JSON twin ${p})` : given;
        const inc = includeOf(p);
        if (inc !== undefined) {
            fail$1('report-path', `${what} lies inside include "${inc}"; write the report outside the included folders`);
        }
        if (p === paths.manifestPath) {
            fail$1('report-path', `${what} is the manifest; write the report to its own file`);
        }
        if (isInside(p, paths.snapshotDir)) {
            fail$1('report-path', `${what} lies inside snapshot-dir ${paths.snapshotDir}; write the report outside it`);
        }
        const problem = replaceProblem(p, kind);
        if (problem)
            fail$1('report-path', problem);
        if (isTrackedButAbsent(p)) {
            fail$1('report-path', `${what} is a file git tracks (deleted in the work tree); restore it, or write the report elsewhere`);
        }
    }
}
/**
 * Resolves and judges every path the user gave, before anything is written: the repo must be a
 * folder (a git work tree in the modes that run the migration), every other path is judged where
 * it really is after symlinks. Throws InputError (one line) on the first bad one.
 */
function judgePaths(given, cwd) {
    const repo = judgeRepo(given.repo, cwd);
    if (RUNS_MIGRATION.has(given.mode) && !isGitWorkTree(repo)) {
        fail$1('repo', `${repo} is not a git work tree, so nothing can prove the migration dry-run left it unchanged (runbook decision point C): run inside a checkout, or use mode snapshot`);
    }
    const includes = judgeIncludes(given.include, repo);
    const snapshotDir = judgeOutput('snapshot-dir', given.snapshotDir, repo);
    const manifestPath = judgeOutput('manifest', given.manifest, repo);
    const reportPath = judgeOutput('report-path', given.reportPath, repo, true);
    const reportJsonPath = judgeOutput('report-path', jsonTwinOf(given.reportPath), repo, true);
    const restoreTarget = given.restoreTarget.trim() === ''
        ? ''
        : judgeOutput('restore-target', given.restoreTarget, repo);
    const paths = {
        repo,
        includes,
        snapshotDir,
        manifestPath,
        reportPath,
        reportJsonPath,
        restoreTarget
    };
    for (const inc of includes) {
        const root = path.join(repo, inc);
        if (isInside(snapshotDir, root)) {
            fail$1('snapshot-dir', `${given.snapshotDir} lies inside include "${inc}"; put snapshots outside the included folders`);
        }
        if (isInside(manifestPath, root)) {
            fail$1('manifest', `${given.manifest} lies inside include "${inc}"; keep it outside the included folders`);
        }
        if (restoreTarget !== '' && isInside(restoreTarget, root)) {
            fail$1('restore-target', `${given.restoreTarget} lies inside include "${inc}"; restore into an isolated folder`);
        }
    }
    // restored plaintext beside the encrypted snapshots would undo what the encryption is for
    if (restoreTarget !== '' &&
        (isInside(restoreTarget, snapshotDir) || isInside(snapshotDir, restoreTarget))) {
        fail$1('restore-target', `${given.restoreTarget} overlaps snapshot-dir ${given.snapshotDir}; restore into an isolated folder away from the encrypted snapshots`);
    }
    if ((given.mode === 'precutover' || given.mode === 'snapshot') &&
        path.dirname(manifestPath) !== snapshotDir) {
        fail$1('manifest', `${given.manifest} must sit in snapshot-dir ${given.snapshotDir}, beside the snapshots it names`);
    }
    judgeReport(paths, given.reportPath);
    return paths;
}

// YAML 1.2 core-schema booleans, as @actions/core's getBooleanInput accepts them.
const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE']);
const boolean = string().transform((value, ctx) => {
    if (TRUE.has(value))
        return true;
    if (FALSE.has(value))
        return false;
    ctx.addIssue({ code: 'custom', message: 'accepts true or false' });
    return NEVER;
});
const integer = (min, max) => string()
    .regex(/^\d+$/, `accepts a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(number().min(min, `accepts ${min} to ${max}`).max(max, `accepts ${min} to ${max}`));
const command = string().trim().min(1, 'accepts a command line');
const envName = string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'accepts an environment variable name');
/** Blank or comments only means "no recipients": a workflow variable that came out empty. */
function hasKeyLine(text) {
    return text.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('#'));
}
// parsed here, at input time, so a bad line is refused before anything runs, naming its number
const recipients = string().transform((text, ctx) => {
    if (!hasKeyLine(text))
        return [];
    try {
        return parseRecipients(text);
    }
    catch (error) {
        if (!(error instanceof AgeError))
            throw error;
        ctx.addIssue({ code: 'custom', message: error.message.replace(/^recipients /, '') });
        return NEVER;
    }
});
const RawSchema = object({
    passphrase: string(),
    'passphrase-env': envName,
    recipients,
    identity: string(),
    'identity-env': envName,
    mode: _enum(MODES, { message: `accepts ${MODES.join(', ')}` }),
    repo: string().min(1),
    include: string(),
    'snapshot-dir': string().min(1),
    manifest: string().min(1),
    force: boolean,
    compression: _enum(COMPRESSIONS, { message: `accepts ${COMPRESSIONS.join(', ')}` }),
    'scrypt-work-factor': integer(10, 20),
    'migration-export': command,
    'migration-check': command,
    'migration-import': command,
    'migration-timeout': integer(1, 86400),
    'report-path': string().min(1),
    'restore-target': string(),
    snapshot: string()
        .trim()
        .regex(/^(latest|\d{8}T\d{6}Z)$/, 'accepts latest or a snapshot id such as 20261203T055001Z'),
    'keep-last': integer(0, 1000),
    'upload-artifact': boolean,
    'artifact-name': string().superRefine((name, ctx) => {
        const problem = artifactNameProblem(name);
        if (problem)
            ctx.addIssue({ code: 'custom', message: problem.replace(/^artifact-name /, '') });
    }),
    'retention-days': integer(0, 90),
    'allow-weak-passphrase': boolean,
    'allow-public-artifact': boolean,
    'fail-on-no-go': boolean
});
const QUIET_INPUTS = new Set(['passphrase', 'identity', 'recipients']);
// Given but empty is an error for these, never the default: an empty include list must not
// quietly become the four default folders.
const EMPTY_IS_GIVEN = new Set(['include']);
/**
 * Fills "not given" with the default: absent, or '' for inputs where an empty value means unset
 * (a workflow expression that came out empty). passphrase, identity, recipients and restore-target stay ''.
 */
function withDefaults(raw) {
    const out = {};
    for (const name of Object.keys(INPUT_DEFAULTS)) {
        const given = raw[name];
        const unset = given === undefined || (!EMPTY_IS_GIVEN.has(name) && given.trim() === '');
        out[name] = unset ? INPUT_DEFAULTS[name] : given;
    }
    return out;
}
function fail(input, message) {
    throw new InputError(`input ${input}: ${message}`);
}
/**
 * Validates every input and derives the Config, every path judged where it really is (see
 * judge-paths). Throws InputError (one line) on the first bad one, before anything is written.
 */
function parseInputs(raw, context) {
    const filled = withDefaults(raw);
    const parsed = RawSchema.safeParse(filled);
    if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const input = String(issue.path[0]);
        // secrets are never echoed; recipients name their line instead
        const shown = QUIET_INPUTS.has(input) ? '' : ` (got "${filled[input]}")`;
        fail(input, `${issue.message}${shown}`);
    }
    const v = parsed.data;
    if (v.mode === 'restore' && v['restore-target'].trim() === '') {
        fail('restore-target', 'is required for mode restore: name an empty or absent folder to restore into');
    }
    const paths = judgePaths({
        mode: v.mode,
        repo: v.repo,
        include: v.include,
        snapshotDir: v['snapshot-dir'],
        manifest: v.manifest,
        reportPath: v['report-path'],
        restoreTarget: v['restore-target']
    }, context.cwd);
    return {
        mode: v.mode,
        repo: paths.repo,
        includes: paths.includes,
        snapshotDir: paths.snapshotDir,
        manifestPath: paths.manifestPath,
        force: v.force,
        compression: v.compression,
        workFactor: v['scrypt-work-factor'],
        migration: {
            exportCommand: v['migration-export'],
            checkCommand: v['migration-check'],
            importCommand: v['migration-import'],
            timeoutSeconds: v['migration-timeout']
        },
        reportPath: paths.reportPath,
        reportJsonPath: paths.reportJsonPath,
        restoreTarget: paths.restoreTarget,
        uploadArtifact: v['upload-artifact'],
        artifactName: v['artifact-name'],
        retentionDays: v['retention-days'],
        failOnNoGo: v['fail-on-no-go'],
        allowWeakPassphrase: v['allow-weak-passphrase'],
        allowPublicArtifact: v['allow-public-artifact'],
        passphraseEnv: v['passphrase-env'],
        recipients: v.recipients,
        identityEnv: v['identity-env'],
        snapshot: v.snapshot,
        keepLast: v['keep-last'],
        tempDir: context.tempDir && context.tempDir !== '' ? context.tempDir : os.tmpdir()
    };
}

/** snapshot-<id>.json, the per-snapshot manifest this tool writes beside each snapshot. */
const SNAPSHOT_MANIFEST_NAME = /^snapshot-(\d{8}T\d{6}Z)\.json$/;
function snapshotManifestName(id) {
    return `snapshot-${id}.json`;
}
/** The id a snapshot file name carries, or undefined when the name is not one this tool writes. */
function idOfSnapshotName(name) {
    return SNAPSHOT_NAME.test(name)
        ? name.slice('snapshot-'.length, 'snapshot-'.length + 16)
        : undefined;
}
/** The id of a per-snapshot manifest name, or undefined. */
function idOfManifestName(name) {
    return SNAPSHOT_MANIFEST_NAME.exec(name)?.[1];
}

// only the two fields that say who can see the repository; everything else in the payload is ignored
const EventSchema = object({
    repository: object({
        private: boolean$1().optional(),
        visibility: string().optional()
    })
});
/**
 * The repository's visibility from the workflow's event payload (GITHUB_EVENT_PATH). A missing,
 * unreadable or unexpected payload is 'unknown': the caller warns rather than guesses.
 */
function repositoryVisibility(env) {
    const eventPath = env.GITHUB_EVENT_PATH;
    if (!eventPath)
        return 'unknown';
    let payload;
    try {
        payload = JSON.parse(fs.readFileSync(eventPath, 'utf8'));
    }
    catch {
        return 'unknown';
    }
    const parsed = EventSchema.safeParse(payload);
    if (!parsed.success)
        return 'unknown';
    const { private: isPrivate, visibility } = parsed.data.repository;
    if (isPrivate === false || visibility === 'public')
        return 'public';
    if (isPrivate === true || visibility === 'private' || visibility === 'internal')
        return 'private';
    return 'unknown';
}
/**
 * Whether the run's snapshot is one made to recipients: a new one when recipients are given; an
 * existing one when only an identity was given (a passphrase snapshot would not open then).
 */
function recipientSnapshot(mode, keys) {
    if (modeCreatesSnapshot(mode))
        return keys.recipients.length > 0;
    return keys.passphrase === '' && keys.identities.length > 0;
}
/**
 * Public repositories' artifacts can be downloaded by any signed-in user: a passphrase snapshot
 * uploaded there is open to offline guessing; one made to recipients is not (nothing to guess).
 * Refuses (InputError) before the lane starts; returns a warning when the visibility is unknown.
 */
function refusePublicArtifact(config, env, door, keys = {
    passphrase: '',
    recipients: [],
    identities: []
}) {
    if (!config.uploadArtifact || !modeNeedsPassphrase(config.mode) || config.allowPublicArtifact)
        return undefined;
    if (recipientSnapshot(config.mode, keys))
        return undefined;
    const visibility = repositoryVisibility(env);
    if (visibility === 'private')
        return undefined;
    const [upload, allow] = door === 'cli'
        ? ['--upload-artifact', '--allow-public-artifact']
        : ['input upload-artifact', 'allow-public-artifact: true'];
    if (visibility === 'public') {
        throw new InputError(`${upload}: this repository is public and any signed-in user can download its artifacts, so a passphrase-encrypted snapshot would be open to offline guessing; encrypt to recipients (age public keys, the recipients input) or keep the snapshot on approved storage, or set ${allow} to upload anyway`);
    }
    return `repository visibility unknown (no readable event payload at GITHUB_EVENT_PATH): if the repository is public, the uploaded passphrase snapshot is open to offline guessing; prefer recipients, or set ${allow} to silence this`;
}

/** 1234567 \u2192 `1,234,567`: fixed grouping, whatever the machine's locale. */
function groupDigits(n) {
    return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
/** Bytes in binary units, one decimal: `1.2 MiB`; below 1 KiB exact: `512 B`. */
function humanBytes(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let value = n;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}
/** `1.2 MiB (1,234,567 bytes)`. */
function bytesBoth(n) {
    return n < 1024 ? `${groupDigits(n)} bytes` : `${humanBytes(n)} (${groupDigits(n)} bytes)`;
}
/** `340 ms`, `12.3 s`, `4 min 05 s`. */
function humanDuration(ms) {
    if (ms < 1000)
        return `${Math.round(ms)} ms`;
    if (ms < 60_000)
        return `${(ms / 1000).toFixed(1)} s`;
    const seconds = Math.round(ms / 1000);
    return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}
function plural(n, one, many = `${one}s`) {
    return `${n} ${n === 1 ? one : many}`;
}

function checkTarget(target) {
    let stat;
    try {
        stat = fs.lstatSync(target);
    }
    catch {
        return false;
    }
    if (!stat.isDirectory()) {
        throw new NoGoError(`restore-target ${target} exists and is not a folder; name an empty or absent folder`);
    }
    if (fs.readdirSync(target).length > 0) {
        throw new NoGoError(`restore-target ${target} is not empty; restore refuses to mix snapshots with existing files: name an empty or absent folder`);
    }
    return true;
}
/**
 * Rollback decision point B: verify completely in a staging folder beside the target, then move
 * it into place, so the target holds either nothing or the whole verified tree.
 */
async function restoreIntoTarget(manifestPath, keys, target, logger) {
    const existed = checkTarget(target);
    const parent = path.dirname(target);
    fs.mkdirSync(parent, { recursive: true });
    const prefix = `.${path.basename(target)}.cutover-gate-restore-`;
    sweepDeadLeftovers(parent, prefix);
    const staging = fs.mkdtempSync(path.join(parent, prefix));
    claimFolder(staging);
    try {
        const verified = await verifyIntoFolder(manifestPath, keys, staging, logger);
        fs.chmodSync(staging, 0o755);
        if (existed) {
            checkTarget(target);
            fs.rmdirSync(target);
        }
        fs.renameSync(staging, target);
        // the restored tree is the target now: only the marker is ours to remove
        unregisterPath(staging);
        releaseFolder(staging);
        return verified;
    }
    catch (error) {
        releaseFolder(staging);
        throw error;
    }
}

/**
 * STREAM encryption over arbitrarily sized input pieces. Holds back up to one chunk, because a
 * chunk can only be sealed once we know whether it is the last one.
 */
class PayloadEncrypter {
    key;
    nonce = new ChunkNonce();
    counter = 0;
    /** Plaintext not yet sealed; reused, since the cipher's output is always a fresh buffer. */
    held = Buffer.allocUnsafe(CHUNK_SIZE);
    heldLength = 0;
    finished = false;
    constructor(key) {
        this.key = key;
    }
    update(data, emit) {
        if (this.finished)
            throw new Error('age encryption already finished');
        const length = data.length;
        if (length === 0)
            return;
        let offset = 0;
        if (this.heldLength > 0) {
            offset = Math.min(CHUNK_SIZE - this.heldLength, length);
            this.held.set(data.subarray(0, offset), this.heldLength);
            this.heldLength += offset;
            if (offset === length)
                return;
            // More input follows, so the held full chunk is not the last one.
            this.seal(this.held, false, emit);
            this.heldLength = 0;
        }
        // Whole chunks straight from the caller's buffer, except the last: it may be the final chunk.
        while (length - offset > CHUNK_SIZE) {
            this.seal(data.subarray(offset, offset + CHUNK_SIZE), false, emit);
            offset += CHUNK_SIZE;
        }
        // Copied rather than referenced: the caller may reuse its buffer once we return.
        this.held.set(data.subarray(offset), 0);
        this.heldLength = length - offset;
    }
    /** Seals the final chunk (empty only if the whole payload is empty). */
    final(emit) {
        if (this.finished)
            throw new Error('age encryption already finished');
        this.finished = true;
        this.seal(this.held.subarray(0, this.heldLength), true, emit);
        this.heldLength = 0;
    }
    seal(plaintext, last, emit) {
        const [ciphertext, tag] = sealChunk(this.key, this.nonce.set(this.counter, last), plaintext);
        this.counter++;
        emit(ciphertext);
        emit(tag);
    }
}

/** Work factors accepted for new files: below 10 is too weak, above 20 too slow to open. */
const MIN_ENCRYPT_WORK_FACTOR = 10;
const MAX_ENCRYPT_WORK_FACTOR = 20;
/**
 * While the header is still being made (scrypt's wrap), up to this much ciphertext is held here
 * so compression and encryption keep going; past it the stream waits for the header.
 */
const HEADER_WAIT_BUFFER = 16 * 1024 * 1024;
/**
 * Plaintext in; the header, the payload nonce, then STREAM chunks out, in file order. The payload
 * is keyed from the file key, never from the passphrase, so it is encrypted while a header still
 * being made (a promise) is awaited; its chunks are held (up to HEADER_WAIT_BUFFER) and follow it.
 */
class AgeEncryptStream extends Transform {
    #encrypter;
    /** Ciphertext made before the header was out; undefined once it is. */
    #held = [];
    #heldBytes = 0;
    #headerOut;
    #emit = (piece) => {
        if (!this.#held) {
            this.push(piece);
            return;
        }
        this.#held.push(piece);
        this.#heldBytes += piece.length;
    };
    /** `header` must come from encodeHeader with this same `fileKey`. */
    constructor(fileKey, header) {
        // Room for a few chunks each way, so neither side stalls on every 64 KiB chunk.
        super({ writableHighWaterMark: 4 * FRAME_SIZE, readableHighWaterMark: 4 * FRAME_SIZE });
        const nonce = randomBytes(PAYLOAD_NONCE_SIZE);
        this.#encrypter = new PayloadEncrypter(payloadKey(fileKey, nonce));
        this.#headerOut = Promise.resolve(header).then((bytes) => {
            if (this.destroyed)
                return;
            this.push(Buffer.concat([bytes, nonce]));
            for (const piece of this.#held ?? [])
                this.push(piece);
            this.#held = undefined;
        });
        // a header that fails fails the stream at once, not only at its next write
        this.#headerOut.catch((error) => this.destroy(error instanceof Error ? error : new Error(String(error))));
    }
    _transform(chunk, _encoding, callback) {
        try {
            this.#encrypter.update(chunk, this.#emit);
        }
        catch (err) {
            callback(err);
            return;
        }
        if (this.#held && this.#heldBytes >= HEADER_WAIT_BUFFER)
            this.#afterHeader(callback);
        else
            callback();
    }
    _flush(callback) {
        try {
            this.#encrypter.final(this.#emit);
        }
        catch (err) {
            callback(err);
            return;
        }
        this.#afterHeader(callback);
    }
    #afterHeader(callback) {
        this.#headerOut.then(() => callback(), (error) => callback(error));
    }
}
/** createEncryptStream without the promise, for a pipeline built in one go. */
function encryptStream(key) {
    const fileKey = randomBytes(FILE_KEY_SIZE);
    if (key.kind === 'recipients') {
        return new AgeEncryptStream(fileKey, encodeHeader(wrapFileKey(fileKey, key.recipients), fileKey));
    }
    checkWorkFactor(key.workFactor);
    // the passphrase is copied: the caller may wipe its buffer while scrypt still runs
    const header = wrapScrypt(fileKey, Buffer.from(key.passphrase), key.workFactor).then((stanza) => encodeHeader([stanza], fileKey));
    return new AgeEncryptStream(fileKey, header);
}
function checkWorkFactor(workFactor) {
    if (!Number.isInteger(workFactor) ||
        workFactor < MIN_ENCRYPT_WORK_FACTOR ||
        workFactor > MAX_ENCRYPT_WORK_FACTOR) {
        throw new RangeError(`scrypt work factor must be an integer from ${MIN_ENCRYPT_WORK_FACTOR} to ${MAX_ENCRYPT_WORK_FACTOR}, got ${workFactor}`);
    }
}

/**
 * Every this many bytes written, the file's data is flushed to disk in the background. Left to
 * the kernel, nothing of a 135 MiB snapshot reaches the disk before the closing fsync (its
 * writeback waits 30 s or for ~10% of memory to be dirty), and that fsync then took 0.1\u20130.3 s
 * of nothing else happening; flushed as it goes, the disk works while the pipeline does.
 */
const FLUSH_EVERY = 16 * 1024 * 1024;
/**
 * A new file written in order, each chunk hashed on its way to disk, so the SHA-256 covers the
 * file as written without reading it back. Created with `wx` (never an existing file; mode
 * 0o600) and synced before the stream finishes; `size` and `digestHex()` describe it then.
 */
class HashedFileWriter extends Writable {
    #path;
    #hash = createHash('sha256');
    #handle;
    #position = 0;
    #digest;
    /** The background flush in flight, if any, and where the next one is due. */
    #flushing;
    #flushAt = FLUSH_EVERY;
    /** A background flush that failed: the data may not be on disk, so the file is not good. */
    #flushError;
    constructor(filePath) {
        super({ highWaterMark: 4 * 1024 * 1024 });
        this.#path = filePath;
    }
    /** Bytes written so far. */
    get size() {
        return this.#position;
    }
    /** SHA-256 of the whole file, once the stream has finished. */
    digestHex() {
        if (this.#digest === undefined)
            throw new Error(`${this.#path} is not finished yet`);
        return this.#digest;
    }
    _construct(callback) {
        open(this.#path, 'wx', 0o600).then((handle) => {
            this.#handle = handle;
            callback();
        }, callback);
    }
    _write(chunk, _encoding, callback) {
        this.#append([chunk]).then(() => callback(), callback);
    }
    _writev(chunks, callback) {
        this.#append(chunks.map((c) => c.chunk)).then(() => callback(), callback);
    }
    _final(callback) {
        this.#finish().then(() => callback(), callback);
    }
    _destroy(error, callback) {
        const handle = this.#handle;
        this.#handle = undefined;
        if (!handle) {
            callback(error);
            return;
        }
        // a flush still running uses the descriptor: close after it
        Promise.resolve(this.#flushing)
            .then(() => handle.close())
            .then(() => callback(error), (closeError) => callback(error ?? closeError));
    }
    async #append(chunks) {
        // hashed while the write is on the threadpool: the two overlap
        const written = writeAllAt(this.#open(), chunks, this.#position);
        for (const chunk of chunks)
            this.#hash.update(chunk);
        this.#position += await written;
        this.#flushInBackground();
    }
    /**
     * Starts fdatasync once FLUSH_EVERY more bytes are written, one at a time, never awaited
     * here: writes go on meanwhile. Its error is kept (Linux reports a writeback error once) and
     * fails the next write or the finish.
     */
    #flushInBackground() {
        if (this.#flushError)
            throw this.#flushError;
        if (this.#flushing || this.#position < this.#flushAt)
            return;
        this.#flushAt = this.#position + FLUSH_EVERY;
        this.#flushing = this.#open()
            .datasync()
            .catch((error) => {
            this.#flushError = error instanceof Error ? error : new Error(String(error));
        })
            .finally(() => {
            this.#flushing = undefined;
        });
    }
    async #finish() {
        const handle = this.#open();
        await this.#flushing;
        if (this.#flushError)
            throw this.#flushError;
        await handle.sync();
        this.#handle = undefined;
        await handle.close();
        this.#digest = this.#hash.digest('hex');
    }
    #open() {
        if (!this.#handle)
            throw new Error(`${this.#path} is closed`);
        return this.#handle;
    }
}
/**
 * Writes every byte of `chunks` at `position`, going on after a short write (a filling disk
 * writes what fits, then fails the next call with ENOSPC). Returns the bytes written.
 */
async function writeAllAt(handle, chunks, position) {
    let total = 0;
    for (const chunk of chunks)
        total += chunk.length;
    const left = chunks.filter((chunk) => chunk.length > 0);
    let first = 0;
    for (let done = 0; done < total;) {
        const { bytesWritten } = await handle.writev(first === 0 ? left : left.slice(first), position + done);
        if (bytesWritten <= 0)
            throw new Error(`writing stopped ${total - done} bytes short`);
        done += bytesWritten;
        // drop what was written: whole chunks, then the front of a partly written one
        for (let skip = bytesWritten; skip > 0;) {
            const chunk = left[first];
            if (skip < chunk.length) {
                left[first] = chunk.subarray(skip);
                skip = 0;
            }
            else {
                skip -= chunk.length;
                first++;
            }
        }
    }
    return total;
}

class Pax {
    atime;
    mtime;
    ctime;
    charset;
    comment;
    gid;
    uid;
    gname;
    uname;
    linkpath;
    dev;
    ino;
    nlink;
    path;
    size;
    mode;
    global;
    constructor(obj, global = false) {
        this.atime = obj.atime;
        this.charset = obj.charset;
        this.comment = obj.comment;
        this.ctime = obj.ctime;
        this.dev = obj.dev;
        this.gid = obj.gid;
        this.global = global;
        this.gname = obj.gname;
        this.ino = obj.ino;
        this.linkpath = obj.linkpath;
        this.mtime = obj.mtime;
        this.nlink = obj.nlink;
        this.path = obj.path;
        this.size = obj.size;
        this.uid = obj.uid;
        this.uname = obj.uname;
    }
    encode() {
        const body = this.encodeBody();
        if (body === '') {
            return Buffer.allocUnsafe(0);
        }
        const bodyLen = Buffer.byteLength(body);
        // round up to 512 bytes
        // add 512 for header
        const bufLen = 512 * Math.ceil(1 + bodyLen / 512);
        const buf = Buffer.allocUnsafe(bufLen);
        // 0-fill the header section, it might not hit every field
        for (let i = 0; i < 512; i++) {
            buf[i] = 0;
        }
        new Header({
            // XXX split the path
            // then the path should be PaxHeader + basename, but less than 99,
            // prepend with the dirname
            /* c8 ignore start */
            path: ('PaxHeader/' + basename(this.path ?? '')).slice(0, 99),
            /* c8 ignore stop */
            mode: this.mode || 0o644,
            uid: this.uid,
            gid: this.gid,
            size: bodyLen,
            mtime: this.mtime,
            type: this.global ? 'GlobalExtendedHeader' : 'ExtendedHeader',
            linkpath: '',
            uname: this.uname || '',
            gname: this.gname || '',
            devmaj: 0,
            devmin: 0,
            atime: this.atime,
            ctime: this.ctime,
        }).encode(buf);
        buf.write(body, 512, bodyLen, 'utf8');
        // null pad after the body
        for (let i = bodyLen + 512; i < buf.length; i++) {
            buf[i] = 0;
        }
        return buf;
    }
    encodeBody() {
        return (this.encodeField('path') +
            this.encodeField('ctime') +
            this.encodeField('atime') +
            this.encodeField('dev') +
            this.encodeField('ino') +
            this.encodeField('nlink') +
            this.encodeField('charset') +
            this.encodeField('comment') +
            this.encodeField('gid') +
            this.encodeField('gname') +
            this.encodeField('linkpath') +
            this.encodeField('mtime') +
            this.encodeField('size') +
            this.encodeField('uid') +
            this.encodeField('uname'));
    }
    encodeField(field) {
        if (this[field] === undefined) {
            return '';
        }
        const r = this[field];
        const v = r instanceof Date ? r.getTime() / 1000 : r;
        const s = ' ' +
            (field === 'dev' || field === 'ino' || field === 'nlink' ?
                'SCHILY.'
                : '') +
            field +
            '=' +
            v +
            '\n';
        const byteLen = Buffer.byteLength(s);
        // the digits includes the length of the digits in ascii base-10
        // so if it's 9 characters, then adding 1 for the 9 makes it 10
        // which makes it 11 chars.
        let digits = Math.floor(Math.log(byteLen) / Math.log(10)) + 1;
        if (byteLen + digits >= Math.pow(10, digits)) {
            digits += 1;
        }
        const len = digits + byteLen;
        return len + s;
    }
    static parse(str, ex, g = false) {
        return new Pax(merge(parseKV(str), ex), g);
    }
}
const merge = (a, b) => b ? Object.assign({}, b, a) : a;
const parseKV = (str) => str
    .replace(/\n$/, '')
    .split('\n')
    .reduce(parseKVLine, Object.create(null));
const parseKVLine = (set, line) => {
    const n = parseInt(line, 10);
    // XXX Values with \n in them will fail this.
    // Refactor to not be a naive line-by-line parse.
    if (n !== Buffer.byteLength(line) + 1) {
        return set;
    }
    line = line.slice((n + ' ').length);
    const kv = line.split('=');
    const r = kv.shift();
    if (!r) {
        return set;
    }
    const k = r.replace(/^SCHILY\.(dev|ino|nlink)/, '$1');
    const v = kv.join('=').replace(/\0.*/, '');
    switch (k) {
        case 'path':
        case 'linkpath':
        case 'type':
        case 'charset':
        case 'comment':
        case 'gname':
        case 'uname':
            set[k] = v;
            break;
        case 'ctime':
        case 'atime':
        case 'mtime':
            set[k] = new Date(Number(v) * 1000);
            break;
        case 'size':
            const s = +v;
            if (s >= 0)
                set[k] = s;
            break;
        case 'gid':
        case 'uid':
        case 'dev':
        case 'ino':
        case 'nlink':
        case 'mode':
            set[k] = +v;
            break;
    }
    return set;
};

const TYPE = { file: 'File', dir: 'Directory', symlink: 'SymbolicLink' };
const BLOCK = 512;
/** Two zero blocks end a tar archive. */
const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);
/** Zero padding after `size` bytes of entry data, up to the next block boundary. */
function paddingFor(size) {
    return (BLOCK - (size % BLOCK)) % BLOCK;
}
/**
 * The header block(s) of one entry: a pax extended header first when path, link target or size
 * do not fit ustar (long or non-ASCII names, files of 8 GiB and more), then the ustar header.
 */
function encodeTarHeader(entry) {
    const name = entry.type === 'dir' ? `${entry.path}/` : entry.path;
    const mtime = new Date(Math.floor(entry.mtime.getTime() / 1000) * 1000);
    const header = new Header({
        path: name,
        mode: entry.mode,
        uid: 0,
        gid: 0,
        size: entry.type === 'file' ? entry.size : 0,
        mtime,
        type: TYPE[entry.type],
        linkpath: entry.linkpath ?? '',
        uname: '',
        gname: '',
        devmaj: 0,
        devmin: 0
    });
    const block = Buffer.alloc(BLOCK);
    header.encode(block, 0);
    if (!header.needPax)
        return block;
    const pax = new Pax({
        path: name,
        linkpath: entry.linkpath,
        size: entry.type === 'file' ? entry.size : undefined,
        mtime
    }).encode();
    return Buffer.concat([pax, block]);
}

/** Output buffers are this size: file data is read straight into them, so each byte is copied once. */
const BATCH = 1024 * 1024;
/** Fills fixed-size buffers from the pool in place and hands each one out when it is full. */
class BatchBuffer {
    pool;
    buf;
    used = 0;
    constructor(pool) {
        this.pool = pool;
        this.buf = pool.take();
    }
    get space() {
        return BATCH - this.used;
    }
    /** The free tail of the current buffer, to read file data into. */
    tail() {
        return this.buf;
    }
    /** Takes the full buffer out and starts a new one. */
    take() {
        const out = this.used === BATCH ? this.buf : this.buf.subarray(0, this.used);
        this.buf = this.pool.take();
        this.used = 0;
        return out;
    }
    /** Copies small pieces (headers, the index); returns the full buffers it filled on the way. */
    copy(piece, out) {
        let at = 0;
        while (at < piece.length) {
            const n = Math.min(this.space, piece.length - at);
            piece.copy(this.buf, this.used, at, at + n);
            this.used += n;
            at += n;
            if (this.space === 0)
                out.push(this.take());
        }
    }
    zeros(count, out) {
        let left = count;
        while (left > 0) {
            const n = Math.min(this.space, left);
            this.buf.fill(0, this.used, this.used + n);
            this.used += n;
            left -= n;
            if (this.space === 0)
                out.push(this.take());
        }
    }
}
function cannotRead(rel, error) {
    const code = error.code;
    if (code === 'EACCES' || code === 'EPERM') {
        return new NoGoError(`cannot read ${rel}: permission denied; give the runner read access to it`);
    }
    if (code === 'ENOENT') {
        return new NoGoError(`${rel} vanished while the snapshot was being taken; stop writes to the repository and rerun`);
    }
    return new NoGoError(`cannot read ${rel}: ${code ?? String(error)}`);
}
function changed(rel, how) {
    return new NoGoError(`${rel} changed while the snapshot was being taken (${how}); pause rollout and isolate writes (runbook decision point B): stop the writer and rerun`, 'B');
}
/**
 * The snapshot's plaintext: a POSIX tar of the walked entries, each file read once and hashed as
 * it streams, then the index as the last entry. Yields buffers of about BATCH bytes taken from
 * `pool` (of BATCH-byte buffers): whoever holds a yielded buffer last gives it back there.
 */
async function* archiveStream(entries, index, onProgress, pool = new BufferPool(BATCH, 0), writers) {
    if (pool.size !== BATCH)
        throw new RangeError(`archiveStream needs a pool of ${BATCH}-byte buffers`);
    const batch = new BatchBuffer(pool);
    const full = [];
    const progress = { entries: 0, files: 0, bytes: 0 };
    for (const entry of entries) {
        const mode = entry.kind === 'symlink' ? 0o777 : entry.stat.mode & MODE_MASK;
        if (entry.kind === 'dir') {
            batch.copy(encodeTarHeader({ path: entry.rel, type: 'dir', mode, size: 0, mtime: entry.stat.mtime }), full);
            index.add({ path: entry.rel, type: 'dir', mode });
        }
        else if (entry.kind === 'symlink') {
            const target = entry.target;
            batch.copy(encodeTarHeader({
                path: entry.rel,
                type: 'symlink',
                mode,
                size: 0,
                mtime: entry.stat.mtime,
                linkpath: target
            }), full);
            index.add({ path: entry.rel, type: 'symlink', mode, target });
        }
        else {
            let fd;
            try {
                // non-blocking: a file swapped for a fifo since the walk must not hang the snapshot in open()
                const flags = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;
                fd = fs.openSync(entry.abs, flags);
            }
            catch (error) {
                throw cannotRead(entry.rel, error);
            }
            try {
                // nanoseconds: a writer that puts the mtime back still moves the ctime
                const before = fs.fstatSync(fd, { bigint: true });
                if (!before.isFile())
                    throw changed(entry.rel, 'it is no longer a regular file');
                writers?.admit(entry.rel, before);
                const size = Number(before.size);
                batch.copy(encodeTarHeader({ path: entry.rel, type: 'file', mode, size, mtime: before.mtime }), full);
                const hash = createHash('sha256');
                let done = 0;
                while (done < size) {
                    const want = Math.min(batch.space, size - done);
                    let got;
                    try {
                        got = fs.readSync(fd, batch.tail(), batch.used, want, done);
                    }
                    catch (error) {
                        throw cannotRead(entry.rel, error);
                    }
                    if (got === 0)
                        throw changed(entry.rel, 'it shrank');
                    hash.update(batch.tail().subarray(batch.used, batch.used + got));
                    batch.used += got;
                    done += got;
                    progress.bytes += got;
                    if (batch.space === 0)
                        full.push(batch.take());
                    while (full.length > 0)
                        yield full.shift();
                }
                const after = fs.fstatSync(fd, { bigint: true });
                const moved = [
                    after.size !== before.size && 'size',
                    after.mtimeNs !== before.mtimeNs && 'mtime',
                    after.ctimeNs !== before.ctimeNs && 'ctime'
                ].filter(Boolean);
                if (moved.length > 0) {
                    const who = writers?.whoWrites(before) ?? '';
                    throw changed(entry.rel, `it was written to: its ${moved.join(', ')} changed as it was read${who}`);
                }
                batch.zeros(paddingFor(size), full);
                index.add({ path: entry.rel, type: 'file', mode, size, sha256: hash.digest('hex') });
                progress.files++;
            }
            finally {
                fs.closeSync(fd);
            }
        }
        progress.entries++;
        onProgress?.(progress);
        while (full.length > 0)
            yield full.shift();
    }
    // all data is read: a writer that started meanwhile shows now, before the index is written
    writers?.recheck();
    const indexBytes = index.bytesOfIndex();
    batch.copy(encodeTarHeader({
        path: INDEX_PATH,
        type: 'file',
        mode: 0o644,
        size: indexBytes.length,
        mtime: new Date(0)
    }), full);
    batch.copy(indexBytes, full);
    batch.zeros(paddingFor(indexBytes.length), full);
    batch.copy(END_OF_ARCHIVE, full);
    yield* full;
    if (batch.used > 0)
        yield batch.take();
}

/**
 * Cuts the input into fixed-size blocks, encodes up to `inFlight` of them at once with `codec`,
 * and emits the frames in input order. Holding the write callback while `inFlight` blocks are
 * busy is the backpressure: memory stays flat whatever the input size.
 */
class BlockTransform extends Transform {
    #parts = [];
    #buffered = 0;
    #jobs = [];
    #blocks = 0;
    // Block buffers whose job has settled, reused so the input side makes no garbage per block.
    #spare = [];
    // Views of input chunks that an encoding block also points into: not to be released.
    #shared = new WeakSet();
    #codec;
    #options;
    constructor(codec, options) {
        super();
        if (!(Number.isInteger(options.blockSize) && options.blockSize >= 1 && options.inFlight >= 1)) {
            throw new RangeError('blockSize and inFlight must be at least 1');
        }
        this.#codec = codec;
        this.#options = options;
    }
    _transform(chunk, _encoding, callback) {
        this.#parts.push(chunk);
        this.#buffered += chunk.length;
        this.#accept().then(() => callback(), callback);
    }
    _flush(callback) {
        // An empty input still gets one (empty) frame: stock `gzip -d` rejects a zero-byte file.
        if (this.#buffered > 0 || this.#blocks === 0)
            this.#start(this.#cutBlock(this.#buffered));
        this.#drain(0).then(() => {
            this.#codec.close();
            callback();
        }, (error) => {
            this.#codec.close();
            callback(error);
        });
    }
    _destroy(error, callback) {
        // Blocks still on the threadpool finish there; their results are dropped with the jobs.
        this.#parts = [];
        this.#spare = [];
        this.#buffered = 0;
        this.#jobs = [];
        this.#codec.close();
        callback(error);
    }
    async #accept() {
        const { blockSize, inFlight } = this.#options;
        while (!this.destroyed && this.#buffered >= blockSize) {
            await this.#drain(inFlight - 1);
            this.#start(this.#cutBlock(blockSize));
        }
        this.#emitFinished();
    }
    #start([block, backing, whole]) {
        this.#blocks++;
        const job = { done: false, settled: Promise.resolve() };
        // Settle into the job, never reject: a failing later block must not be an unhandled rejection.
        job.settled = this.#codec.encode(block).then((value) => {
            job.done = true;
            job.value = value;
        }, (error) => {
            job.done = true;
            job.error = error ?? new Error('compression failed');
        });
        if (backing)
            void job.settled.then(() => this.#spare.push(backing));
        else if (whole)
            void job.settled.then(() => this.#options.release?.(whole));
        this.#jobs.push(job);
    }
    /** Waits for the oldest jobs, emitting them in order, until at most `keep` are left. */
    async #drain(keep) {
        while (this.#jobs.length > keep) {
            await this.#jobs[0]?.settled;
            this.#emitFinished();
        }
    }
    /** Emits the finished jobs at the head of the queue; throws the first error found there. */
    #emitFinished() {
        while (this.#jobs[0]?.done) {
            const job = this.#jobs.shift();
            if (job.error !== undefined)
                throw job.error;
            for (const piece of job.value ?? [])
                if (piece.length > 0)
                    this.push(piece);
        }
    }
    /**
     * Takes the next block: a buffered chunk of `size` to 2 \u00d7 `size` bytes as it is (no copy:
     * upstream chunks of about the block size then never get copied), a bigger one in `size`
     * slices, else exactly `size` bytes copied into a reusable backing buffer, returned second.
     */
    #cutBlock(size) {
        const first = this.#parts[0];
        if (first !== undefined && first.length >= size) {
            const take = first.length <= 2 * size ? first.length : size;
            this.#buffered -= take;
            if (take === first.length) {
                this.#parts.shift();
                return [first, null, this.#shared.has(first) ? undefined : first];
            }
            // the rest of a chunk a block still uses: never released, the GC takes it
            const rest = first.subarray(take);
            this.#shared.add(rest);
            this.#parts[0] = rest;
            return [first.subarray(0, take), null];
        }
        const backing = this.#spare.pop() ?? Buffer.allocUnsafeSlow(this.#options.blockSize);
        const block = backing.subarray(0, size);
        let at = 0;
        let used = 0;
        while (at < size) {
            const part = this.#parts[used];
            const n = part.copy(block, at, 0, Math.min(part.length, size - at));
            at += n;
            if (n === part.length) {
                used++;
                if (!this.#shared.has(part))
                    this.#options.release?.(part);
            }
            else {
                const rest = part.subarray(n);
                if (this.#shared.has(part))
                    this.#shared.add(rest);
                this.#parts[used] = rest;
            }
        }
        // One splice, not a shift per part: many small writes would make that quadratic.
        this.#parts.splice(0, used);
        this.#buffered -= size;
        return [block, backing];
    }
}

/** zstd's own default level, as `zstd` and `tar --zstd` use. */
const ZSTD_LEVEL = 3;
/** gzip's own default level. */
const GZIP_LEVEL = 6;
/**
 * Encodes blocks with a few long-lived zlib engines whose every write ends a frame (zstd
 * `ZSTD_e_end`) or member (gzip `Z_FINISH`): one threadpool job per block. Not
 * `zlib.zstdCompress`: it builds an engine per call and its end() makes two jobs (a continue
 * write, then an empty finishing one) plus a copy, which costs the main thread about 3x as much.
 */
class EnginePool {
    #idle = [];
    #create;
    #reset;
    #closed = false;
    /**
     * `reset`: whether an engine needs reset() between blocks. deflate does (a finished stream
     * takes no more input); zstd must not (Node's reset drops the parameters, so later frames
     * would lose their checksum) and needs none (a write after a frame's end starts the next).
     */
    constructor(create, reset) {
        this.#create = create;
        this.#reset = reset;
    }
    encode(block) {
        const engine = this.#idle.pop() ?? this.#create();
        return new Promise((resolve, reject) => {
            const parts = [];
            const onData = (part) => {
                parts.push(part);
            };
            engine.on('data', onData);
            engine.once('error', reject);
            engine.write(block, (error) => {
                engine.off('data', onData);
                engine.off('error', reject);
                // output still buffered (not emitted as 'data') comes after what was: order is kept
                for (let part = engine.read(); part !== null; part = engine.read())
                    parts.push(part);
                if (error || this.#closed)
                    this.#closeEngine(engine);
                else {
                    if (this.#reset)
                        engine.reset();
                    this.#idle.push(engine);
                }
                if (error)
                    reject(error);
                else
                    resolve(parts);
            });
        });
    }
    /** Frees the native contexts; close, not end: end() would add an empty frame or member. */
    close() {
        this.#closed = true;
        for (const engine of this.#idle.splice(0))
            this.#closeEngine(engine);
    }
    #closeEngine(engine) {
        engine.close();
    }
}
/**
 * Independent zstd frames. Each records its content size (zstd knows it when a frame is one
 * ending write) and an XXH64 checksum, so stock `zstd -d` detects corruption too; both are cheap.
 */
function zstdFrames(blockSize) {
    return new EnginePool(() => zlib.createZstdCompress({
        params: {
            [zlib.constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL,
            [zlib.constants.ZSTD_c_checksumFlag]: 1
        },
        flush: zlib.constants.ZSTD_e_end,
        chunkSize: room(blockSize)
    }), false);
}
/** gzip members (header, deflate, CRC-32 and size trailer); members concatenate into gzip. */
function gzipMembers(blockSize) {
    return new EnginePool(() => zlib.createGzip({
        level: GZIP_LEVEL,
        flush: zlib.constants.Z_FINISH,
        chunkSize: room(blockSize)
    }), true);
}
// Room for a whole frame in one output buffer, so a block is one threadpool job rather than a
// main-thread round trip per 16 KiB (the default chunkSize, which halves throughput).
function room(size) {
    return size + (size >> 7) + 65536;
}

/**
 * 1 MiB blocks: the cheapest in CPU per byte of 0.5\u20138 MiB (cache-friendly) and the least memory,
 * at the same ratio. One block in flight per core, 2 to 3: libuv's pool has 4 threads by default
 * and file I/O needs one; on 2 cores a third block only competes with the main thread.
 */
const DEFAULT_BLOCKS = {
    blockSize: 1 << 20,
    inFlight: Math.min(3, Math.max(2, availableParallelism()))
};
/**
 * Plaintext tar bytes in, compressed bytes out. zstd and gzip compress independent blocks in
 * parallel on libuv's threadpool and emit them in order: concatenated zstd frames and gzip
 * members are valid streams for stock `zstd -d`, `gzip -d` and `tar --zstd/-z -x`.
 */
function createCompressStream(kind, blocks = DEFAULT_BLOCKS) {
    switch (kind) {
        case 'zstd':
            return new BlockTransform(zstdFrames(blocks.blockSize), blocks);
        case 'gzip':
            return new BlockTransform(gzipMembers(blocks.blockSize), blocks);
        case 'none':
            return new PassThrough();
    }
}

const O_ACCMODE = 0o3;
const O_WRONLY = 0o1;
const O_RDWR = 0o2;
const O_APPEND = 0o2000;
const fileKey = (dev, ino) => `${dev}:${ino}`;
/** st_dev from the major:minor (hex) that /proc/<pid>/maps shows: glibc's makedev. */
function makedev(text) {
    const [maj, min] = text.split(':').map((part) => BigInt(`0x${part}`));
    const major = maj ?? 0n;
    const minor = min ?? 0n;
    return (((major & 0xfffff000n) << 32n) |
        ((major & 0xfffn) << 8n) |
        ((minor & 0xffffff00n) << 12n) |
        (minor & 0xffn));
}
function commandOf(pid) {
    try {
        const comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
        if (comm)
            return comm;
    }
    catch {
        // gone, or not ours: cmdline may still say what it was
    }
    try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] || '?';
    }
    catch {
        return '?';
    }
}
/** Kernel threads have an empty command line and hold no user files: not worth a warning. */
function isKernelThread(dir) {
    try {
        return fs.readFileSync(`${dir}/cmdline`).length === 0;
    }
    catch {
        return true; // gone
    }
}
const isDenied = (error) => {
    const code = error.code;
    return code === 'EACCES' || code === 'EPERM';
};
/**
 * Reads every other process's fds (with their fdinfo flags) and shared writable mappings once.
 * Our own process is left out: its threads share its fd table and its files are read-only.
 */
function scanWriters(proc = '/proc') {
    const holders = new Map();
    const hidden = [];
    const add = (key, holder) => {
        const list = holders.get(key) ?? [];
        if (!list.some((h) => h.pid === holder.pid && h.how === holder.how))
            list.push(holder);
        holders.set(key, list);
    };
    for (const pid of fs.readdirSync(proc)) {
        if (!/^\d+$/.test(pid) || Number(pid) === process.pid)
            continue;
        let command;
        const name = () => (command ??= commandOf(pid));
        let denied = false;
        let fds = [];
        try {
            fds = fs.readdirSync(`${proc}/${pid}/fd`);
        }
        catch (error) {
            denied ||= isDenied(error);
        }
        for (const fd of fds) {
            let flags;
            try {
                // sockets, pipes and anon inodes have no path: skip them without reading fdinfo
                if (!fs.readlinkSync(`${proc}/${pid}/fd/${fd}`).startsWith('/'))
                    continue;
                const info = /^flags:\s*([0-7]+)$/m.exec(fs.readFileSync(`${proc}/${pid}/fdinfo/${fd}`, 'utf8'));
                if (!info)
                    continue;
                flags = parseInt(info[1], 8);
            }
            catch {
                continue; // closed meanwhile
            }
            const access = flags & O_ACCMODE;
            if (access !== O_WRONLY && access !== O_RDWR)
                continue;
            let stat;
            try {
                stat = fs.statSync(`${proc}/${pid}/fd/${fd}`, { bigint: true });
            }
            catch {
                continue;
            }
            const mode = `${access === O_WRONLY ? 'O_WRONLY' : 'O_RDWR'}${flags & O_APPEND ? '|O_APPEND' : ''}`;
            add(fileKey(stat.dev, stat.ino), {
                pid: Number(pid),
                command: name(),
                how: `open for writing, fd ${fd} ${mode}`
            });
        }
        let maps = '';
        try {
            maps = fs.readFileSync(`${proc}/${pid}/maps`, 'utf8');
        }
        catch (error) {
            denied ||= isDenied(error);
        }
        for (const line of maps.split('\n')) {
            // address perms offset dev inode path; a private (p) mapping cannot change the file
            const [, perms, , dev, inode] = line.split(/\s+/, 5);
            if (perms?.[1] !== 'w' || perms[3] !== 's' || !dev || !inode || inode === '0')
                continue;
            add(fileKey(makedev(dev), BigInt(inode)), {
                pid: Number(pid),
                command: name(),
                how: 'mapped shared and writable'
            });
        }
        if (denied && !isKernelThread(`${proc}/${pid}`))
            hidden.push({ pid: Number(pid), command: name() });
    }
    return { holders, hidden };
}
const describe$1 = (holders) => holders
    .slice(0, 3)
    .map((h) => `pid ${h.pid} (${h.command}): ${h.how}`)
    .join('; ');
function liveWriter(rel, holders, when) {
    const who = describe$1(holders);
    return new NoGoError(`${rel} is being written by another process ${when} (${who}); pause rollout and isolate writes (runbook decision point B): stop the writer and rerun`, 'B');
}
/**
 * Writers of the archived files, seen by a scan before the archive starts and a second one
 * after all data was read, so a writer that starts mid-read is caught too.
 */
class LiveWriterWatch {
    before;
    archived = new Map();
    hidden = new Map();
    constructor() {
        this.before = this.noteHidden(scanWriters());
    }
    /** Before a file is read (stat from its open fd): NO-GO if the first scan saw a writer. */
    admit(rel, stat) {
        const key = fileKey(stat.dev, stat.ino);
        this.archived.set(key, rel);
        const holders = this.before.holders.get(key);
        if (holders)
            throw liveWriter(rel, holders, 'as the snapshot starts');
    }
    /** After the data was read: NO-GO naming any archived file that now has a writer. */
    recheck() {
        const after = this.noteHidden(scanWriters());
        for (const [key, rel] of this.archived) {
            const holders = after.holders.get(key);
            if (holders)
                throw liveWriter(rel, holders, 'while the snapshot read it');
        }
    }
    /** For a file seen changing: who holds it for writing now ('' when no one is seen), to name them. */
    whoWrites(stat) {
        const holders = this.noteHidden(scanWriters()).holders.get(fileKey(stat.dev, stat.ino));
        return holders ? `; held by ${describe$1(holders)}` : '';
    }
    /** One line on the processes we could not look into: a writer among them would go unseen. */
    warnings() {
        if (this.hidden.size === 0)
            return [];
        const few = [...this.hidden]
            .slice(0, 5)
            .map(([pid, command]) => `${pid} (${command})`)
            .join(', ');
        return [
            `could not inspect ${this.hidden.size} processes for writers of the includes (their /proc entries are not readable: EACCES), e.g. ${few}; run as their user or make sure none of them writes the repository`
        ];
    }
    noteHidden(scan) {
        for (const { pid, command } of scan.hidden)
            this.hidden.set(pid, command);
        return scan;
    }
}

const byBytes = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b));
/** Valid UTF-8 as itself, every other byte (and controls, and '\\') as \\xNN. */
function showNameBytes(name) {
    let out = '';
    for (let at = 0; at < name.length;) {
        const lead = name[at];
        const len = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 0;
        const piece = name.subarray(at, at + len);
        if (len > 0 && piece.length === len && Buffer.from(piece.toString('utf8')).equals(piece)) {
            out += lead < 0x20 || lead === 0x5c || lead === 0x7f ? hex(lead) : piece.toString('utf8');
            at += len;
        }
        else {
            out += hex(lead);
            at++;
        }
    }
    return out;
}
const hex = (byte) => `\\x${byte.toString(16).padStart(2, '0')}`;
function describeSpecial(stat) {
    if (stat.isSocket())
        return 'socket';
    if (stat.isFIFO())
        return 'fifo';
    if (stat.isCharacterDevice())
        return 'character device';
    if (stat.isBlockDevice())
        return 'block device';
    return 'special file';
}
/** A symlink is archived as a link; its target must resolve, lexically, inside the repository. */
function checkLinkTarget(repo, rel, target) {
    if (path.isAbsolute(target)) {
        throw new NoGoError(`symlink ${rel} has an absolute target (${target}); a snapshot keeps only relative links inside the repository: make it relative or remove it`);
    }
    const outside = (from, to) => {
        const back = path.relative(from, to);
        return back.startsWith('..') || path.isAbsolute(back);
    };
    // lexically, and through other links too (s -> . then u -> s/../..): a restore checks both
    let real;
    try {
        // realpath(3), not path.resolve: '..' must apply after each link is followed
        real = fs.realpathSync.native(`${path.join(repo, path.dirname(rel))}/${target}`);
    }
    catch {
        real = undefined;
    }
    if (outside(repo, path.resolve(repo, path.dirname(rel), target)) ||
        (real !== undefined && outside(fs.realpathSync(repo), real))) {
        throw new NoGoError(`symlink ${rel} points outside the repository (-> ${target}); remove it or point it inside before taking the snapshot`);
    }
}
/**
 * Depth-first walk of the include roots, children sorted by the bytes of their names, never
 * following symlinks. Special files are left out and reported through onSkip.
 */
function* walkIncludes(repo, includes, onSkip) {
    for (const include of [...includes].sort(byBytes)) {
        const abs = path.join(repo, include);
        let stat;
        try {
            stat = fs.lstatSync(abs);
        }
        catch (error) {
            if (error.code === 'ENOENT') {
                throw new NoGoError(`include ${include} is missing from ${repo}; create it, or remove it from the include input`);
            }
            throw error;
        }
        yield* visit(repo, include, abs, stat, onSkip);
    }
}
function* visit(repo, rel, abs, stat, onSkip) {
    if (stat.isSymbolicLink()) {
        const raw = fs.readlinkSync(abs, { encoding: 'buffer' });
        const target = raw.toString('utf8');
        // a target decoded with U+FFFD in it would restore as a different link
        if (!Buffer.from(target, 'utf8').equals(raw)) {
            throw new NoGoError(`symlink ${rel} has a target that is not UTF-8 (${showNameBytes(raw)}, shown with \\x escapes): point it at a UTF-8 name and rerun`);
        }
        checkLinkTarget(repo, rel, target);
        yield { rel, abs, kind: 'symlink', stat, target };
        return;
    }
    if (stat.isFile()) {
        yield { rel, abs, kind: 'file', stat };
        return;
    }
    if (!stat.isDirectory()) {
        onSkip(`left out ${rel}: it is a ${describeSpecial(stat)}; a snapshot keeps only files, folders and symlinks`);
        return;
    }
    yield { rel, abs, kind: 'dir', stat };
    let raw;
    try {
        raw = fs.readdirSync(abs, { encoding: 'buffer' });
    }
    catch (error) {
        throw new NoGoError(`cannot list folder ${rel}: ${error.code ?? String(error)}; give the runner read access to it`);
    }
    // names travel as text (tar, index, report): one that does not survive utf8 would be merged or lost
    for (const name of raw) {
        if (!Buffer.from(name.toString('utf8'), 'utf8').equals(name)) {
            throw new NoGoError(`folder ${rel} holds a name that is not UTF-8 (${showNameBytes(name)}, shown with \\x escapes): rename it to UTF-8 and rerun`);
        }
    }
    const names = raw.sort(Buffer.compare).map((name) => name.toString('utf8'));
    for (const name of names) {
        const childAbs = path.join(abs, name);
        const childRel = `${rel}/${name}`;
        let childStat;
        try {
            childStat = fs.lstatSync(childAbs);
        }
        catch (error) {
            if (error.code === 'ENOENT') {
                throw new NoGoError(`${childRel} vanished while the snapshot was being taken; stop writes to the repository and rerun`);
            }
            throw error;
        }
        yield* visit(repo, childRel, childAbs, childStat, onSkip);
    }
}

function describe(stat, abs) {
    const kind = stat.isSymbolicLink()
        ? `link->${fs.readlinkSync(abs, { encoding: 'buffer' }).toString('hex')}`
        : stat.isDirectory()
            ? 'dir'
            : stat.isFile()
                ? 'file'
                : 'other';
    return `${kind} ${stat.mode} ${stat.size} ${stat.ino} ${stat.mtimeNs} ${stat.ctimeNs}`;
}
/** Entry names as bytes (latin1 keeps every byte), relative to repo. */
function fingerprintIncludes(repo, includes) {
    const out = new Map();
    const visit = (abs, rel) => {
        let stat;
        try {
            stat = fs.lstatSync(abs, { bigint: true });
        }
        catch {
            out.set(rel, 'missing');
            return;
        }
        out.set(rel, describe(stat, abs));
        if (!stat.isDirectory())
            return;
        let names;
        try {
            names = fs.readdirSync(abs, { encoding: 'buffer' });
        }
        catch (error) {
            out.set(`${rel}/`, `unlistable ${error.code ?? ''}`);
            return;
        }
        for (const name of names) {
            visit(Buffer.concat([abs, Buffer.from('/'), name]), `${rel}/${name.toString('latin1')}`);
        }
    };
    for (const include of includes)
        visit(Buffer.from(path.join(repo, include)), include);
    return out;
}
/** Entries added, removed or changed between two fingerprints, sorted, shown as UTF-8. */
function changedEntries(before, after) {
    const changed = new Set();
    for (const [rel, what] of before)
        if (after.get(rel) !== what)
            changed.add(rel);
    for (const rel of after.keys())
        if (!before.has(rel))
            changed.add(rel);
    return [...changed]
        .sort()
        .map((rel) => JSON.stringify(Buffer.from(rel, 'latin1').toString('utf8')).slice(1, -1));
}

/** `a, b, c and 4 more` for a one-line detail. */
function nameFew(files, few = 5) {
    const shown = files.slice(0, few).join(', ');
    return files.length > few ? `${shown} and ${files.length - few} more` : shown;
}

/** Recorded in manifests and reports; bump with package.json. */
const TOOL = { name: 'cutover-gate', version: '0.1.0' };

/**
 * Runbook step 2: tar \u2192 compress \u2192 age (scrypt, or the recipients) \u2192 temp file, hashed as it is written; renamed into
 * place, then the manifest written last. A run that dies leaves the previous pair whole.
 */
async function createSnapshot(config, keys, logger, now = () => new Date(), options = {}) {
    if (!config.force && fs.existsSync(config.manifestPath)) {
        throw new NoGoError(`manifest ${config.manifestPath} already exists and force is false; set force: true to replace it, or point manifest elsewhere`);
    }
    for (const include of config.includes) {
        if (!fs.existsSync(path.join(config.repo, include)) &&
            !isDanglingLink(path.join(config.repo, include))) {
            throw new NoGoError(`include ${include} is missing from ${config.repo}; create it, or remove it from the include input`);
        }
    }
    try {
        fs.mkdirSync(config.snapshotDir, { recursive: true });
    }
    catch (error) {
        throw new NoGoError(`cannot create snapshot-dir ${config.snapshotDir}: ${error.message}`);
    }
    const lock = lockSnapshotDir(config.snapshotDir);
    let succeeded = false;
    const warnings = [];
    try {
        for (const name of removeStaleTemps(config.snapshotDir)) {
            warnings.push(`removed ${name}, a temp file left by an interrupted run`);
        }
        const { createdAtDate, finalPath } = await freshName(config, now);
        const tempPath = tempNameFor(finalPath);
        registerPath(tempPath); // a partial snapshot is removed on a signal too
        const index = new IndexBuilder();
        // header first, then the payload: scrypt (or the recipients) wrap the key while the first
        // chunks are compressed and encrypted, and the file is hashed as it is written
        const key = encryptionKeyOf(keys, config.workFactor);
        const age = encryptStream(key);
        const output = new HashedFileWriter(tempPath);
        const progress = new ProgressReporter(logger, 'snapshot');
        // the batches cycle: read into, compressed from, given back once their block is encoded
        const batches = new BufferPool(BATCH, 16);
        // other processes writing the includes, seen once before reading and once after (runbook B)
        const writers = new LiveWriterWatch();
        try {
            await pipeline(Readable.from(archiveStream(walkIncludes(config.repo, config.includes, (w) => warnings.push(w)), index, (p) => progress.update(p.files, p.bytes), batches, writers), 
            // a few batches of read-ahead keep reading and hashing busy while zstd works
            { objectMode: false, highWaterMark: 4 * 1024 * 1024 }), createCompressStream(config.compression, {
                ...DEFAULT_BLOCKS,
                release: (b) => batches.release(b)
            }), age, output);
            warnings.push(...writers.warnings());
            if (options.unchangedSince)
                assertUnchanged(config, options.unchangedSince);
            // the output synced the file before finishing
            lock.assertHeld();
            fs.renameSync(tempPath, finalPath);
            unregisterPath(tempPath);
            fsyncDir(config.snapshotDir);
        }
        catch (error) {
            fs.rmSync(tempPath, { force: true });
            unregisterPath(tempPath);
            if (error instanceof NoGoError)
                throw error;
            throw new NoGoError(`writing snapshot ${finalPath} failed: ${describeWriteError(error)}`);
        }
        const createdAt = createdAtDate.toISOString().replace(/\.\d{3}Z$/, 'Z');
        const sha256 = output.digestHex();
        const manifest = {
            version: 1,
            createdAt,
            snapshot: {
                path: path.relative(path.dirname(config.manifestPath), finalPath),
                size: output.size,
                sha256
            },
            compression: config.compression,
            encryption: encryptionRecordOf(key),
            includes: [...config.includes],
            content: { files: index.files, bytes: index.bytes, digest: index.digest() },
            tool: TOOL
        };
        // the snapshot's own manifest first (the catalogue), latest-manifest.json last, as its copy
        const ownManifest = path.join(config.snapshotDir, snapshotManifestName(utcStamp(createdAtDate)));
        for (const [target, written] of [
            [
                ownManifest,
                { ...manifest, snapshot: { ...manifest.snapshot, path: path.basename(finalPath) } }
            ],
            [config.manifestPath, manifest]
        ]) {
            lock.assertHeld();
            try {
                writeManifest(target, written);
            }
            catch (error) {
                throw new NoGoError(`writing manifest ${target} failed: ${describeWriteError(error)}`);
            }
        }
        succeeded = true;
        return {
            warnings,
            manifest,
            lock: options.keepLock ? lock : undefined,
            evidence: {
                snapshotPath: finalPath,
                manifestPath: config.manifestPath,
                size: output.size,
                sha256,
                contentDigest: manifest.content.digest,
                files: index.files,
                bytes: index.bytes,
                compression: config.compression,
                encryption: manifest.encryption,
                createdAt
            }
        };
    }
    finally {
        if (!(succeeded && options.keepLock))
            lock.release();
    }
}
/**
 * Names are to the second (SPEC), so a rerun within the same second waits for the next one
 * rather than failing; the snapshot-dir lock keeps anyone else from taking that name meanwhile.
 */
async function freshName(config, now) {
    for (let attempt = 0; attempt < 3; attempt++) {
        const createdAtDate = now();
        const finalPath = path.join(config.snapshotDir, snapshotFileName(createdAtDate, config.compression));
        // one id, one snapshot: no other compression's file or manifest may hold this second
        const id = utcStamp(createdAtDate);
        const taken = [
            ...Object.values(EXTENSIONS).map((ext) => `snapshot-${id}${ext}`),
            snapshotManifestName(id)
        ];
        if (!taken.some((name) => fs.existsSync(path.join(config.snapshotDir, name))))
            return { createdAtDate, finalPath };
        await new Promise((resolve) => setTimeout(resolve, 1000 - createdAtDate.getUTCMilliseconds() + 5));
    }
    throw new NoGoError(`snapshot-dir ${config.snapshotDir} already holds a snapshot for this second; check the clock and rerun`);
}
function assertUnchanged(config, since) {
    const changed = changedEntries(since, fingerprintIncludes(config.repo, config.includes));
    if (changed.length === 0)
        return;
    throw new NoGoError(`the includes changed after the migration dry-run, before the snapshot was complete: ${nameFew(changed)}; a process is still writing them (runbook decision point B: pause and isolate writes, stop what the dry-run left running, then rerun)`);
}
function isDanglingLink(p) {
    try {
        return fs.lstatSync(p).isSymbolicLink();
    }
    catch {
        return false;
    }
}
function describeWriteError(error) {
    const code = error.code;
    if (code === 'ENOSPC')
        return 'the disk is full (ENOSPC); free space or choose another snapshot-dir';
    if (code === 'EACCES' || code === 'EPERM')
        return 'permission denied; give the runner write access';
    return error.message;
}

/** The lane's order for each mode (runbook "must run in order"): the first NO-GO stops it. */
const LANE_ORDER = {
    precutover: [
        'migration-export',
        'migration-check',
        'migration-import',
        'snapshot-create',
        'restore-test'
    ],
    'migration-dry-run': ['migration-export', 'migration-check', 'migration-import'],
    snapshot: ['snapshot-create'],
    'restore-test': ['restore-test'],
    restore: ['restore'],
    // list reads the catalogue and runs no step of the lane (src/catalogue/list-mode.ts)
    list: []
};

/**
 * The environment for migration commands: the parent's minus every secret and every INPUT_*,
 * plus this run's marker, by which processes that escape the command's group are found again.
 * child_process replaces the whole environment with `env`, so this is built in full, not merged.
 * After the secret hand-off the parent holds no secret already; this is the second wall.
 */
function childEnv(env, passphraseEnv, identityEnv = '') {
    const names = secretNames(env);
    if (passphraseEnv)
        names.add(passphraseEnv);
    if (identityEnv)
        names.add(identityEnv);
    const { rest } = splitSecrets(env, names);
    const out = {};
    for (const [name, value] of Object.entries(rest)) {
        if (!name.toUpperCase().startsWith('INPUT_'))
            out[name] = value;
    }
    out[RUN_MARKER_VAR] = runMarker();
    return out;
}

/**
 * git through the one hardened door; here a failure is an error, as drift cannot be judged. Names
 * come back as latin1, one char per byte: a UTF-8 decode would turn `dup\xff` into `dup\uFFFD`,
 * another (or no) file, so a write to it would go unseen.
 */
async function git(repo, args) {
    const result = await git$1(repo, args, {
        timeoutMs: 120_000,
        maxBuffer: 1024 * 1024 * 1024,
        encoding: 'latin1'
    });
    if (!result.ok)
        throw new Error(`git ${args[0]} in ${repo} failed: ${result.error}`);
    return result.out;
}
const BUFFER = Buffer.alloc(1 << 20);
/**
 * What is at file now, by our own reading: every tracked file is hashed before and after, in
 * 1 MiB reads (synchronous: nothing else runs while the repository is judged, and it is ~4x
 * faster than the threadpool for many small files here).
 */
function contentHash(file) {
    let info;
    try {
        info = fs.lstatSync(file);
    }
    catch {
        return 'missing';
    }
    const mode = (info.mode & 0o7777).toString(8);
    if (info.isSymbolicLink())
        return `link:${fs.readlinkSync(file)}`;
    if (info.isDirectory())
        return `dir:${mode}`; // a submodule's gitlink
    if (!info.isFile())
        return `other:${mode}`;
    const hash = createHash('sha256');
    // non-blocking: a tracked file swapped for a fifo meanwhile must not hang the gate in open()
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    try {
        if (!fs.fstatSync(fd).isFile())
            return `other:${mode}`;
        for (;;) {
            const read = fs.readSync(fd, BUFFER, 0, BUFFER.length, null);
            if (read === 0)
                break;
            hash.update(BUFFER.subarray(0, read));
        }
    }
    finally {
        fs.closeSync(fd);
    }
    return `${mode}:${hash.digest('hex')}`;
}
function splitZ(out) {
    return out.split('\0').filter(Boolean);
}
/** The bytes of a latin1 name from git, as a path fs reads exactly. */
const onDisk = (repo, name) => Buffer.concat([Buffer.from(`${repo}/`), Buffer.from(name, 'latin1')]);
/** A latin1 name from git as the report shows it (UTF-8, invalid bytes as U+FFFD). */
const shown = (name) => Buffer.from(name, 'latin1').toString('utf8');
/**
 * The first folder between repo and file that is a symlink, with its target, or undefined: a
 * tracked folder swapped for a link to a copy keeps every hash but is drift to git.
 */
function linkedParent(repo, name, seen) {
    let at = name.lastIndexOf('/');
    const parents = [];
    while (at > 0) {
        parents.unshift(name.slice(0, at));
        at = name.lastIndexOf('/', at - 1);
    }
    for (const parent of parents) {
        let verdict = seen.get(parent);
        if (verdict === undefined) {
            const folder = onDisk(repo, parent);
            try {
                verdict = fs.lstatSync(folder).isSymbolicLink()
                    ? `link:${shown(parent)}->${fs.readlinkSync(folder).toString()}`
                    : '';
            }
            catch {
                verdict = '';
            }
            seen.set(parent, verdict);
        }
        if (verdict)
            return verdict;
    }
    return undefined;
}
/** What is at a tracked name now: its content, or the symlinked folder it is reached through. */
function trackedContent(repo, name, seen) {
    return linkedParent(repo, name, seen) ?? contentHash(onDisk(repo, name));
}
/**
 * Reads the git state of repo; throws if repo is not in a git work tree (or git fails). Only
 * `rev-parse` and `ls-files`: no command that refreshes the index or runs a filter.
 */
async function readGitState(repo) {
    // One call for where we are and HEAD; a repository without commits has no HEAD to show.
    const where = await git(repo, ['rev-parse', '--show-toplevel', '--show-prefix', 'HEAD']).catch(() => null);
    const [toplevel = '', prefix = '', head = null] = (where ?? (await git(repo, ['rev-parse', '--show-toplevel', '--show-prefix']))).split('\n');
    const index = new Map();
    for (const line of splitZ(await git(repo, ['ls-files', '-z', '--stage', '--', '.']))) {
        const tab = line.indexOf('\t');
        const file = line.slice(tab + 1);
        const entry = line.slice(0, tab);
        index.set(file, index.has(file) ? `${index.get(file)}\n${entry}` : entry);
    }
    const content = new Map();
    const seen = new Map();
    for (const file of index.keys())
        content.set(file, trackedContent(repo, file, seen));
    const others = await git(repo, ['ls-files', '-z', '--others', '--exclude-standard', '--', '.']);
    return {
        head: head || null,
        index,
        content,
        untracked: new Set(splitZ(others)),
        toplevel,
        prefix
    };
}
/** What changed between two states of the same repo. */
async function compareGitStates(repo, before, after) {
    const changed = new Set();
    const seen = new Map();
    for (const file of new Set([...before.index.keys(), ...after.index.keys()])) {
        if (before.index.get(file) !== after.index.get(file))
            changed.add(file);
        // a file that is no longer in the index is judged on disk too: deleting it is drift as well
        const was = before.content.get(file) ?? 'untracked';
        const now = after.content.get(file) ?? trackedContent(repo, file, seen);
        if (before.index.has(file) && was !== now)
            changed.add(file);
    }
    let headMoved;
    if (before.head !== after.head) {
        headMoved = { from: before.head, to: after.head };
        if (before.head && after.head) {
            const names = await git(repo, [
                'diff',
                '--no-ext-diff',
                '--no-textconv',
                '--name-only',
                '-z',
                before.head,
                after.head,
                '--',
                '.'
            ]);
            for (const name of splitZ(names)) {
                changed.add(name.startsWith(after.prefix) ? name.slice(after.prefix.length) : name);
            }
        }
    }
    const created = [...after.untracked].filter((file) => !before.untracked.has(file)).sort();
    return {
        changed: [...changed].sort().map(shown),
        headMoved,
        created: created.map(shown)
    };
}

const SCRIPT_EXTENSION = /\.(py|js|mjs|cjs|ts|sh|bash|rb|pl|php)$/i;
/** Interpreter flags after which the next word is code or a module, not a script file. */
const CODE_FLAGS = new Set(['-c', '-e', '-m', '-p', '--eval', '--print']);
/**
 * The script file a command runs, if it can be told without running it: the program itself when
 * it is a path (`scripts/backup.sh`), or an interpreter's first non-option word that looks like a
 * script file (`python3 -u scripts/export.py`).
 */
function scriptOf(argv) {
    const [program, ...rest] = argv;
    if (!program)
        return undefined;
    if (program.includes('/') || program.includes(path.sep))
        return program;
    for (const word of rest) {
        if (CODE_FLAGS.has(word))
            return undefined;
        if (word.startsWith('-'))
            continue;
        return SCRIPT_EXTENSION.test(word) && !/\s/.test(word) ? word : undefined;
    }
    return undefined;
}
/** The script of argv when it does not exist (relative to repo), else undefined. */
async function missingScript(argv, repo) {
    const script = scriptOf(argv);
    if (!script)
        return undefined;
    try {
        await access(path.resolve(repo, script));
        return undefined;
    }
    catch {
        return script;
    }
}
/** Interpreters' own words for a script file that is not there, for scripts found only at run time. */
const MISSING_IN_OUTPUT = [
    /can't open file '([^']+)': \[Errno 2\]/, // python
    /Cannot find module '([^']+)'[\s\S]*requireStack: \[\]/ // node, the main module itself
];
function missingScriptInOutput(output) {
    for (const pattern of MISSING_IN_OUTPUT) {
        const match = pattern.exec(output);
        if (match?.[1])
            return match[1];
    }
    return undefined;
}

/** Keeps the last bytes and lines of a command's combined output: enough to explain a failure. */
class OutputTail {
    maxBytes;
    maxLines;
    chunks = [];
    held = 0;
    /** Every byte seen, kept or not. */
    totalBytes = 0;
    constructor(maxBytes = 64 * 1024, maxLines = 200) {
        this.maxBytes = maxBytes;
        this.maxLines = maxLines;
    }
    push(chunk) {
        this.chunks.push(chunk);
        this.held += chunk.length;
        this.totalBytes += chunk.length;
        // Drop whole chunks from the front while what stays is still at least maxBytes.
        while (this.chunks.length > 1 &&
            this.held - this.chunks[0].length >= this.maxBytes) {
            this.held -= this.chunks.shift().length;
        }
    }
    /** The tail as text, with a first line saying how much was left out, if anything was. */
    text() {
        let bytes = Buffer.concat(this.chunks);
        if (bytes.length > this.maxBytes)
            bytes = bytes.subarray(bytes.length - this.maxBytes);
        let text = bytes.toString('utf8');
        let cut = bytes.length < this.totalBytes;
        // A cut in the middle of a line (or a UTF-8 sequence) starts at the next whole line.
        if (cut)
            text = text.slice(text.indexOf('\n') + 1);
        const lines = text.split('\n');
        if (lines.at(-1) === '')
            lines.pop();
        if (lines.length > this.maxLines) {
            lines.splice(0, lines.length - this.maxLines);
            cut = true;
        }
        const shown = lines.join('\n');
        if (!cut)
            return shown;
        const hidden = this.totalBytes - Buffer.byteLength(shown, 'utf8');
        return `[output truncated: ${hidden} earlier bytes not shown]\n${shown}`;
    }
}
/** A logged line longer than this shows its start and how many bytes were left out. */
const MAX_LINE_BYTES = 4 * 1024;
/**
 * Splits a byte stream into lines for live logging. It holds at most MAX_LINE_BYTES of the line in
 * progress, whatever its length: a command printing 100 MB without a newline must not cost 100 MB
 * (or, re-joined on every chunk, quadratic time).
 */
class LineSplitter {
    onLine;
    head = Buffer.alloc(MAX_LINE_BYTES);
    held = 0;
    dropped = 0;
    lastByte = -1;
    constructor(onLine) {
        this.onLine = onLine;
    }
    push(chunk) {
        let start = 0;
        while (start < chunk.length) {
            const newline = chunk.indexOf(0x0a, start);
            const end = newline === -1 ? chunk.length : newline;
            this.take(chunk, start, end);
            if (newline === -1)
                return;
            this.emit();
            start = newline + 1;
        }
    }
    end() {
        if (this.held > 0 || this.dropped > 0)
            this.emit();
    }
    take(chunk, start, end) {
        if (end === start)
            return;
        const room = MAX_LINE_BYTES - this.held;
        const kept = Math.min(room, end - start);
        chunk.copy(this.head, this.held, start, start + kept);
        this.held += kept;
        this.dropped += end - start - kept;
        this.lastByte = chunk[end - 1];
    }
    emit() {
        let keep = this.held;
        let dropped = this.dropped;
        // a line ending in CR LF logs without the CR
        if (this.lastByte === 0x0d) {
            if (dropped > 0)
                dropped--;
            else
                keep--;
        }
        if (dropped > 0) {
            // cut at a character boundary: step back over a UTF-8 sequence the cap split
            let lead = keep;
            while (lead > 0 && lead > keep - 4 && (this.head[lead - 1] & 0xc0) === 0x80)
                lead--;
            if (lead > 0 && lead > keep - 4) {
                const first = this.head[lead - 1];
                const length = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
                if (lead - 1 + length > keep) {
                    dropped += keep - (lead - 1);
                    keep = lead - 1;
                }
            }
        }
        const text = this.head.toString('utf8', 0, keep);
        this.held = 0;
        this.dropped = 0;
        this.lastByte = -1;
        this.onLine(dropped > 0 ? `${text} \u2026 (${dropped} more bytes)` : text);
    }
}

/** node:child_process, loaded by the first command: the modes without one never pay its ~10 ms. */
const childProcess = () => process.getBuiltinModule('node:child_process');
/** Process groups of commands still running: killed if this process is interrupted or exits. */
const liveGroups = new Set();
function killGroup(pid, signal) {
    try {
        if (process.platform === 'win32') {
            childProcess().spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore' });
            return true;
        }
        process.kill(-pid, signal);
        return true;
    }
    catch {
        return false; // ESRCH: the whole group is already gone
    }
}
function groupAlive(pid) {
    if (process.platform === 'win32')
        return false;
    try {
        process.kill(-pid, 0);
        return true;
    }
    catch {
        return false;
    }
}
// Children live in their own process group, so a cancelled job's SIGINT/SIGTERM or a Ctrl-C
// never reaches them: the exit cleanup (signals, exceptions, exit) kills them.
registerStopper(() => {
    for (const pid of liveGroups)
        killGroup(pid, 'SIGKILL');
});
/**
 * Runs argv (no shell) with a timeout that kills the whole process tree. node:child_process
 * rather than @actions/exec: exec neither exposes the child nor starts it in its own process
 * group, and only a group (`detached`, then kill(-pid)) also reaches grandchildren that a
 * script started, e.g. `sh -c "sleep 600"` or a python subprocess.
 */
function runCommand(argv, options) {
    const [file, ...args] = argv;
    if (!file)
        throw new Error('runCommand needs a program to run');
    const started = performance.now();
    const tail = new OutputTail();
    const lines = options.onLine
        ? [new LineSplitter(options.onLine), new LineSplitter(options.onLine)]
        : [];
    return new Promise((resolve) => {
        let child;
        let timedOut = false;
        let leftovers = false;
        let escaped = [];
        let exitCode = null;
        let signal = null;
        let done = false;
        const timers = [];
        const finish = (spawnError) => {
            if (done)
                return;
            done = true;
            for (const timer of timers)
                clearTimeout(timer);
            if (child.pid !== undefined)
                liveGroups.delete(child.pid);
            for (const splitter of lines)
                splitter.end();
            resolve({
                exitCode,
                signal,
                timedOut,
                spawnError,
                durationMs: Math.round(performance.now() - started),
                output: tail.text(),
                outputBytes: tail.totalBytes,
                leftovers,
                escaped
            });
        };
        try {
            child = childProcess().spawn(file, args, {
                cwd: options.cwd,
                env: options.env,
                detached: true,
                stdio: ['ignore', 'pipe', 'pipe'],
                windowsHide: true
            });
        }
        catch (error) {
            // Synchronous spawn failures (e.g. a NUL byte in an argument) are reported like ENOENT.
            child = { pid: undefined };
            finish(error);
            return;
        }
        child.stdout?.on('data', (chunk) => {
            tail.push(chunk);
            lines[0]?.push(chunk);
        });
        child.stderr?.on('data', (chunk) => {
            tail.push(chunk);
            lines[1]?.push(chunk);
        });
        child.on('error', (error) => {
            if (child.pid === undefined)
                finish(error);
        });
        if (child.pid === undefined)
            return;
        const pid = child.pid;
        liveGroups.add(pid);
        timers.push(setTimeout(() => {
            timedOut = true;
            killGroup(pid, 'SIGTERM');
            timers.push(setTimeout(() => killGroup(pid, 'SIGKILL'), options.killGraceMs ?? 5000));
        }, options.timeoutMs));
        child.on('exit', (code, sig) => {
            exitCode = code;
            signal = sig;
            // Whatever of its tree outlived the command (a background job) is stopped now, and named
            // first: by the marker, which also finds those that left the group (setsid, double fork).
            const marker = options.env[RUN_MARKER_VAR];
            if (marker)
                escaped = stopMarked(marker);
            if (groupAlive(pid)) {
                leftovers = !timedOut;
                killGroup(pid, 'SIGKILL');
            }
            // A process that left the group (setsid) may still hold our pipes: stop waiting for it.
            timers.push(setTimeout(() => {
                child.stdout?.destroy();
                child.stderr?.destroy();
                finish();
            }, 5000));
        });
        child.on('close', () => finish());
    });
}

/**
 * Splits a command line into argv the way a POSIX shell splits words: whitespace separates,
 * '...' is literal, "..." keeps spaces and honours \" \\ \$ \`, a backslash outside quotes
 * escapes the next character. Nothing else of a shell: no pipes, redirects, globs, variables or
 * `&&` (they reach the program as plain words); wrap the command in `sh -c "..."` for those.
 */
function splitCommand(command) {
    const argv = [];
    let word = '';
    let inWord = false;
    let i = 0;
    const next = () => {
        const c = command[i++];
        if (c === undefined)
            throw new Error(`unfinished escape or quote in command: ${command}`);
        return c;
    };
    while (i < command.length) {
        const c = next();
        if (/\s/.test(c)) {
            if (inWord)
                argv.push(word);
            word = '';
            inWord = false;
            continue;
        }
        // A backslash-newline is a line continuation in a shell: it vanishes.
        if (c === '\\' && command[i] === '\n') {
            i++;
            continue;
        }
        inWord = true;
        if (c === '\\') {
            word += next();
        }
        else if (c === "'") {
            const end = command.indexOf("'", i);
            if (end < 0)
                throw new Error(`unmatched ' in command: ${command}`);
            word += command.slice(i, end);
            i = end + 1;
        }
        else if (c === '"') {
            for (;;) {
                if (i >= command.length)
                    throw new Error(`unmatched " in command: ${command}`);
                const d = next();
                if (d === '"')
                    break;
                if (d === '\\' && i < command.length && '"\\$`\n'.includes(command[i])) {
                    const escaped = next();
                    if (escaped !== '\n')
                        word += escaped;
                }
                else {
                    word += d;
                }
            }
        }
        else {
            word += c;
        }
    }
    if (inWord)
        argv.push(word);
    return argv;
}
/** Replaces every `{package}` in each word, after splitting, so a path with spaces stays one word. */
function substitutePackage(argv, packageDir) {
    return argv.map((word) => word.split('{package}').join(packageDir));
}

const STEPS = [
    ['migration-export', 'exportCommand'],
    ['migration-check', 'checkCommand'],
    ['migration-import', 'importCommand']
];
const oneLine = (text, max = 300) => {
    const line = text.replace(/\s+/g, ' ').trim();
    return line.length > max ? `${line.slice(0, max - 1)}\u2026` : line;
};
const lastLine = (output) => oneLine(output
    .split('\n')
    .filter((line) => line.trim())
    .at(-1) ?? '');
function result(name, status, detail, extra = {}) {
    return { name, status, durationMs: 0, detail, warnings: [], ...extra };
}
function notThere(name, command, script) {
    return (`script \`${script}\` not found (command \`${oneLine(command, 200)}\`): ` +
        `set the \`${name}\` input to your repository's own ${name.slice('migration-'.length)} command`);
}
/** The step's result from how its command ended. */
function judge(name, command, run, timeoutSeconds) {
    const base = { durationMs: run.durationMs, output: run.output, warnings: [] };
    if (run.escaped.length > 0)
        base.warnings.push(describeEscaped(run.escaped));
    else if (run.leftovers)
        base.warnings.push('the command left background processes running; they were stopped');
    const program = splitCommand(command)[0] ?? command;
    if (run.spawnError) {
        const why = run.spawnError.code === 'ENOENT'
            ? `program \`${program}\` not found on PATH`
            : `program \`${program}\` could not be started (${run.spawnError.code ?? run.spawnError.message})`;
        return result(name, 'failed', `${why}: set the \`${name}\` input to a command that exists here`, base);
    }
    if (run.timedOut) {
        return result(name, 'failed', `timed out after ${timeoutSeconds}s; its whole process tree was killed (raise \`migration-timeout\` if it needs longer)`, base);
    }
    if (run.exitCode !== 0) {
        const script = missingScriptInOutput(run.output);
        if (script)
            return result(name, 'failed', notThere(name, command, script), base);
        const how = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.exitCode}`;
        const last = lastLine(run.output);
        return result(name, 'failed', `\`${oneLine(command, 200)}\` ${how}${last ? `: ${last}` : ''}`, base);
    }
    const last = lastLine(run.output);
    return result(name, 'passed', `\`${oneLine(command, 200)}\` exited 0${last ? `: ${last}` : ''}`, base);
}
async function runStep(name, command, packageDir, options) {
    let argv;
    try {
        argv = substitutePackage(splitCommand(command), packageDir);
    }
    catch (error) {
        return result(name, 'failed', `the \`${name}\` input is not a command I can split: ${error.message}`);
    }
    if (argv.length === 0)
        return result(name, 'failed', `the \`${name}\` input is empty: give the command to run`);
    const script = await missingScript(argv, options.repo);
    if (script)
        return result(name, 'failed', notThere(name, command, script));
    const run = await options.logger.group(`${name}: ${oneLine(command, 200)}`, () => runCommand(argv, {
        cwd: options.repo,
        env: childEnv(options.env ?? process.env, options.passphraseEnv, options.identityEnv),
        timeoutMs: options.timeoutSeconds * 1000,
        killGraceMs: options.killGraceMs,
        // A prefix so that output never starts with `::` and cannot issue workflow commands.
        onLine: (line) => options.logger.info(`| ${line}`)
    }));
    return judge(name, command, run, options.timeoutSeconds);
}
/** Compares the repo after the dry-run with before; a change to tracked files is decision point C. */
async function checkDrift(options, before, last) {
    let after;
    try {
        after = await readGitState(options.repo);
    }
    catch (error) {
        last.status = 'failed';
        last.decisionPoint = 'C';
        last.detail = `could not read the repository's git state after the dry-run, so drift cannot be ruled out: ${oneLine(error.message)}`;
        return;
    }
    const drift = await compareGitStates(options.repo, before, after);
    if (drift.created.length > 0) {
        last.warnings.push(`the dry-run created untracked files in the repository: ${nameFew(drift.created)}`);
    }
    if (drift.changed.length === 0 && !drift.headMoved)
        return;
    const moved = drift.headMoved
        ? `; HEAD moved from ${drift.headMoved.from?.slice(0, 12) ?? 'none'} to ${drift.headMoved.to?.slice(0, 12) ?? 'none'}`
        : '';
    const files = drift.changed.length > 0
        ? `${drift.changed.length} tracked file(s): ${nameFew(drift.changed)}`
        : 'the repository';
    const drifted = `the dry-run changed ${files}${moved} \u2014 a dry-run must write nothing (runbook decision point C)`;
    last.detail = last.status === 'failed' ? `${last.detail}; and ${drifted}` : drifted;
    last.status = 'failed';
    last.decisionPoint = 'C';
}
/**
 * The includes after the dry-run against before: the snapshot that follows would archive whatever
 * the dry-run left there, so any change, tracked or not, is decision point C.
 */
function checkIncludes(options, before, last) {
    const changed = changedEntries(before, fingerprintIncludes(options.repo, options.includes ?? []));
    if (changed.length === 0)
        return;
    const drifted = `the dry-run changed ${changed.length} entr${changed.length === 1 ? 'y' : 'ies'} of the includes: ${nameFew(changed)} \u2014 a dry-run must write nothing, and the snapshot would archive its writes (runbook decision point C)`;
    last.detail = last.status === 'failed' ? `${last.detail}; and ${drifted}` : drifted;
    last.status = 'failed';
    last.decisionPoint = 'C';
}
/**
 * Why a repo inside a work tree still cannot prove a dry-run dry, or undefined: when git tracks
 * nothing under it but it holds files (untracked or ignored), drift is judged on no file at all.
 */
function untrackedRepo(repo, before) {
    if (before.index.size > 0)
        return undefined;
    const held = fs.readdirSync(repo).filter((name) => name !== '.git');
    if (held.length === 0)
        return undefined;
    return `git tracks no file under ${repo} (it holds ${nameFew(held.sort(), 3)}, untracked or ignored), so nothing can prove the migration dry-run left it unchanged (runbook decision point C): commit the repository's files, or use mode snapshot`;
}
/**
 * Runs export \u2192 check \u2192 import; returns one StepResult per command (later ones 'skipped' after
 * the first failure). Never throws for a NO-GO: failures are results.
 */
async function runMigrationDryRun(options) {
    const results = [];
    const notRun = () => {
        for (const [name] of STEPS.slice(results.length)) {
            results.push(result(name, 'skipped', 'not run: an earlier migration step was NO-GO'));
        }
    };
    let packageDir;
    try {
        packageDir = await createPackageDir(options.tempDir);
    }
    catch (error) {
        results.push(result('migration-export', 'failed', `could not create a package folder under ${options.tempDir}: ${error.message}`));
        notRun();
        return results;
    }
    try {
        let before;
        let driftWarning;
        try {
            before = await readGitState(options.repo);
        }
        catch (error) {
            driftWarning = `${options.repo} is not a git work tree (or git is missing), so changes the dry-run made to it could not be checked: ${lastLine(error.message)}`;
        }
        const unproven = before && untrackedRepo(options.repo, before);
        if (unproven) {
            results.push({ ...result('migration-export', 'failed', unproven), decisionPoint: 'C' });
            notRun();
            return results;
        }
        const includesBefore = options.includesBefore ?? fingerprintIncludes(options.repo, options.includes ?? []);
        for (const [name, key] of STEPS) {
            const step = await runStep(name, options.commands[key], packageDir, options);
            results.push(step);
            if (step.status === 'failed') {
                step.decisionPoint = 'A';
                break;
            }
        }
        const last = results.at(-1);
        checkIncludes(options, includesBefore, last);
        if (before)
            await checkDrift(options, before, last);
        else if (driftWarning)
            last.warnings.push(driftWarning);
        notRun();
        return results;
    }
    finally {
        await removePackageDir(packageDir).catch((error) => {
            const warning = `could not remove the package folder ${packageDir}: ${error.message}`;
            options.logger.warning(warning);
            results.at(-1)?.warnings.push(warning);
        });
    }
}

/**
 * Runs one step and turns its outcome into a StepResult: a NoGoError is a NO-GO with its reason,
 * any other error too (a bug must never pass as GO, nor lose the report).
 */
async function timedStep(name, failurePoint, work) {
    const started = performance.now();
    try {
        const { detail, warnings = [] } = await work();
        return { name, status: 'passed', durationMs: performance.now() - started, detail, warnings };
    }
    catch (error) {
        const nogo = error instanceof NoGoError;
        const message = error instanceof Error ? error.message : String(error);
        return {
            name,
            status: 'failed',
            durationMs: performance.now() - started,
            detail: nogo ? message : `unexpected error: ${message}`,
            warnings: [],
            decisionPoint: nogo && error.decisionPoint !== 'A' ? error.decisionPoint : failurePoint
        };
    }
}
function skippedStep(name, after) {
    return {
        name,
        status: 'skipped',
        durationMs: 0,
        detail: `not run: ${after} was NO-GO`,
        warnings: []
    };
}

/**
 * Runbook hygiene: snapshots and manifests must never be committed. Warns when git tracks the
 * snapshot-dir or would pick new files in it up. Never rejects: it runs beside the snapshot.
 */
async function snapshotDirWarnings(config) {
    const rel = path.relative(config.repo, config.snapshotDir);
    if (rel.startsWith('..') || path.isAbsolute(rel))
        return [];
    if (!(await git$1(config.repo, ['rev-parse', '--is-inside-work-tree'])).ok)
        return [];
    const warnings = [];
    const tracked = (await git$1(config.repo, ['ls-files', '--', rel])).out.trim();
    if (tracked !== '') {
        warnings.push(`git tracks files in snapshot-dir ${rel}; snapshots must never be committed: git rm --cached them and add ${rel}/ to .gitignore`);
    }
    else if (!(await git$1(config.repo, ['check-ignore', '-q', '--', `${rel}/probe`])).ok) {
        warnings.push(`snapshot-dir ${rel} is not in .gitignore; add ${rel}/ so snapshots are never committed`);
    }
    return warnings;
}

/**
 * Runs the mode's steps in the runbook's order. Steps return results; the first NO-GO stops the
 * lane and every later step is reported skipped. Never throws for a NO-GO.
 */
async function runLane(config, keys, logger) {
    const order = LANE_ORDER[config.mode];
    const steps = [];
    let evidence;
    let failed;
    // what snapshot-create wrote, and its snapshot-dir lock, held until restore-test has read it
    // (a throw leaves it to this process's exit: a dead holder's lock is provably stale)
    let written;
    // the includes before the dry-run: the dry-run must leave them so, and so must anything it
    // left running, until the snapshot has read them
    const includesBefore = order.includes('migration-export')
        ? fingerprintIncludes(config.repo, config.includes)
        : undefined;
    let lock;
    const record = (result) => {
        steps.push(result);
        if (result.status === 'failed' && !failed)
            failed = result;
    };
    for (const name of order) {
        // the migration dry-run reports its three commands together, from migration-export
        if (name === 'migration-check' || name === 'migration-import')
            continue;
        if (failed) {
            record(skippedStep(name, failed.name));
            continue;
        }
        if (name === 'migration-export') {
            const results = await runMigrationDryRun({
                repo: config.repo,
                includes: config.includes,
                includesBefore,
                tempDir: config.tempDir,
                commands: config.migration,
                timeoutSeconds: config.migration.timeoutSeconds,
                passphraseEnv: config.passphraseEnv,
                identityEnv: config.identityEnv,
                logger
            });
            results.forEach(record);
            continue;
        }
        const result = await logger.group(name, async () => {
            const started = performance.now();
            const step = await timedStep(name, name === 'restore' ? 'B' : 'A', async () => {
                if (name === 'snapshot-create') {
                    // git answers while the snapshot streams
                    const hygiene = snapshotDirWarnings(config);
                    const outcome = await createSnapshot(config, keys, logger, undefined, {
                        keepLock: order.includes('restore-test'),
                        unchangedSince: includesBefore
                    });
                    lock = outcome.lock;
                    written = { manifest: outcome.manifest, snapshotPath: outcome.evidence.snapshotPath };
                    evidence = outcome.evidence;
                    const e = outcome.evidence;
                    return {
                        detail: `${e.files} files, ${humanBytes(e.bytes)} archived into ${e.snapshotPath} (${humanBytes(e.size)} encrypted)`,
                        warnings: [...outcome.warnings, ...(await hygiene)]
                    };
                }
                if (name === 'restore-test') {
                    const verified = await restoreTest(config.manifestPath, keys, config.tempDir, logger, written);
                    evidence = verified.evidence;
                    return {
                        detail: `decrypted, extracted and verified ${verified.extracted.entries} entries (${verified.extracted.files} files, ${humanBytes(verified.extracted.bytes)}) against the index and content digest`
                    };
                }
                const verified = await restoreIntoTarget(config.manifestPath, keys, config.restoreTarget, logger);
                evidence = verified.evidence;
                return {
                    detail: `restored and verified ${verified.extracted.entries} entries into ${config.restoreTarget}`
                };
            });
            logger.info(`${name}: ${step.status} in ${((performance.now() - started) / 1000).toFixed(1)} s \u2014 ${step.detail}`);
            return step;
        });
        record(result);
    }
    lock?.release();
    return { steps, evidence };
}

function readSchemaManifest(file) {
    let value;
    try {
        // a link under a manifest's name would vouch for a snapshot with words kept elsewhere
        if (!fs.lstatSync(file).isFile())
            return { problem: 'manifest is not a regular file' };
        value = JSON.parse(readRegularFile(file));
    }
    catch (error) {
        const code = error.code;
        return { problem: code ? `manifest unreadable (${code})` : 'manifest is not valid JSON' };
    }
    const parsed = ManifestSchema.safeParse(value);
    if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return {
            problem: `manifest fails the schema at ${issue.path.join('.') || '(root)'}: ${issue.message}`
        };
    }
    return { manifest: parsed.data };
}
function describeEncryption(m) {
    const e = m.encryption;
    if (e.workFactor !== undefined)
        return `${e.format} ${e.recipient} (work factor ${e.workFactor})`;
    return `${e.format} ${e.recipient}${e.recipients !== undefined ? ` (${e.recipients} recipients)` : ''}`;
}
/** The size of a regular file; 'missing' only when nothing has the name (ENOENT). */
function fileSize(file) {
    try {
        const stat = fs.lstatSync(file);
        return stat.isFile() ? stat.size : 'not a regular file';
    }
    catch (error) {
        return error.code === 'ENOENT' ? 'missing' : 'not a regular file';
    }
}
/** The snapshot file latest-manifest.json names, when it sits in snapshot-dir and parses. */
function latestFile(snapshotDir, latestManifestPath) {
    if (!latestManifestPath || path.dirname(latestManifestPath) !== snapshotDir)
        return undefined;
    const read = readSchemaManifest(latestManifestPath);
    return 'manifest' in read ? read.manifest.snapshot.path : undefined;
}
/**
 * Scans snapshot-dir for the names this tool writes: snapshot files and their snapshot-<id>.json
 * manifests. Each manifest is checked against the schema and its own file; nothing is opened
 * beyond that (restore-test is what proves a snapshot).
 */
function readCatalogue(snapshotDir, latestManifestPath) {
    let names;
    try {
        names = fs.readdirSync(snapshotDir);
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return { snapshotDir, entries: [] };
        throw new Error(`snapshot-dir ${snapshotDir} cannot be read (${error.code ?? error.message}); give the runner read access`);
    }
    const latest = latestFile(snapshotDir, latestManifestPath);
    const entries = [];
    const claimed = new Set();
    for (const name of names) {
        const id = idOfManifestName(name);
        if (!id)
            continue;
        const entry = {
            id,
            file: '',
            manifest: name,
            createdAt: null,
            size: 0,
            files: null,
            bytes: null,
            encryption: null,
            compression: null,
            latest: false,
            orphan: false,
            problem: null
        };
        const read = readSchemaManifest(path.join(snapshotDir, name));
        if ('problem' in read) {
            entry.problem = read.problem;
        }
        else {
            const m = read.manifest;
            Object.assign(entry, {
                createdAt: m.createdAt,
                files: m.content.files,
                bytes: m.content.bytes,
                encryption: describeEncryption(m),
                compression: m.compression
            });
            const size = fileSize(path.join(snapshotDir, m.snapshot.path));
            if (idOfSnapshotName(m.snapshot.path) !== id) {
                entry.problem = `manifest names ${m.snapshot.path}, not a snapshot of id ${id}`;
            }
            else {
                entry.file = m.snapshot.path;
                claimed.add(m.snapshot.path);
                entry.latest = latest === m.snapshot.path;
                if (size === 'missing') {
                    entry.problem = 'snapshot file is missing (an interrupted prune, or deleted by hand)';
                }
                else if (typeof size === 'string') {
                    // a link or folder under a snapshot's name is not ours to follow or remove
                    entry.problem = `snapshot file is ${size}`;
                }
                else {
                    entry.size = size;
                    if (size !== m.snapshot.size)
                        entry.problem = `snapshot file is ${size} bytes, the manifest says ${m.snapshot.size}`;
                }
            }
        }
        entries.push(entry);
    }
    for (const name of names) {
        const id = idOfSnapshotName(name);
        if (!id || claimed.has(name))
            continue;
        const size = fileSize(path.join(snapshotDir, name));
        if (typeof size === 'string')
            continue;
        entries.push({
            id,
            file: name,
            manifest: '',
            createdAt: null,
            size,
            files: null,
            bytes: null,
            encryption: null,
            compression: null,
            latest: latest === name,
            orphan: true,
            problem: `no manifest ${snapshotManifestName(id)}`
        });
    }
    entries.sort((a, b) => (a.id === b.id ? a.file.localeCompare(b.file) : a.id < b.id ? 1 : -1));
    return { snapshotDir, entries };
}
/** Entries restore-test, restore and prune may use: a valid manifest and its whole file. */
function usable(entry) {
    return !entry.orphan && entry.problem === null;
}

const FILE_MISSING = /^snapshot file is missing/;
/**
 * Which entries go: usable snapshots beyond the newest keepLast, except the protected files (the
 * one just verified, the one latest-manifest names). Orphans and damaged entries always stay.
 */
function planPrune(catalogue, keepLast, protectedFiles) {
    if (keepLast <= 0)
        return { prune: [], finish: [] };
    const newestFirst = catalogue.entries.filter(usable);
    const prune = newestFirst
        .slice(keepLast)
        .filter((entry) => !entry.latest && !protectedFiles.has(entry.file));
    const finish = catalogue.entries.filter((entry) => !entry.orphan && entry.file !== '' && FILE_MISSING.test(entry.problem ?? ''));
    return { prune, finish };
}
function sizeOf(file) {
    try {
        return fs.lstatSync(file).size;
    }
    catch {
        return 0;
    }
}
function unlinkIfThere(file) {
    try {
        fs.unlinkSync(file);
    }
    catch (error) {
        if (error.code !== 'ENOENT')
            throw error;
    }
}
/**
 * Applies the plan under the snapshot-dir lock, re-reading the catalogue there. For each entry the
 * snapshot file goes first and its manifest second, each unlink made durable before the next: a
 * crash in between leaves a manifest without its file, which list shows, snapshot: <id> refuses,
 * and the next prune finishes. Never a snapshot file without its manifest (an orphan).
 */
function pruneSnapshots(snapshotDir, latestManifestPath, keepLast, protectedFiles) {
    if (keepLast <= 0)
        return { pruned: [], catalogue: readCatalogue(snapshotDir, latestManifestPath) };
    const lock = lockSnapshotDir(snapshotDir);
    try {
        const plan = planPrune(readCatalogue(snapshotDir, latestManifestPath), keepLast, protectedFiles);
        const pruned = [];
        for (const entry of [...plan.finish, ...plan.prune]) {
            const file = path.join(snapshotDir, entry.file);
            const manifest = path.join(snapshotDir, entry.manifest);
            const freedBytes = sizeOf(file) + sizeOf(manifest);
            lock.assertHeld();
            unlinkIfThere(file);
            fsyncDir(snapshotDir);
            unlinkIfThere(manifest);
            fsyncDir(snapshotDir);
            pruned.push({ id: entry.id, file: entry.file, manifest: entry.manifest, freedBytes });
        }
        return { pruned, catalogue: readCatalogue(snapshotDir, latestManifestPath) };
    }
    finally {
        lock.release();
    }
}

/**
 * The `snapshot` input \u2192 the manifest restore-test / restore verify: `latest` is the manifest
 * input; an id is its snapshot-<id>.json, and only if the catalogue lists it as usable.
 */
function resolveSnapshot(choice) {
    if (choice.snapshot === 'latest')
        return choice.manifestPath;
    const catalogue = readCatalogue(choice.snapshotDir, choice.manifestPath);
    const entry = catalogue.entries.find((e) => e.id === choice.snapshot && !e.orphan);
    const available = catalogue.entries.filter(usable).map((e) => e.id);
    const listed = available.length > 0 ? available.join(', ') : 'none';
    if (!entry) {
        const orphan = catalogue.entries.some((e) => e.id === choice.snapshot);
        const why = orphan ? 'is orphaned (its manifest is missing)' : 'is not in the catalogue';
        throw new NoGoError(`snapshot ${choice.snapshot} ${why} of ${choice.snapshotDir}; available ids: ${listed}`);
    }
    if (entry.problem) {
        throw new NoGoError(`snapshot ${choice.snapshot} cannot be used: ${entry.problem}; available ids: ${listed}`);
    }
    return path.join(choice.snapshotDir, entry.manifest);
}

/** Modes whose GO means a snapshot was written or verified, so GO needs its evidence. */
const NEEDS_EVIDENCE = new Set(['precutover', 'snapshot', 'restore-test']);
/**
 * The one place that says GO. GO only when: every step of the lane ran and passed, a mode that
 * writes or verifies a snapshot has its evidence, the report that records it was written, and
 * the upload (when asked for) went through. list mode runs no step: its GO means the catalogue
 * was read.
 */
function decide(facts) {
    if (facts.mode === 'list') {
        if (!facts.catalogueRead) {
            return {
                decision: 'NO-GO',
                reason: facts.catalogueProblem ?? 'the snapshot catalogue was not read'
            };
        }
    }
    else {
        const failed = facts.steps.find((step) => step.status === 'failed');
        if (failed)
            return { decision: 'NO-GO', failedStep: failed.name, reason: failed.detail };
        if (facts.steps.length === 0 || facts.steps.some((step) => step.status !== 'passed')) {
            return { decision: 'NO-GO', reason: 'not every step of the lane ran and passed' };
        }
        if (NEEDS_EVIDENCE.has(facts.mode) && !facts.evidence) {
            return {
                decision: 'NO-GO',
                failedStep: facts.steps.at(-1)?.name,
                reason: 'every step passed but no snapshot evidence was recorded'
            };
        }
    }
    if (facts.unrecorded)
        return { decision: 'NO-GO', reason: facts.unrecorded };
    if (facts.uploadFailed)
        return { decision: 'NO-GO', reason: facts.uploadFailed };
    return { decision: 'GO' };
}

const nonEmpty = (value) => (value ? value : undefined);
async function gitOut(dir, args) {
    const result = await git$1(dir, args);
    return result.ok ? nonEmpty(result.out.trim()) : undefined;
}
/**
 * HEAD's commit and branch. One git start answers both (each costs ~20 ms here, ~10 of them
 * stalling this process while it forks): `rev-parse` names the branch as its full ref, or as
 * `HEAD` when detached (no branch). It fails only on a branch without commits, which still has a
 * branch to name.
 */
async function gitHead(dir) {
    const both = await git$1(dir, ['rev-parse', 'HEAD', '--symbolic-full-name', 'HEAD']);
    if (!both.ok)
        return { ref: await gitOut(dir, ['symbolic-ref', '-q', 'HEAD']) };
    const [commit, ref] = both.out.split('\n').map((line) => line.trim());
    return { commit: nonEmpty(commit), ref: ref === 'HEAD' ? undefined : nonEmpty(ref) };
}
/**
 * The run context from the Actions environment. Outside Actions (the CLI), commit and ref come
 * from git in `gitDir` when given and inside a git repository, and nothing when git is missing.
 * Never rejects, so it can be started early and awaited when the report is built.
 */
async function contextFromEnv(env, gitDir) {
    const context = {
        repository: nonEmpty(env.GITHUB_REPOSITORY),
        commit: nonEmpty(env.GITHUB_SHA),
        ref: nonEmpty(env.GITHUB_REF),
        event: nonEmpty(env.GITHUB_EVENT_NAME),
        actor: nonEmpty(env.GITHUB_ACTOR),
        workflow: nonEmpty(env.GITHUB_WORKFLOW)
    };
    if (env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) {
        const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
        const attempt = env.GITHUB_RUN_ATTEMPT ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
        context.runUrl = `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${attempt}`;
    }
    const platform = [env.RUNNER_OS, env.RUNNER_ARCH].filter(Boolean).join('/');
    if (env.RUNNER_NAME || platform) {
        context.runner = [env.RUNNER_NAME, platform && `(${platform})`].filter(Boolean).join(' ');
    }
    if (gitDir && (context.commit === undefined || context.ref === undefined)) {
        const head = await gitHead(gitDir);
        context.commit ??= head.commit;
        context.ref ??= head.ref;
    }
    for (const key of Object.keys(context)) {
        if (context[key] === undefined)
            delete context[key];
    }
    return context;
}

/** Bumped when a field of the JSON twin changes meaning or goes away. */
const REPORT_VERSION = 1;
const iso = (time) => (typeof time === 'string' ? time : time.toISOString());
/** What the decision rests on, as the lane left it (the gate adds the rest as the run goes on). */
function factsOf(input) {
    return {
        mode: input.mode,
        steps: input.steps,
        evidence: Boolean(input.evidence),
        catalogueRead: Boolean(input.catalogue),
        catalogueProblem: input.catalogueProblem
    };
}
/** The report says what decide() said, and nothing of an earlier decision. */
function applyDecision(report, decision) {
    report.decision = decision.decision;
    delete report.failedStep;
    delete report.reason;
    if (decision.failedStep)
        report.failedStep = decision.failedStep;
    if (decision.reason)
        report.reason = decision.reason;
}
/** The report from the lane's results; its decision is decide()'s (src/decision/decide.ts). */
function buildReport(input) {
    const { decision, failedStep, reason } = decide(factsOf(input));
    const report = {
        decision,
        mode: input.mode,
        ...(failedStep ? { failedStep } : {}),
        ...(reason ? { reason } : {}),
        startedAt: iso(input.startedAt),
        finishedAt: iso(input.finishedAt),
        steps: input.steps,
        context: input.context,
        warnings: [
            ...(input.warnings ?? []),
            ...input.steps.flatMap((step) => step.warnings.map((w) => `${step.name}: ${w}`))
        ]
    };
    if (input.evidence)
        report.evidence = input.evidence;
    if (input.artifact)
        report.artifact = input.artifact;
    if (input.manifestPath)
        report.manifestPath = input.manifestPath;
    const id = input.evidence && idOfSnapshotName(input.evidence.snapshotPath.split(/[\\/]/).at(-1));
    if (id)
        report.snapshotId = id;
    if (input.catalogue)
        report.catalogue = input.catalogue;
    return report;
}
/**
 * The rollback decision point a NO-GO reached: the failed step's own; else B for mode restore
 * (that is a rollback already), A otherwise (nothing written to production yet).
 */
function decisionPointOf(report) {
    if (report.decision === 'GO' || report.mode === 'list')
        return undefined;
    const failed = report.steps.find((step) => step.name === report.failedStep && step.status === 'failed');
    const point = (failed ?? report.steps.find((step) => step.status === 'failed'))?.decisionPoint;
    return point ?? (report.mode === 'restore' ? 'B' : 'A');
}

/** Terminal escape sequences (colors, cursor moves) that command output may carry. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;
/** Control characters other than tab and newline. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;
/** Drops escape sequences and control characters, keeping tabs and line breaks (as \n). */
function stripControl(text) {
    return text.replace(/\r\n?/g, '\n').replace(ANSI, '').replace(CONTROL, '');
}
const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
/** For text inside HTML (`<summary>`): entities only. */
function escapeHtml(text) {
    return stripControl(text)
        .replace(/[&<>"]/g, (c) => ENTITIES[c])
        .replace(/\n/g, ' ');
}
/**
 * Text from files or commands made inert in Markdown, in a paragraph or a table cell: HTML
 * characters become entities, Markdown's punctuation is backslash-escaped, and line breaks
 * become `<br>` so a cell stays one row.
 */
function escapeMarkdown(text) {
    return (stripControl(text)
        .replace(/[&<>]/g, (c) => ENTITIES[c])
        .replace(/[\\`*_[\]|~]/g, '\\$&')
        .replace(/\n/g, '<br>')
        // At the start of a list item a `#`, `-` or `1.` would open a heading or a list.
        .replace(/^[#+\-=]/, '\\$&')
        .replace(/^(\d+)([.)])/, '$1\\$2'));
}
/** An inline code span that no content can close early; `inTable` escapes pipes for GFM cells. */
function inlineCode(text, inTable = true) {
    let body = stripControl(text).replace(/\n/g, ' ');
    const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
    const fence = '`'.repeat(longest + 1);
    if (body.startsWith('`') || body.endsWith('`') || body === '')
        body = ` ${body} `;
    if (inTable)
        body = body.replace(/\|/g, '\\|');
    return `${fence}${body}${fence}`;
}
/**
 * Our own details carry `code` in single backticks around untrusted parts (commands, paths): each
 * span is rendered as a real code span and the rest as escaped text, so nothing can break out.
 */
function richText(text, inTable = true) {
    const parts = stripControl(text).split('`');
    // An odd number of backticks leaves one unpaired: it is shown as text.
    if (parts.length % 2 === 0)
        parts[parts.length - 2] += `\`${parts.pop()}`;
    return parts
        .map((part, i) => (i % 2 === 1 ? inlineCode(part, inTable) : escapeMarkdown(part)))
        .join('');
}
/** A fenced block longer than any backtick run inside, so the content cannot close it. */
function codeBlock(text, info = 'text') {
    const body = stripControl(text);
    const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
    const fence = '`'.repeat(Math.max(3, longest + 1));
    return `${fence}${info}\n${body}\n${fence}`;
}
/** Only plain http(s) links, written so `<`, `>`, spaces or quotes cannot leave the link. */
function safeUrl(url) {
    return url && /^https?:\/\/[^\s<>"`\\]+$/.test(url) ? url : undefined;
}

const DEFAULT_MANIFEST = 'backup/snapshots/latest-manifest.json';
/** What to fix at decision point A, by the step that failed. */
function fixFor(step) {
    switch (step) {
        case 'migration-export':
        case 'migration-check':
        case 'migration-import':
            return [
                'Fix the failing migration prerequisite (the ',
                { code: step },
                ' command, its script or the state it reads) until the dry-run passes.'
            ];
        case 'snapshot-create':
            return [
                'Fix the snapshot prerequisite: missing include paths, the missing passphrase secret, or where the archive is written.'
            ];
        case 'restore-test':
            return [
                'Do not trust this snapshot: find why it failed verification (size, SHA-256, passphrase, content) and take a new one.'
            ];
        default:
            return ['Fix what the reason above names.'];
    }
}
/** The runbook's rollback guidance for a decision point, with this run's real names. */
function rollbackGuidance(point, facts = {}) {
    const manifest = facts.manifestPath ?? DEFAULT_MANIFEST;
    switch (point) {
        case 'A':
            return {
                decisionPoint: 'A',
                title: 'pre-cutover, no production writes yet',
                steps: [
                    ['Stop the cutover: do not start it on this result.'],
                    fixFor(facts.failedStep),
                    [
                        'Rerun the whole lane from step 1 (',
                        { code: 'mode: precutover' },
                        '), not only the step that failed.'
                    ]
                ]
            };
        case 'B':
            return {
                decisionPoint: 'B',
                title: 'post-cutover issue discovered',
                steps: [
                    ['Pause the rollout and isolate writes.'],
                    [
                        'Restore the validated state into an isolated, empty target from ',
                        { code: manifest },
                        ' and the encrypted archive it names: ',
                        { code: `cutover-gate restore --manifest ${manifest} --restore-target <empty folder>` },
                        '.'
                    ],
                    [
                        'Re-run the restore-test (',
                        { code: `cutover-gate restore-test --manifest ${manifest}` },
                        ') against the restored payload before any production rollback action.'
                    ]
                ]
            };
        case 'C':
            return {
                decisionPoint: 'C',
                title: 'migration import caused drift in the target repository',
                steps: [
                    [
                        'If not committed: restore the affected files named above with ',
                        { code: 'git restore --staged --worktree -- <files>' },
                        ' (or ',
                        { code: 'git checkout -- <files>' },
                        ').'
                    ],
                    [
                        'If committed: revert the import commit (',
                        { code: 'git revert <commit>' },
                        ') and reopen the cutover gate review.'
                    ],
                    ['Find why a dry-run wrote to the repository before rerunning the lane from step 1.']
                ]
            };
    }
}
/** Guidance as plain text, code in backticks: for the JSON twin and the terminal. */
function guidanceText(steps) {
    return steps.map((parts) => parts.map((part) => (typeof part === 'string' ? part : `\`${part.code}\``)).join(''));
}

/** The catalogue table's columns, as SPEC's list mode names them, shared by both renderers. */
const CATALOGUE_COLUMNS = [
    'id',
    'created',
    'size',
    'files',
    'bytes',
    'encryption',
    'latest',
    'state'
];
/** One entry as plain cells; the renderers escape them for their medium. */
function catalogueCells(entry) {
    return [
        entry.id,
        entry.createdAt ?? '\u2014',
        humanBytes(entry.size),
        entry.files === null ? '\u2014' : groupDigits(entry.files),
        entry.bytes === null ? '\u2014' : humanBytes(entry.bytes),
        entry.encryption ?? '\u2014',
        entry.latest ? 'latest' : '',
        entry.orphan ? `orphan (${entry.problem}): never used or pruned` : (entry.problem ?? 'ok')
    ];
}

/** GitHub's limit for one step's job summary. */
const SUMMARY_LIMIT_BYTES = 1024 * 1024;
/** What the report aims for: under the limit, with room for a line the action door may add. */
const DEFAULT_MAX_BYTES = SUMMARY_LIMIT_BYTES - 48 * 1024;
const MAX_DETAIL = 2000;
const MAX_REASON = 4000;
const MAX_WARNINGS = 100;
const MAX_WARNING = 1000;
const STATUS_ICON = {
    passed: '\u2705',
    failed: '\u274c',
    skipped: '\u23ed\ufe0f'
};
const clip = (text, max) => text.length > max ? `${text.slice(0, max - 1)}\u2026` : text;
const bytesOf = (text) => Buffer.byteLength(text, 'utf8');
function table(header, rows) {
    const line = (cells) => `| ${cells.join(' | ')} |`;
    return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
function guidancePart(part) {
    return typeof part === 'string' ? escapeMarkdown(part) : inlineCode(part.code, false);
}
function headline(report) {
    const go = report.decision === 'GO';
    if (report.mode === 'list') {
        const title = go
            ? '# \u2705 GO \u2014 cutover-gate snapshot catalogue'
            : '# \u26d4 NO-GO \u2014 cutover-gate snapshot catalogue';
        const reason = go
            ? ''
            : `\n\n**Reason:** ${richText(clip(report.reason ?? 'not given', MAX_REASON), false)}`;
        return `${title}\n\n**Mode:** ${inlineCode('list', false)}${reason}`;
    }
    const title = go ? '# \u2705 GO \u2014 cutover-gate readiness' : '# \u26d4 NO-GO \u2014 cutover-gate readiness';
    const facts = [`**Mode:** ${inlineCode(report.mode, false)}`];
    if (go) {
        facts.push(`**Steps:** ${report.steps.length} passed`);
        const evidence = report.evidence ? ' and the snapshot evidence below is recorded' : '';
        return `${title}\n\n${facts.join(' \u00b7 ')}\n\nEvery step passed${evidence}.`;
    }
    if (report.failedStep)
        facts.push(`**Failed step:** ${inlineCode(report.failedStep, false)}`);
    facts.push(`**Rollback:** decision point ${decisionPointOf(report)}`);
    const reason = report.reason ? richText(clip(report.reason, MAX_REASON), false) : 'not given';
    return `${title}\n\n${facts.join(' \u00b7 ')}\n\n**Reason:** ${reason}`;
}
function stepsSection(report) {
    if (report.mode === 'list')
        return undefined;
    if (report.steps.length === 0)
        return '## Steps\n\n_No step ran._';
    const rows = report.steps.map((step) => [
        inlineCode(step.name),
        `${STATUS_ICON[step.status]} ${step.status}`,
        step.status === 'skipped' ? '\u2014' : humanDuration(step.durationMs),
        richText(clip(step.detail, MAX_DETAIL))
    ]);
    return `## Steps\n\n${table(['Step', 'Status', 'Duration', 'Detail'], rows)}`;
}
function guidanceSection(report) {
    const point = decisionPointOf(report);
    if (!point)
        return undefined;
    const guidance = rollbackGuidance(point, {
        failedStep: report.failedStep,
        manifestPath: report.evidence?.manifestPath ?? report.manifestPath
    });
    const steps = guidance.steps.map((parts, i) => `${i + 1}. ${parts.map(guidancePart).join('')}`);
    return `## Rollback guidance \u2014 decision point ${point}: ${guidance.title}\n\n${steps.join('\n')}`;
}
function evidenceSection(report) {
    const e = report.evidence;
    if (!e) {
        if (report.mode === 'migration-dry-run' || report.mode === 'list')
            return undefined;
        return '## Snapshot evidence\n\n_No snapshot was written or verified in this run._';
    }
    const rows = [
        ...(report.snapshotId ? [['Snapshot id', inlineCode(report.snapshotId)]] : []),
        ['File', inlineCode(e.snapshotPath)],
        ['Size', bytesBoth(e.size)],
        ['SHA-256', inlineCode(e.sha256)],
        ['Content digest', inlineCode(e.contentDigest)],
        ['Files', groupDigits(e.files)],
        ['Bytes', bytesBoth(e.bytes)],
        ['Compression', escapeMarkdown(e.compression)],
        ['Encryption', escapeMarkdown(describeEncryptionRecord(e.encryption))],
        ['Manifest', inlineCode(e.manifestPath)],
        ['Created', escapeMarkdown(e.createdAt)]
    ];
    if (report.artifact) {
        const url = safeUrl(report.artifact.url);
        const name = escapeMarkdown(report.artifact.name);
        rows.push(['Artifact', `${url ? `[${name}](<${url}>)` : name} (id ${report.artifact.id})`]);
    }
    return `## Snapshot evidence\n\n${table(['Evidence', 'Value'], rows)}`;
}
function catalogueSection(report) {
    if (!report.catalogue)
        return undefined;
    if (report.catalogue.length === 0)
        return '## Snapshot catalogue\n\n_snapshot-dir holds no snapshot._';
    const rows = report.catalogue.map((entry) => catalogueCells(entry).map((cell, i) => (i === 0 ? inlineCode(cell) : escapeMarkdown(cell))));
    return `## Snapshot catalogue\n\n${table([...CATALOGUE_COLUMNS], rows)}`;
}
function prunedSection(report) {
    if (!report.pruned)
        return undefined;
    if (report.pruned.length === 0)
        return '## Pruned (keep-last)\n\n_Nothing to prune._';
    const freed = report.pruned.reduce((sum, p) => sum + p.freedBytes, 0);
    const rows = report.pruned.map((p) => [
        inlineCode(p.id),
        p.file ? inlineCode(p.file) : '\u2014',
        inlineCode(p.manifest),
        bytesBoth(p.freedBytes)
    ]);
    return `## Pruned (keep-last)\n\n${table(['Id', 'File', 'Manifest', 'Freed'], rows)}\n\nFreed ${bytesBoth(freed)} in all.`;
}
function warningsSection(report) {
    if (report.warnings.length === 0)
        return undefined;
    const shown = report.warnings
        .slice(0, MAX_WARNINGS)
        .map((w) => `- ${richText(clip(w, MAX_WARNING), false)}`);
    const more = report.warnings.length - shown.length;
    if (more > 0)
        shown.push(`- \u2026and ${more} more (all of them are in the JSON report)`);
    return `## Warnings\n\n${shown.join('\n')}`;
}
function contextSection(report) {
    const c = report.context;
    const rows = [];
    const add = (label, value, code = true) => {
        if (value)
            rows.push([label, code ? inlineCode(value) : escapeMarkdown(value)]);
    };
    add('Repository', c.repository);
    add('Commit', c.commit);
    add('Ref', c.ref);
    add('Event', c.event);
    add('Workflow', c.workflow, false);
    const url = safeUrl(c.runUrl);
    if (url)
        rows.push([
            'Workflow run',
            `[${escapeMarkdown(url.replace(/^https?:\/\/[^/]+\//, ''))}](<${url}>)`
        ]);
    add('Runner', c.runner, false);
    add('Actor', c.actor, false);
    const took = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
    add('Started', report.startedAt, false);
    add('Finished', Number.isFinite(took) ? `${report.finishedAt} (${humanDuration(took)})` : report.finishedAt, false);
    return `## Run context\n\n${table(['Context', 'Value'], rows)}`;
}
/** The last maxBytes of text (whole characters, from a line start when one is near). */
function keepTail(text, maxBytes) {
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length <= maxBytes)
        return text;
    let start = bytes.length - Math.max(0, maxBytes);
    while (start < bytes.length && (bytes[start] & 0xc0) === 0x80)
        start++;
    let kept = bytes.subarray(start).toString('utf8');
    const newline = kept.indexOf('\n');
    if (newline >= 0 && newline < 200)
        kept = kept.slice(newline + 1);
    const cut = bytes.length - bytesOf(kept);
    return `[truncated to fit the job summary: ${groupDigits(cut)} earlier bytes not shown here; the JSON report has the full tail]\n${kept}`;
}
function outputBlock(step, text) {
    const body = text.replace(/\n+$/, '');
    const lines = body === '' ? 0 : body.split('\n').length;
    const summary = `<code>${escapeHtml(step.name)}</code> \u2014 ${step.status}, ${plural(lines, 'line')} of output`;
    return `<details><summary>${summary}</summary>\n\n${codeBlock(body)}\n\n</details>`;
}
/** Shares budget bytes among outputs: small ones whole, the rest an equal share each. */
function share(sizes, budget) {
    const order = sizes.map((size, i) => [size, i]).sort((a, b) => a[0] - b[0]);
    const grant = new Array(sizes.length).fill(0);
    let left = Math.max(0, budget);
    order.forEach(([size, i], k) => {
        const fair = Math.floor(left / (order.length - k));
        grant[i] = Math.min(size, fair);
        left -= grant[i];
    });
    return grant;
}
/** The readiness report as GitHub-flavoured Markdown, for the job summary and `report-path`. */
function renderMarkdown(report, options = {}) {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const fixed = [
        headline(report),
        stepsSection(report),
        guidanceSection(report),
        evidenceSection(report),
        catalogueSection(report),
        prunedSection(report),
        warningsSection(report),
        contextSection(report)
    ];
    const footer = `<sub>cutover-gate readiness report, format version ${REPORT_VERSION}. It never holds the passphrase.</sub>`;
    const withOutput = report.steps.filter((step) => step.output);
    const assemble = (bodies) => {
        const outputs = bodies
            ? withOutput.map((step, i) => outputBlock(step, bodies[i]))
            : [];
        const section = outputs.length > 0 ? [`## Command output\n\n${outputs.join('\n\n')}`] : [];
        const left = bodies
            ? []
            : withOutput.length > 0
                ? [
                    '_Command output left out: it did not fit the job summary. The JSON report and the job log have it._'
                ]
                : [];
        return `${[...fixed, ...section, ...left, footer].filter(Boolean).join('\n\n')}\n`;
    };
    const full = withOutput.map((step) => step.output);
    let markdown = assemble(full);
    if (bytesOf(markdown) <= maxBytes)
        return markdown;
    // Command output is the only part that gives way: shrink it until the whole fits.
    const note = 200;
    let budget = maxBytes - bytesOf(assemble(full.map(() => ''))) - note * full.length;
    for (let attempt = 0; attempt < 5 && budget > 0; attempt++) {
        const grants = share(full.map(bytesOf), budget);
        markdown = assemble(full.map((text, i) => keepTail(text, grants[i])));
        const over = bytesOf(markdown) - maxBytes;
        if (over <= 0)
            return markdown;
        budget -= over + 64;
    }
    return assemble(undefined);
}

/**
 * The JSON twin: the same facts as the Markdown for programs. Field names are stable; a field
 * that does not apply is null rather than missing, so readers need no existence checks.
 */
function reportJson(report) {
    const point = decisionPointOf(report);
    const e = report.evidence;
    const c = report.context;
    const guidance = point
        ? rollbackGuidance(point, {
            failedStep: report.failedStep,
            manifestPath: e?.manifestPath ?? report.manifestPath
        })
        : undefined;
    const took = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
    return {
        version: REPORT_VERSION,
        tool: 'cutover-gate',
        decision: report.decision,
        mode: report.mode,
        failedStep: report.failedStep ?? null,
        reason: report.reason ?? null,
        decisionPoint: point ?? null,
        startedAt: report.startedAt,
        finishedAt: report.finishedAt,
        durationMs: Number.isFinite(took) ? took : null,
        steps: report.steps.map((step) => ({
            name: step.name,
            status: step.status,
            durationMs: Math.round(step.durationMs),
            detail: step.detail,
            decisionPoint: step.decisionPoint ?? null,
            warnings: step.warnings,
            output: step.output ?? null
        })),
        evidence: e
            ? {
                snapshotPath: e.snapshotPath,
                manifestPath: e.manifestPath,
                size: e.size,
                sha256: e.sha256,
                contentDigest: e.contentDigest,
                files: e.files,
                bytes: e.bytes,
                compression: e.compression,
                encryption: encryptionRecordJson(e.encryption),
                createdAt: e.createdAt
            }
            : null,
        artifact: report.artifact
            ? { id: report.artifact.id, url: report.artifact.url, name: report.artifact.name }
            : null,
        context: {
            repository: c.repository ?? null,
            commit: c.commit ?? null,
            ref: c.ref ?? null,
            event: c.event ?? null,
            workflow: c.workflow ?? null,
            runUrl: c.runUrl ?? null,
            runner: c.runner ?? null,
            actor: c.actor ?? null
        },
        warnings: report.warnings,
        rollback: guidance
            ? {
                decisionPoint: guidance.decisionPoint,
                title: guidance.title,
                steps: guidanceText(guidance.steps)
            }
            : null,
        // added with the catalogue; after the older fields so their order stays
        snapshotId: report.snapshotId ?? null,
        catalogue: report.catalogue ?? null,
        pruned: report.pruned ?? null
    };
}
/** The JSON twin as text: two-space indented, with a final newline. */
function renderJson(report) {
    return `${JSON.stringify(reportJson(report), null, 2)}\n`;
}

/** A folder that, since the inputs were judged, became (or sits behind) a link: refuse it. */
function folderProblem(target) {
    const folder = path.dirname(target);
    const real = realPath(folder);
    if (real === folder)
        return undefined;
    return `${folder} now leads through a symlink to ${real}; the report is not written through links: choose another report-path`;
}
/**
 * Writes the Markdown report and its JSON twin, each atomically (temp file + rename), creating
 * folders. Replaces only an earlier readiness report: anything else at either path (a manifest, a
 * script, a link) refuses both before either is written. A run that dies midway leaves the
 * previous report whole, never half of a new one.
 */
async function writeReportFiles(report, markdownPath, jsonPath) {
    const problem = folderProblem(markdownPath) ??
        folderProblem(jsonPath) ??
        replaceProblem(markdownPath, 'markdown') ??
        replaceProblem(jsonPath, 'json');
    if (problem)
        throw new Error(problem);
    const markdown = renderMarkdown(report);
    const json = renderJson(report);
    writeFileAtomic(jsonPath, json);
    writeFileAtomic(markdownPath, markdown);
}

function commonFolder(paths) {
    let common = path.dirname(paths[0]);
    for (const p of paths.slice(1)) {
        while (path.relative(common, p).startsWith('..'))
            common = path.dirname(common);
    }
    return common;
}
function outputsOf(report, config) {
    const e = report.evidence;
    return {
        decision: report.decision,
        'failed-step': report.failedStep ?? '',
        'snapshot-path': e?.snapshotPath ?? '',
        'manifest-path': e?.manifestPath ?? (config.mode === 'migration-dry-run' ? '' : config.manifestPath),
        'snapshot-sha256': e?.sha256 ?? '',
        'snapshot-size': e ? String(e.size) : '',
        'content-digest': e?.contentDigest ?? '',
        'file-count': e ? String(e.files) : '',
        'report-path': config.reportPath,
        'report-json-path': config.reportJsonPath,
        'artifact-id': report.artifact ? String(report.artifact.id) : '',
        'artifact-url': report.artifact?.url ?? '',
        'snapshot-id': report.snapshotId ?? '',
        snapshots: report.catalogue ? JSON.stringify(report.catalogue) : ''
    };
}
function ownManifestOf(snapshotPath, id) {
    const own = id ? path.join(path.dirname(snapshotPath), snapshotManifestName(id)) : '';
    return own && fs.existsSync(own) ? [own] : [];
}
const WRITES_SNAPSHOT = new Set(['precutover', 'snapshot']);
/** Modes whose GO proves a snapshot, after which keep-last may prune the older ones. */
const PRUNES_AFTER_GO = new Set(['precutover', 'snapshot', 'restore-test']);
/** Catalogue inputs given to a mode that does not use them: said, not silently dropped. */
function ignoredInputs(config) {
    const ignored = [];
    if (config.snapshot !== 'latest' && config.mode !== 'restore-test' && config.mode !== 'restore')
        ignored.push(`snapshot: ${config.snapshot} is ignored in mode ${config.mode}; only restore-test and restore pick a snapshot`);
    if (config.keepLast > 0 && !PRUNES_AFTER_GO.has(config.mode))
        ignored.push(`keep-last: ${config.keepLast} is ignored in mode ${config.mode}; only a GO of precutover, snapshot or restore-test prunes`);
    return ignored;
}
/** list mode: the catalogue, read without a passphrase; no report file is replaced by it. */
async function listGate(config, env) {
    const startedAt = new Date();
    let catalogue;
    let catalogueProblem;
    try {
        catalogue = readCatalogue(config.snapshotDir, config.manifestPath).entries;
    }
    catch (error) {
        catalogueProblem = error.message;
    }
    const report = buildReport({
        mode: 'list',
        steps: [],
        context: await contextFromEnv(env, config.repo),
        startedAt,
        finishedAt: new Date(),
        catalogue,
        catalogueProblem,
        warnings: ignoredInputs(config)
    });
    return { report, markdown: renderMarkdown(report), outputs: outputsOf(report, config) };
}
/** restore-test / restore of `snapshot: <id>`: the lane verifies that id's own manifest. */
async function laneFor(config, keys, logger) {
    if (config.snapshot === 'latest' || (config.mode !== 'restore-test' && config.mode !== 'restore'))
        return { lane: await runLane(config, keys, logger), manifestPath: config.manifestPath };
    let manifestPath = config.manifestPath;
    const chosen = await timedStep(config.mode, config.mode === 'restore' ? 'B' : 'A', async () => {
        manifestPath = resolveSnapshot(config);
        return { detail: '' };
    });
    if (chosen.status === 'failed')
        return { lane: { steps: [chosen] }, manifestPath };
    return { lane: await runLane({ ...config, manifestPath }, keys, logger), manifestPath };
}
/**
 * The house both doors call: run the lane, record the evidence in the report files (GO only if that
 * worked), upload the artifact when asked, and hand back the report and the outputs to publish.
 */
async function runGate(config, keys, logger, env, door = 'action') {
    if (config.mode === 'list')
        return listGate(config, env);
    // before the lane: a refused upload must not leave a snapshot behind
    const visibilityWarning = refusePublicArtifact(config, env, door, keysOf(keys));
    if (visibilityWarning)
        logger.warning(visibilityWarning);
    const startedAt = new Date();
    // git, for commit and ref outside Actions, answers while the lane runs
    const context = contextFromEnv(env, config.repo);
    const { lane, manifestPath } = await laneFor(config, keys, logger);
    const warnings = visibilityWarning ? [visibilityWarning] : [];
    if (WRITES_SNAPSHOT.has(config.mode) &&
        !config.uploadArtifact &&
        env.RUNNER_ENVIRONMENT === 'github-hosted') {
        warnings.push('the snapshot lives only on this GitHub-hosted runner and disappears with it: set upload-artifact: true, or run on a self-hosted runner with approved storage');
    }
    warnings.push(...ignoredInputs(config));
    const input = {
        mode: config.mode,
        steps: lane.steps,
        evidence: lane.evidence,
        context: await context,
        startedAt,
        finishedAt: new Date(),
        warnings,
        manifestPath: config.mode === 'migration-dry-run' ? undefined : manifestPath
    };
    const report = buildReport(input);
    // what the decision rests on; each later fact (report not recorded, upload failed) is added
    // here and the decision taken again by decide(), never set by hand
    const facts = factsOf(input);
    const settle = (fact) => {
        Object.assign(facts, fact);
        applyDecision(report, decide(facts));
    };
    let recorded = false;
    const record = async () => {
        try {
            await writeReportFiles(report, config.reportPath, config.reportJsonPath);
            return (recorded = true);
        }
        catch (error) {
            recorded = false;
            settle({
                unrecorded: `the readiness report could not be written to ${config.reportPath}: ${error.message}; the evidence is not recorded`
            });
            return false;
        }
    };
    if (await record()) {
        if (config.uploadArtifact && report.decision === 'GO' && report.evidence) {
            const evidenceFiles = [
                report.evidence.snapshotPath,
                report.evidence.manifestPath,
                // its own manifest too, so `snapshot: <id>` works on the downloaded artifact
                ...ownManifestOf(report.evidence.snapshotPath, report.snapshotId),
                config.reportPath,
                config.reportJsonPath
            ];
            // restore-test of an id has that manifest as its evidence already
            const files = [...new Set(evidenceFiles)];
            // the artifact client reads these from process.env: set only now, when every migration
            // process is gone (a write to process.env does not change /proc/<pid>/environ)
            for (const name of ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL']) {
                if (env[name] && !process.env[name])
                    process.env[name] = env[name];
            }
            try {
                // loaded only here: the artifact client is most of the bundle, and most runs never upload
                const { uploadEvidence } = await import('./upload-evidence.js');
                const uploaded = await logger.group('upload-artifact', () => uploadEvidence({
                    name: config.artifactName,
                    files,
                    rootDirectory: commonFolder(files),
                    retentionDays: config.retentionDays
                }));
                report.artifact = { id: uploaded.id, url: uploaded.url, name: uploaded.name };
            }
            catch (error) {
                settle({ uploadFailed: `artifact upload failed: ${error.message}` });
            }
            await record();
        }
        else if (config.uploadArtifact && report.decision === 'NO-GO') {
            report.warnings.push('artifact not uploaded: the decision is NO-GO');
            await record();
        }
    }
    // last, once the decision is final (report recorded, artifact uploaded): never on a NO-GO
    if (report.decision === 'GO' &&
        report.evidence &&
        config.keepLast > 0 &&
        PRUNES_AFTER_GO.has(config.mode)) {
        try {
            const { pruned, catalogue } = pruneSnapshots(config.snapshotDir, config.manifestPath, config.keepLast, new Set([path.basename(report.evidence.snapshotPath)]));
            report.pruned = pruned;
            report.catalogue = catalogue.entries;
        }
        catch (error) {
            report.warnings.push(`keep-last: pruning ${config.snapshotDir} stopped: ${error.message}; the catalogue stays consistent, rerun to finish`);
        }
        await record();
    }
    const outputs = outputsOf(report, config);
    // a report that could not be written (or rewritten) is not pointed at as if it were there
    if (!recorded)
        outputs['report-path'] = outputs['report-json-path'] = '';
    return { report, markdown: renderMarkdown(report), outputs };
}

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
        out.push('', p.bold(report.snapshotId ? `snapshot ${report.snapshotId}` : 'snapshot'));
        out.push(`  ${wrap(clean(e.snapshotPath), width, 2, 2)}`);
        out.push(`  size     ${bytesBoth(e.size)}`);
        out.push(`  sha256   ${e.sha256}`);
        // `sha256:` + 64 hex does not fit beside a label in 80 columns: the digest gets its own line.
        out.push('  content digest', `    ${clean(e.contentDigest)}`);
        out.push(`  files    ${groupDigits(e.files)} files, ${bytesBoth(e.bytes)}`);
        out.push(`  format   ${clean(e.compression)}, ${describeEncryptionShort(e.encryption)}`);
        out.push(`  manifest ${wrap(clean(e.manifestPath), width, 11, 11)}`);
        if (report.artifact)
            out.push(`  artifact ${clean(report.artifact.name)} (id ${report.artifact.id}) ${clean(report.artifact.url)}`);
    }
    if (report.catalogue) {
        out.push('', p.bold(`catalogue (${report.catalogue.length})`));
        // one line per snapshot, columns padded: the state (problem) column goes last, unpadded
        const rows = [
            [...CATALOGUE_COLUMNS],
            ...report.catalogue.map((entry) => catalogueCells(entry).map(clean))
        ];
        const widths = CATALOGUE_COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
        for (const row of rows)
            out.push(`  ${row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]) : cell)).join('  ')}`.trimEnd());
    }
    if (report.pruned) {
        const freed = report.pruned.reduce((sum, pr) => sum + pr.freedBytes, 0);
        out.push('', p.bold(`pruned (keep-last): ${report.pruned.length}, freed ${bytesBoth(freed)}`));
        for (const pr of report.pruned)
            out.push(`  - ${pr.id} ${clean(pr.file || pr.manifest)} (${bytesBoth(pr.freedBytes)})`);
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

export { InputError as I, MODES as M, TOOL as T, INPUT_NAMES as a, resolveKeys as b, refuseWeakPassphrase as c, runGate as d, renderTerminal as e, passphraseFromFileContent as f, modeNeedsPassphrase as g, INPUT_DEFAULTS as h, artifactNameProblem as i, modeCreatesSnapshot as m, normalizeSecret as n, parseInputs as p, resolvePassphrase as r };
