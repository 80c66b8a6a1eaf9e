import { A as AgeError, i as isKeyProblem, C as ChunkNonce, e as CHUNK_SIZE, f as sealChunk, F as FRAME_SIZE } from './messages.js';
import { g as parseIdentities, i as identityToRecipient, h as encodeX25519Recipient, j as encodeHybridRecipient, I as INDEX_PATH, C as COMPRESSIONS, f as parseRecipients, k as idOfSnapshotName, l as idOfManifestName, m as snapshotManifestName, M as ManifestSchema, n as lockSnapshotDir, s as sweepClaims, o as claimedFiles, q as restoreTombstone, t as encryptionRecordJson, u as describeEncryptionRecord, e as errorText, v as createPackageDir, w as removePackageDir, F as FILE_KEY_SIZE, x as encodeHeader, y as wrapFileKey, z as wrapScrypt, P as PAYLOAD_NONCE_SIZE, A as payloadKey, H as Header, B as BLOCK$1, D as BufferPool, E as MODE_MASK, G as paddingFor, J as END_OF_ARCHIVE, K as indexLine, b as removeStaleTemps, L as utcStamp, N as writeManifest, O as evidenceOf, Q as snapshotFileName, R as EXTENSIONS, S as encryptionKeyOf, T as keyDerivationLine, U as ProgressReporter, V as encryptionRecordOf, W as restoreTest, X as restoreIntoTarget, Y as describeEncryptionShort } from './restore-into-target.js';
import { k as MODES, m as needsKey, c as readRegularFile, o as object, _ as _enum, B as literal, D as array, a0 as unknown, e as string, C as CAPS, a1 as union, N as NEVER, a2 as EXPOSURE_LEVELS, M as MODE_NAMES, n as number, a3 as boolean$1, Q as writerTag, L as fsyncDir, a4 as reportForSink, w as writeFileAtomic, a5 as secretNames, a6 as splitSecrets, a7 as RUN_MARKER_VAR, x as runMarker, a8 as repoPathName, V as privateName, s as stopMarked, G as registerStopper, a9 as privateList, d as describeEscaped, Y as SpillFile, F as tempNameFor, R as registerPath, U as unregisterPath } from './process-start.js';
import { b as InputError, a as INPUT_DEFAULTS } from './input-error.js';
import os, { availableParallelism } from 'node:os';
import fs from 'node:fs';
import path, { basename } from 'node:path';
import { S as StoreUrlSchema, c as StoreError, s as s3ErrorCode } from './store-error.js';
import { N as NoGoError } from './step-result.js';
import { openStore } from './store-client.js';
import nodeCrypto__default, { createHash, randomBytes, hash } from 'node:crypto';
import { access, open } from 'node:fs/promises';
import { Transform, Writable, PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib__default from 'node:zlib';
import { a as abortDeadUploads, o as openUploads, w as writeUploadMarker, r as removeUploadMarker } from './leftover-uploads.js';

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
    if (!needsKey(mode) || passphrase !== '')
        return;
    if (door === 'cli') {
        throw new InputError(`mode ${mode} needs a passphrase: use --passphrase-file FILE or the ${envName} variable, or run on a terminal to be asked; or encrypt to age recipients: --recipient R or --recipients-file F`);
    }
    throw new InputError(`input passphrase: mode ${mode} needs a passphrase, but neither the passphrase input nor ${envName} is set, and the recipients input is empty too (a \${{ vars.NAME }} or \${{ secrets.NAME }} that is not set gives ''); pass a secret, or set the recipients (secrets are not given to workflows triggered from forks: use mode migration-dry-run there)`);
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
    if (!MODES[config.mode].createsSnapshot || config.allowWeakPassphrase || passphrase === '')
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
    const { createsSnapshot, opensSnapshot } = MODES[config.mode];
    const usesIdentity = opensSnapshot && (!createsSnapshot || config.recipients.length > 0);
    const identities = given.identity === '' || !usesIdentity ? [] : parseIdentityText(given.identity, door);
    const keys = {
        passphrase: given.passphrase,
        recipients: config.recipients,
        identities,
        passphraseSource: from.passphrase,
        identitySource: from.identity
    };
    const [passphraseInput, identityInput] = door === 'cli' ? ['', ''] : ['input passphrase: ', 'input identity: '];
    if (createsSnapshot && config.recipients.length > 0) {
        if (given.passphrase !== '') {
            throw new InputError(`${passphraseInput}passphrase and recipients are exclusive (age): this run got both; drop ${from.passphrase} to encrypt to the recipients, or drop recipients to use the passphrase`);
        }
        if (opensSnapshot)
            requireMatchingIdentity(config, keys, identityInput, from);
        return keys;
    }
    if (createsSnapshot) {
        requirePassphrase(config.mode, given.passphrase, config.passphraseEnv, door);
        return keys;
    }
    if (opensSnapshot && given.passphrase === '' && identities.length === 0) {
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
    const earlier = info.size <= MAX_REPORT_BYTES && looksLike(kind, readRegularFile(target, CAPS.report));
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
    try {
        return readRegularFile(candidate, CAPS.gitfile).startsWith('gitdir:');
    }
    catch {
        return false;
    }
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
 * The same door for a whole-history pass: git's stdout as lines, streamed (no buffer cap), with
 * stdin fed at the same time (`cat-file --batch-check`). Throws when git cannot start, fails or
 * is too slow, with git's last stderr line. Only read-only plumbing belongs here.
 */
async function* gitLines(dir, args, options = {}) {
    if (!repositoryMayHold(dir))
        throw new Error(`${dir} is not in a git repository`);
    const { spawn } = process.getBuiltinModule('node:child_process');
    const { createInterface } = process.getBuiltinModule('node:readline');
    const child = spawn('git', [...GIT_HARDENING, '-C', dir, ...args], {
        stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
        windowsHide: true,
        env: gitEnv(),
        timeout: options.timeoutMs ?? 600_000
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
        stderr = (stderr + chunk).slice(-4096);
    });
    const exited = new Promise((resolve) => {
        child.once('error', (error) => resolve({ code: null, signal: null, error }));
        child.once('close', (code, signal) => resolve({ code, signal }));
    });
    if (options.input && child.stdin) {
        const stdin = child.stdin;
        const lines = options.input[Symbol.iterator]();
        // an early exit of git (bad object format) closes the pipe: the exit code says why
        stdin.on('error', () => undefined);
        const feed = () => {
            for (;;) {
                const next = lines.next();
                if (next.done) {
                    stdin.end();
                    return;
                }
                if (!stdin.write(`${next.value}\n`)) {
                    stdin.once('drain', feed);
                    return;
                }
            }
        };
        feed();
    }
    const reader = createInterface({ input: child.stdout, crlfDelay: Infinity });
    try {
        for await (const line of reader)
            yield line;
    }
    finally {
        if (child.exitCode === null && child.signalCode === null)
            child.kill();
    }
    const { code, signal, error } = await exited;
    if (error)
        throw new Error(`git could not start: ${error.message}`);
    if (code !== 0) {
        const why = stderr.trim().split('\n').pop() || (signal ? `killed by ${signal}` : `exit ${code}`);
        throw new Error(`git ${args[0]} failed: ${why}`);
    }
}
/**
 * `git cat-file --batch` through the same door: each id's type and bytes, in the order given.
 * For small objects (LFS pointers): every object is held in memory whole.
 */
async function* gitObjects(dir, ids, options = {}) {
    if (!repositoryMayHold(dir))
        throw new Error(`${dir} is not in a git repository`);
    const { spawn } = process.getBuiltinModule('node:child_process');
    const child = spawn('git', [...GIT_HARDENING, '-C', dir, 'cat-file', '--batch'], {
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
        env: gitEnv(),
        timeout: options.timeoutMs ?? 600_000
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
        stderr = (stderr + chunk).slice(-4096);
    });
    const exited = new Promise((resolve) => {
        child.once('error', (error) => resolve({ code: null, error }));
        child.once('close', (code) => resolve({ code }));
    });
    child.stdin.on('error', () => undefined);
    const list = ids[Symbol.iterator]();
    const feed = () => {
        for (;;) {
            const next = list.next();
            if (next.done)
                return void child.stdin.end();
            if (!child.stdin.write(`${next.value}\n`))
                return void child.stdin.once('drain', feed);
        }
    };
    feed();
    let pending = Buffer.alloc(0);
    try {
        for await (const chunk of child.stdout) {
            pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
            for (;;) {
                const eol = pending.indexOf(10);
                if (eol < 0)
                    break;
                const [id = '', type = '', size] = pending.subarray(0, eol).toString('latin1').split(' ');
                if (type === 'missing' || size === undefined) {
                    pending = pending.subarray(eol + 1);
                    yield { id, type: 'missing', content: Buffer.alloc(0) };
                    continue;
                }
                const end = eol + 1 + Number(size);
                if (pending.length < end + 1)
                    break;
                const content = Buffer.from(pending.subarray(eol + 1, end));
                pending = pending.subarray(end + 1);
                yield { id, type, content };
            }
        }
    }
    finally {
        if (child.exitCode === null && child.signalCode === null)
            child.kill();
    }
    const { code, error } = await exited;
    if (error)
        throw new Error(`git could not start: ${error.message}`);
    if (code !== 0)
        throw new Error(`git cat-file failed: ${stderr.trim().split('\n').pop()}`);
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
 * Decrypted private state must not land untracked in a work tree about to be published: a target
 * inside any git work tree is refused unless git ignores what would be restored into it.
 */
function judgeRestoreInWorkTree(target, given) {
    let dir = target;
    while (!fs.existsSync(dir) && path.dirname(dir) !== dir)
        dir = path.dirname(dir);
    if (!isGitWorkTree(dir))
        return;
    const top = gitSync(dir, ['rev-parse', '--show-toplevel'])?.trim();
    const root = top ? realPath(top) : dir;
    const rel = path.relative(dir, target);
    // a name inside the target stands for every restored file (a `restored/` rule matches folders only)
    const probe = path.join(rel, '.cutover-gate-restore-probe');
    const ignored = isInside(target, root) &&
        target !== root &&
        gitSync(dir, ['check-ignore', '-q', '--', probe]) !== undefined;
    if (!ignored) {
        fail$1('restore-target', `${given} lies inside the git work tree ${root}, and git does not ignore it: restored private state would be published with the repository; add it to .gitignore, or restore outside the work tree`);
    }
}
/**
 * Resolves and judges every path the user gave, before anything is written: the repo must be a
 * folder (a git work tree in the modes that run the migration), every other path is judged where
 * it really is after symlinks. Throws InputError (one line) on the first bad one.
 */
function judgePaths(given, cwd) {
    const repo = judgeRepo(given.repo, cwd);
    if (MODES[given.mode].runsRepositoryCode && !isGitWorkTree(repo)) {
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
    if (given.mode === 'restore' && restoreTarget !== '')
        judgeRestoreInWorkTree(restoreTarget, given.restoreTarget);
    // restored plaintext beside the encrypted snapshots would undo what the encryption is for
    if (restoreTarget !== '' &&
        (isInside(restoreTarget, snapshotDir) || isInside(snapshotDir, restoreTarget))) {
        fail$1('restore-target', `${given.restoreTarget} overlaps snapshot-dir ${given.snapshotDir}; restore into an isolated folder away from the encrypted snapshots`);
    }
    if (MODES[given.mode].createsSnapshot && path.dirname(manifestPath) !== snapshotDir) {
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
    mode: _enum(MODE_NAMES, { message: `accepts ${MODE_NAMES.join(', ')}` }),
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
    'fail-on-no-go': boolean,
    'show-private-names': boolean,
    exposure: _enum(EXPOSURE_LEVELS, { message: `accepts ${EXPOSURE_LEVELS.join(', ')}` }),
    'github-token': string(),
    // not a union: a union would hide the URL's own message behind "Invalid input"
    store: string().transform((url, ctx) => {
        if (url.trim() === '')
            return undefined;
        const parsed = StoreUrlSchema.safeParse(url);
        if (parsed.success)
            return parsed.data;
        ctx.addIssue({ code: 'custom', message: parsed.error.issues[0].message });
        return NEVER;
    }),
    'store-endpoint': union([
        literal(''),
        string()
            .trim()
            .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'accepts an http(s):// URL of an S3-compatible service')
    ]),
    'store-region': union([
        literal(''),
        string()
            .trim()
            .regex(/^[a-z0-9-]{2,40}$/, 'accepts a region name such as eu-west-1')
    ]),
    'store-retention-days': integer(0, 36500),
    'store-lock-mode': _enum(['governance', 'compliance'], {
        message: 'accepts governance or compliance'
    })
});
function storeSettingsOf(location, v) {
    if (!location) {
        for (const name of ['store-endpoint', 'store-region'])
            if (v[name] !== '')
                fail(name, 'is set but store is empty: set store to s3://bucket/prefix');
        if (v['store-retention-days'] > 0)
            fail('store-retention-days', 'is set but store is empty: set store to s3://bucket/prefix');
        return undefined;
    }
    return {
        ...location,
        endpoint: v['store-endpoint'].replace(/\/+$/, ''),
        region: v['store-region'],
        retentionDays: v['store-retention-days'],
        lockMode: v['store-lock-mode']
    };
}
const QUIET_INPUTS = new Set(['passphrase', 'identity', 'recipients', 'github-token']);
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
    if (v.mode === 'exposure-audit' && v.exposure === 'off') {
        fail('exposure', 'off leaves mode exposure-audit nothing to do: use warn or fail');
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
        showPrivateNames: v['show-private-names'],
        allowWeakPassphrase: v['allow-weak-passphrase'],
        allowPublicArtifact: v['allow-public-artifact'],
        passphraseEnv: v['passphrase-env'],
        recipients: v.recipients,
        identityEnv: v['identity-env'],
        snapshot: v.snapshot,
        keepLast: v['keep-last'],
        exposure: v.exposure,
        tempDir: context.tempDir && context.tempDir !== '' ? context.tempDir : os.tmpdir(),
        store: storeSettingsOf(v.store, v)
    };
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
        // a planted fifo, link or giant under the name is as good as no payload: 'unknown'
        payload = JSON.parse(readRegularFile(eventPath, CAPS.eventPayload));
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
    if (MODES[mode].createsSnapshot)
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
    if (!config.uploadArtifact || !needsKey(config.mode) || config.allowPublicArtifact)
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

/** Inputs given to a mode that does not use them: said, not silently dropped. */
function ignoredInputs(config) {
    const mode = MODES[config.mode];
    const ignored = [];
    if (config.snapshot !== 'latest' && !mode.picksSnapshot)
        ignored.push(`snapshot: ${config.snapshot} is ignored in mode ${config.mode}; only restore-test and restore pick a snapshot`);
    if (config.keepLast > 0 && !mode.prunesAfterGo)
        ignored.push(`keep-last: ${config.keepLast} is ignored in mode ${config.mode}; only a GO of precutover, snapshot or restore-test prunes`);
    if (config.store && config.uploadArtifact)
        ignored.push('upload-artifact: true is ignored with store: the snapshot and its manifest are in the store');
    return ignored;
}
/** What the operator must know about this run that belongs to no step. */
function runWarnings(config, env) {
    const warnings = [];
    if (MODES[config.mode].createsSnapshot &&
        !config.uploadArtifact &&
        !config.store &&
        env.RUNNER_ENVIRONMENT === 'github-hosted') {
        warnings.push('the snapshot lives only on this GitHub-hosted runner and disappears with it: set upload-artifact: true, or run on a self-hosted runner with approved storage');
    }
    return [...warnings, ...ignoredInputs(config)];
}

/**
 * The one place that says GO. GO only when: every step ran and passed (the upload, when asked
 * for, is a step), a mode that writes or verifies a snapshot has its evidence, and the report that
 * records it was written. list mode runs no step: its GO means the catalogue was read.
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
        if (MODES[facts.mode].needsEvidence && !facts.evidence) {
            return {
                decision: 'NO-GO',
                failedStep: facts.steps.at(-1)?.name,
                reason: 'every step passed but no snapshot evidence was recorded'
            };
        }
    }
    if (facts.unrecorded)
        return { decision: 'NO-GO', reason: facts.unrecorded };
    return { decision: 'GO' };
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
        catalogueProblem: input.catalogueProblem,
        unrecorded: input.unrecorded
    };
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
    if (input.pruned)
        report.pruned = input.pruned;
    if (input.exposure)
        report.exposure = input.exposure;
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

const reportOf = (run) => buildReport(run.input);

function readSchemaManifest(file) {
    let value;
    try {
        // a link under a manifest's name would vouch for a snapshot with words kept elsewhere
        if (!fs.lstatSync(file).isFile())
            return { problem: 'manifest is not a regular file' };
        value = JSON.parse(readRegularFile(file, CAPS.manifest));
    }
    catch (error) {
        const code = error.code;
        // a planted giant is listed, not read: its row names the file and the cap
        if (code === 'ETOOBIG')
            return { problem: `manifest unreadable: ${error.message}` };
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
/** An entry of which only the id is known yet (snapshot-dir and the store both start here). */
function emptyEntry$1(id) {
    return {
        id,
        file: '',
        manifest: '',
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
}
/**
 * What a schema-valid manifest tells of its entry; false, with the problem set, when it names a
 * snapshot of another id (such an entry is never used). Both catalogues judge manifests so.
 */
function describeFromManifest(entry, m) {
    Object.assign(entry, {
        createdAt: m.createdAt,
        files: m.content.files,
        bytes: m.content.bytes,
        encryption: describeEncryption(m),
        compression: m.compression
    });
    if (idOfSnapshotName(m.snapshot.path) !== entry.id) {
        entry.problem = `manifest names ${m.snapshot.path}, not a snapshot of id ${entry.id}`;
        return false;
    }
    entry.file = m.snapshot.path;
    return true;
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
        const entry = { ...emptyEntry$1(id), manifest: name };
        const read = readSchemaManifest(path.join(snapshotDir, name));
        if ('problem' in read) {
            entry.problem = read.problem;
        }
        else {
            const m = read.manifest;
            if (describeFromManifest(entry, m)) {
                const size = fileSize(path.join(snapshotDir, m.snapshot.path));
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
            ...emptyEntry$1(id),
            file: name,
            size,
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

/**
 * A stored snapshot as a ciphertext source: one streaming GET, its Content-Length held to the
 * manifest's size before a byte is used, and a stream that ends early named as truncated. The
 * one response is read to its end (the SHA-256 is the caller's), so the bytes checked are the
 * bytes decrypted; write-once keeps the key from naming another object meanwhile.
 */
async function openStoredObject(store, name, expectedSize) {
    const url = store.url(name);
    const answer = await store.call('GetObject', (client) => client.send(new store.s3.GetObjectCommand({ Bucket: store.bucket, Key: store.key(name) })));
    const body = answer.Body;
    if (!body)
        throw new NoGoError(`snapshot ${url}: the store sent no body; check store-endpoint`);
    if (answer.ContentLength !== expectedSize) {
        body.destroy();
        const size = answer.ContentLength ?? 0;
        throw new NoGoError(`snapshot ${url} is ${size} bytes but the manifest says ${expectedSize}: it is ${size < expectedSize ? 'truncated' : 'longer than written (trailing data)'} or not the object the manifest describes`);
    }
    return new StreamSource(url, body, expectedSize);
}
class StreamSource {
    name;
    body;
    expectedSize;
    #iterator;
    /** Bytes taken from the stream but not yet read (what head peeked at, or a read's remainder). */
    #pending = [];
    #pendingBytes = 0;
    #ended = false;
    #delivered = 0;
    constructor(name, body, expectedSize) {
        this.name = name;
        this.body = body;
        this.expectedSize = expectedSize;
        this.#iterator = body[Symbol.asyncIterator]();
    }
    async head(length) {
        while (this.#pendingBytes < length && (await this.#pull()))
            ;
        return Buffer.concat(this.#pending).subarray(0, length);
    }
    async read(buffer) {
        if (this.#pendingBytes === 0 && !(await this.#pull())) {
            if (this.#delivered !== this.expectedSize)
                throw new NoGoError(`snapshot ${this.name} was cut short: the store sent ${this.#delivered} of ${this.expectedSize} bytes; rerun, and check the network and the store`);
            return 0;
        }
        let filled = 0;
        while (filled < buffer.length && this.#pending.length > 0) {
            const chunk = this.#pending[0];
            const n = chunk.copy(buffer, filled);
            filled += n;
            if (n === chunk.length)
                this.#pending.shift();
            else
                this.#pending[0] = chunk.subarray(n);
        }
        this.#pendingBytes -= filled;
        this.#delivered += filled;
        return filled;
    }
    async assertUnchanged() {
        if (this.#delivered !== this.expectedSize)
            throw new NoGoError(`snapshot ${this.name}: ${this.#delivered} of ${this.expectedSize} bytes were read; rerun`);
    }
    async close() {
        this.body.destroy();
    }
    async #pull() {
        if (this.#ended)
            return false;
        let next;
        try {
            next = await this.#iterator.next();
        }
        catch (error) {
            throw new NoGoError(`snapshot ${this.name} was cut short after ${this.#delivered + this.#pendingBytes} of ${this.expectedSize} bytes (${error.message}); rerun, and check the network and the store`);
        }
        if (next.done) {
            this.#ended = true;
            return false;
        }
        const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
        if (this.#delivered + this.#pendingBytes + chunk.length > this.expectedSize)
            throw new NoGoError(`snapshot ${this.name}: the store sent more than the ${this.expectedSize} bytes it announced; check store-endpoint`);
        this.#pending.push(chunk);
        this.#pendingBytes += chunk.length;
        return true;
    }
}

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * The retention of an object written at `now`: store-retention-days from now, whole seconds
 * (S3 keeps retain-until to the second; a fraction would make the report differ from HeadObject).
 */
function lockHeaders(settings, now = new Date()) {
    if (settings.retentionDays <= 0)
        return {};
    const until = new Date(Math.ceil((now.getTime() + settings.retentionDays * DAY_MS) / 1000) * 1000);
    return { ObjectLockMode: modeHeader(settings.lockMode), ObjectLockRetainUntilDate: until };
}
function modeHeader(mode) {
    return mode === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE';
}
/** ISO time, to the second, as the report shows it. */
function retainUntilText(date) {
    return date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
}

/** The codes S3 (412) and some clones (409) answer a conditional write with when the key exists. */
const REFUSED = new Set(['PreconditionFailed', 'ConditionalRequestConflict']);
function isWriteRefused(error) {
    let cause = error;
    while (cause) {
        if (REFUSED.has(s3ErrorCode(cause)))
            return true;
        cause = cause.cause;
    }
    return false;
}
/**
 * PutObject of a small object that must not exist yet (If-None-Match: *), with its SHA-256
 * checksum (an Object Lock bucket refuses a put without one) and the run's retention.
 * Returns the retain-until it set, if any; a refusal throws (isWriteRefused tells it apart).
 */
async function putOnce(store, name, body, now = new Date()) {
    const lock = lockHeaders(store.settings, now);
    const answer = await store.call('PutObject', (client) => client.send(new store.s3.PutObjectCommand({
        Bucket: store.bucket,
        Key: store.key(name),
        Body: body,
        ContentLength: body.length,
        ContentType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
        IfNoneMatch: '*',
        ...lock
    })));
    // every S3 answers a put with the object's ETag: a 200 without one came from something else
    if (!answer.ETag)
        throw notS3(store, 'PutObject');
    return lock.ObjectLockRetainUntilDate;
}
function notS3(store, action) {
    return new StoreError(`store ${store.url()}: ${action} failed with NotS3: the endpoint did not answer as S3 does: check store-endpoint (the service URL, not a bucket website or console URL)`, 'NotS3');
}

/** A manifest is a few hundred bytes: anything past this is not one of ours. */
const MAX_MANIFEST_BYTES = 64 * 1024;
async function listNames(store) {
    const listed = [];
    let token;
    do {
        const page = await store.call('ListObjectsV2', (client) => client.send(new store.s3.ListObjectsV2Command({
            Bucket: store.bucket,
            Prefix: store.prefix,
            Delimiter: '/',
            ContinuationToken: token
        })));
        // S3 names the bucket in every listing: an answer without it came from something else
        if (page.Name === undefined && page.KeyCount === undefined)
            throw notS3(store, 'ListObjectsV2');
        for (const object of page.Contents ?? []) {
            if (!object.Key)
                continue;
            listed.push({ name: object.Key.slice(store.prefix.length), size: object.Size ?? 0 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return listed;
}
async function readStoredManifest(store, name, size) {
    if (size > MAX_MANIFEST_BYTES)
        return { problem: `manifest is ${size} bytes, more than ${MAX_MANIFEST_BYTES}` };
    const answer = await store.call('GetObject', (client) => client.send(new store.s3.GetObjectCommand({ Bucket: store.bucket, Key: store.key(name) })));
    const text = (await answer.Body?.transformToString('utf8')) ?? '';
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        return { problem: 'manifest is not valid JSON' };
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
/** Object Lock retain-until of one object (HeadObject shows it to whoever may read retention). */
async function retainUntilOf(store, name) {
    const head = await store.call('HeadObject', (client) => client.send(new store.s3.HeadObjectCommand({ Bucket: store.bucket, Key: store.key(name) })));
    return head.ObjectLockRetainUntilDate;
}
/** An entry of the store: it knows Object Lock, so retainUntil is always said. */
function emptyEntry(id) {
    return { ...emptyEntry$1(id), retainUntil: null };
}
/**
 * The catalogue of a store: the names this tool writes under the prefix, each manifest read and
 * checked against the schema and its object's listed size. There is no "latest" object (it would
 * have to be replaced): `latest` is the newest id whose manifest and snapshot are both whole.
 */
async function readStoreCatalogue(store) {
    const listed = await listNames(store);
    const sizes = new Map(listed.map((l) => [l.name, l.size]));
    const entries = [];
    const manifests = new Map();
    const claimed = new Set();
    for (const { name, size } of listed) {
        const id = idOfManifestName(name);
        if (!id)
            continue;
        const entry = { ...emptyEntry(id), manifest: name };
        const read = await readStoredManifest(store, name, size);
        if ('problem' in read) {
            entry.problem = read.problem;
        }
        else {
            const m = read.manifest;
            if (describeFromManifest(entry, m)) {
                const stored = sizes.get(m.snapshot.path);
                claimed.add(m.snapshot.path);
                if (stored === undefined) {
                    entry.problem = 'snapshot file is missing (an interrupted prune, or deleted by hand)';
                }
                else {
                    entry.size = stored;
                    if (stored !== m.snapshot.size)
                        entry.problem = `snapshot file is ${stored} bytes, the manifest says ${m.snapshot.size}`;
                    else
                        manifests.set(id, m);
                }
            }
        }
        entries.push(entry);
    }
    for (const { name, size } of listed) {
        const id = idOfSnapshotName(name);
        if (!id || claimed.has(name))
            continue;
        entries.push({
            ...emptyEntry(id),
            file: name,
            size,
            orphan: true,
            problem: `no manifest ${snapshotManifestName(id)}`
        });
    }
    entries.sort((a, b) => (a.id === b.id ? a.file.localeCompare(b.file) : a.id < b.id ? 1 : -1));
    const newest = entries.find(usable);
    if (newest)
        newest.latest = true;
    for (const entry of entries) {
        if (entry.file === '')
            continue;
        entry.retainUntil = retainUntilText(await retainUntilOf(store, entry.file)) ?? null;
    }
    return { location: store.url(), entries, manifests };
}
/** The snapshot `snapshot` names (latest or an id): its manifest and object name. */
function chooseStoredSnapshot(catalogue, snapshot) {
    const available = catalogue.entries.filter(usable).map((e) => e.id);
    const listed = available.length > 0 ? available.join(', ') : 'none';
    const entry = snapshot === 'latest'
        ? catalogue.entries.find((e) => e.latest)
        : catalogue.entries.find((e) => e.id === snapshot && !e.orphan);
    if (!entry) {
        if (snapshot === 'latest')
            throw new NoGoError(`store ${catalogue.location} holds no snapshot with a manifest; run mode snapshot (or precutover) with this store first`);
        const orphan = catalogue.entries.some((e) => e.id === snapshot);
        const why = orphan ? 'is orphaned (its manifest is missing)' : 'is not in the catalogue';
        throw new NoGoError(`snapshot ${snapshot} ${why} of ${catalogue.location}; available ids: ${listed}`);
    }
    const manifest = catalogue.manifests.get(entry.id);
    if (entry.problem || !manifest)
        throw new NoGoError(`snapshot ${entry.id} cannot be used: ${entry.problem ?? 'unreadable'}; available ids: ${listed}`);
    return { id: entry.id, name: entry.file, manifest };
}

/**
 * Opens the store of `config.store` with credentials from `env` (the environment plus the
 * handed-off secrets); undefined without a store. The SDK is loaded here, only when used.
 */
async function openLaneStore(config, env) {
    if (!config.store)
        return undefined;
    const openOther = (settings) => openStore(settings, { env });
    return { store: await openStore(config.store, { env }), openOther };
}
/** `snapshot` (latest or an id) in the store's catalogue \u2192 what restore-test / restore verify. */
async function chooseFromStore(store, snapshot) {
    const catalogue = await readStoreCatalogue(store);
    const chosen = chooseStoredSnapshot(catalogue, snapshot);
    const entry = catalogue.entries.find((e) => e.id === chosen.id && e.file === chosen.name);
    return {
        expected: {
            manifest: chosen.manifest,
            snapshotPath: store.url(chosen.name),
            open: () => openStoredObject(store, chosen.name, chosen.manifest.snapshot.size)
        },
        manifestUrl: store.url(snapshotManifestName(chosen.id)),
        retainUntil: entry?.retainUntil ?? undefined
    };
}

/** list mode: the catalogue, read without a secret; it writes no report file. */
async function listCatalogue(config, env) {
    const startedAt = new Date();
    let catalogue;
    let catalogueProblem;
    try {
        const stored = await openLaneStore(config, env);
        catalogue = stored
            ? (await readStoreCatalogue(stored.store)).entries
            : readCatalogue(config.snapshotDir, config.manifestPath).entries;
    }
    catch (error) {
        catalogueProblem = error.message;
    }
    return buildReport({
        mode: 'list',
        steps: [],
        context: await contextFromEnv(env, config.repo),
        startedAt,
        finishedAt: new Date(),
        catalogue,
        catalogueProblem,
        manifestPath: config.manifestPath,
        warnings: ignoredInputs(config)
    });
}

/** Said when the clone is shallow: the history read is not the history GitHub would publish. */
const SHALLOW_NOTE = 'this clone is shallow: only part of the history was read, and GitHub publishes all of it; check out with fetch-depth: 0';
const short = (id) => id.slice(0, 12);
const s = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
function refsText(refs) {
    const parts = Object.entries(refs).map(([kind, n]) => s(n, kind === 'branch' ? 'branch' : kind, kind === 'branch' ? 'branches' : `${kind} refs`));
    return parts.length > 0 ? parts.join(', ') : 'no ref';
}
/** The findings and notes, from the parts: the one place that says what counts as exposed. */
function findingsOf(audit) {
    const findings = [];
    const notes = [];
    const roots = audit.includes.join(', ');
    const h = audit.history;
    if (h && h.commits > 0) {
        const held = h.perInclude.filter((row) => row.commits > 0).map((row) => row.include);
        findings.push({
            kind: 'history',
            count: h.commits,
            summary: `${s(h.commits, 'commit')} of ${h.scanned} reachable from ${refsText(h.refs)} ${h.commits === 1 ? 'holds' : 'hold'} files under ${held.join(', ')}: first ${short(h.first.id)} (${h.first.date.slice(0, 10)}), last ${short(h.last.id)} (${h.last.date.slice(0, 10)}); HEAD ${h.headHolds ? 'holds them now' : 'no longer holds them'}`,
            remedy: `rewrite every ref without them (git filter-repo --invert-paths ${held.map((root) => `--path ${root}`).join(' ')}, then force-push every branch and tag) or publish a fresh repository from a clean tree; old commits stay reachable by id through forks and pull requests until GitHub Support purges them`
        });
    }
    if (h && h.lfsPointers > 0) {
        findings.push({
            kind: 'lfs',
            count: h.lfsPointers,
            summary: `${s(h.lfsPointers, 'Git LFS pointer')} under ${roots} in history: their objects live on the LFS server`,
            remedy: 'a history rewrite does not delete LFS objects on the server: delete them (or the repository) before going public, or publish a fresh repository'
        });
    }
    if (audit.git.checked && audit.git.shallow) {
        notes.push(SHALLOW_NOTE);
    }
    const c = audit.content;
    if (c && c.reachable > 0) {
        const where = c.elsewhere > 0 ? `, ${c.elsewhere} of them under another path` : '';
        findings.push({
            kind: 'content',
            count: c.reachable,
            summary: `${s(c.reachable, 'file')} of ${c.lookedUp} looked up under ${roots} ${c.reachable === 1 ? 'has its' : 'have their'} exact bytes in commits a ref reaches${where}`,
            remedy: 'remove those blobs from every ref (git filter-repo --strip-blobs-with-ids with the ids from git hash-object on the files, then force-push) or publish a fresh repository'
        });
    }
    if (c && c.inObjects > c.reachable) {
        notes.push(`${s(c.inObjects - c.reachable, 'file')} under ${roots} ${c.inObjects - c.reachable === 1 ? 'has its' : 'have their'} bytes in objects no ref reaches (reflogs, dangling objects): git push does not send them; git gc --prune=now removes them here`);
    }
    const g = audit.github;
    if (g.checked) {
        if (g.artifacts.length > 0) {
            const names = g.artifacts
                .slice(0, 5)
                .map((a) => `${a.name}${a.expiresAt ? ` (expires ${a.expiresAt.slice(0, 10)})` : ''}`)
                .join(', ');
            findings.push({
                kind: 'artifacts',
                count: g.artifacts.length,
                summary: `${s(g.artifacts.length, 'workflow artifact')} that may hold snapshots or reports: ${names}${g.artifacts.length > 5 ? ', \u2026' : ''}`,
                remedy: 'delete them before going public (gh api -X DELETE repos/OWNER/REPO/actions/artifacts/ID): any signed-in user can download a public repository\u2019s artifacts'
            });
        }
        if (g.caches.count > 0) {
            findings.push({
                kind: 'caches',
                count: g.caches.count,
                summary: `${s(g.caches.count, 'Actions cache')} (${g.caches.bytes} bytes): the default branch\u2019s caches become readable through fork pull requests`,
                remedy: 'delete them before going public (gh cache delete --all)'
            });
        }
        if (g.forks.length > 0) {
            findings.push({
                kind: 'forks',
                count: g.forks.length,
                summary: `${s(g.forks.length, 'fork')} (${g.forks
                    .slice(0, 5)
                    .map((f) => f.name)
                    .join(', ')}${g.forks.length > 5 ? ', \u2026' : ''}) ${g.forks.length === 1 ? 'keeps' : 'keep'} the history as it was`,
                remedy: 'private forks are detached when the repository goes public and keep every commit: ask their owners to delete them, or delete them as the organisation'
            });
        }
        if (g.releases > 0) {
            findings.push({
                kind: 'releases',
                count: g.releases,
                summary: `${s(g.releases, 'release')}: their source archives and assets are published with them`,
                remedy: 'check each release\u2019s assets and tag; delete the ones made from commits that hold the includes'
            });
        }
        if (g.visibility === 'public') {
            notes.push('the repository is already public: what is listed here is published now');
        }
        if (g.wiki)
            notes.push('the wiki is on: its pages become public with the repository');
        notes.push(...g.problems);
    }
    return { findings, notes };
}
/** The `exposure` output: counts, include roots and commit ids, never a private name. */
function exposureOutput(audit) {
    const h = audit.history;
    const c = audit.content;
    const g = audit.github;
    return JSON.stringify({
        findings: audit.findings.reduce((sum, finding) => sum + finding.count, 0),
        kinds: Object.fromEntries(audit.findings.map((finding) => [finding.kind, finding.count])),
        includes: audit.includes,
        history: h
            ? {
                commits: h.commits,
                scanned: h.scanned,
                first: h.first?.id ?? null,
                last: h.last?.id ?? null,
                headHolds: h.headHolds,
                lfsPointers: h.lfsPointers
            }
            : null,
        content: c ? { lookedUp: c.lookedUp, inObjects: c.inObjects, reachable: c.reachable } : null,
        github: g.checked
            ? {
                checked: true,
                visibility: g.visibility,
                artifacts: g.artifacts.length,
                caches: g.caches.count,
                forks: g.forks.length,
                releases: g.releases
            }
            : { checked: false }
    });
}

/** The step's outputs (SPEC "Outputs"); a report that is not written is not pointed at. */
function outputsOf(report, config, recorded) {
    const e = report.evidence;
    return {
        decision: report.decision,
        'failed-step': report.failedStep ?? '',
        'snapshot-path': e?.snapshotPath ?? '',
        'manifest-path': e?.manifestPath ?? report.manifestPath ?? '',
        'snapshot-sha256': e?.sha256 ?? '',
        'snapshot-size': e ? String(e.size) : '',
        'content-digest': e?.contentDigest ?? '',
        'file-count': e ? String(e.files) : '',
        'report-path': recorded ? config.reportPath : '',
        'report-json-path': recorded ? config.reportJsonPath : '',
        'artifact-id': report.artifact ? String(report.artifact.id) : '',
        'artifact-url': report.artifact?.url ?? '',
        'snapshot-id': report.snapshotId ?? '',
        snapshots: report.catalogue ? JSON.stringify(report.catalogue) : '',
        exposure: report.exposure ? exposureOutput(report.exposure) : '',
        'snapshot-url': config.store && e ? e.snapshotPath : ''
    };
}

/**
 * Which entries go: usable snapshots beyond the newest keepLast, except the protected files (the
 * one just verified, the one latest-manifest names) and the claimed ones (a reader is reading
 * them). Orphans and damaged entries always stay; so does a manifest whose snapshot file is missing
 * (moved away by hand, or by a prune killed between its two unlinks): only its owner knows which.
 */
function planPrune(catalogue, keepLast, protectedFiles, claimed = new Set()) {
    if (keepLast <= 0)
        return { prune: [], claimed: [] };
    const beyond = catalogue.entries
        .filter(usable)
        .slice(keepLast)
        .filter((entry) => !entry.latest && !protectedFiles.has(entry.file));
    return {
        prune: beyond.filter((entry) => !claimed.has(entry.file)),
        claimed: beyond.filter((entry) => claimed.has(entry.file))
    };
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
 * Removes one snapshot unless a reader claims it. The file is moved aside first, then the claims
 * are read again: a reader claims before it looks for the file, so either this prune sees its
 * claim (and puts the file back) or the reader finds the file aside and waits for the verdict.
 * The manifest's unlink is the commit point; the file's bytes go last. A prune killed before it
 * leaves the file aside with its manifest (put back), after it the file aside alone (removed):
 * never an orphan, never a manifest without its file. Each step is made durable before the next.
 */
function pruneOne(snapshotDir, entry) {
    const file = path.join(snapshotDir, entry.file);
    const tombstone = `.${entry.file}.pruning-${writerTag()}-${randomBytes(4).toString('hex')}`;
    if (claimedFiles(snapshotDir).has(entry.file))
        return 'claimed';
    fs.renameSync(file, path.join(snapshotDir, tombstone));
    fsyncDir(snapshotDir);
    if (claimedFiles(snapshotDir).has(entry.file)) {
        restoreTombstone(snapshotDir, tombstone, entry.file);
        return 'claimed';
    }
    unlinkIfThere(path.join(snapshotDir, entry.manifest));
    fsyncDir(snapshotDir);
    unlinkIfThere(path.join(snapshotDir, tombstone));
    fsyncDir(snapshotDir);
    return 'pruned';
}
/**
 * Applies the plan under the snapshot-dir lock, re-reading the catalogue and the claims there.
 * Never a snapshot file without its manifest (an orphan), never a claimed snapshot, never a
 * manifest whose file is missing.
 */
function pruneSnapshots(snapshotDir, latestManifestPath, keepLast, protectedFiles) {
    if (keepLast <= 0)
        return { pruned: [], kept: [], catalogue: readCatalogue(snapshotDir, latestManifestPath) };
    const lock = lockSnapshotDir(snapshotDir);
    try {
        sweepClaims(snapshotDir);
        const plan = planPrune(readCatalogue(snapshotDir, latestManifestPath), keepLast, protectedFiles, claimedFiles(snapshotDir));
        const pruned = [];
        const kept = plan.claimed.map((e) => ({
            id: e.id,
            file: e.file,
            reason: 'claimed'
        }));
        for (const entry of plan.prune) {
            const freedBytes = sizeOf(path.join(snapshotDir, entry.file)) + sizeOf(path.join(snapshotDir, entry.manifest));
            lock.assertHeld();
            if (pruneOne(snapshotDir, entry) === 'claimed') {
                kept.push({ id: entry.id, file: entry.file, reason: 'claimed' });
            }
            else {
                pruned.push({ id: entry.id, file: entry.file, manifest: entry.manifest, freedBytes });
            }
        }
        return { pruned, kept, catalogue: readCatalogue(snapshotDir, latestManifestPath) };
    }
    finally {
        lock.release();
    }
}

async function deleteObject(store, name) {
    // the current version, by id: on a versioned (Object Lock) bucket a plain delete only adds a
    // delete marker and keeps the bytes
    const head = await store.call('HeadObject', (client) => client.send(new store.s3.HeadObjectCommand({ Bucket: store.bucket, Key: store.key(name) })));
    await store.call('DeleteObject', (client) => client.send(new store.s3.DeleteObjectCommand({
        Bucket: store.bucket,
        Key: store.key(name),
        ...(head.VersionId ? { VersionId: head.VersionId } : {})
    })));
}
/**
 * keep-last on a store: the same plan as snapshot-dir's (never orphans, never the protected
 * ones). A snapshot still under Object Lock is kept and listed with its retain-until; otherwise
 * its object goes before its manifest, so a stop in between leaves a manifest without its file
 * (listed as such, never deleted: only its owner knows where the file went), never an orphan.
 */
async function pruneStore(store, keepLast, protectedFiles, now = new Date()) {
    const before = await readStoreCatalogue(store);
    if (keepLast <= 0)
        return { pruned: [], kept: [], catalogue: before };
    const plan = planPrune({ snapshotDir: before.location, entries: before.entries }, keepLast, protectedFiles);
    const pruned = [];
    const kept = [];
    for (const entry of plan.prune) {
        if (entry.retainUntil && Date.parse(entry.retainUntil) > now.getTime()) {
            kept.push({ id: entry.id, file: entry.file, retainUntil: entry.retainUntil });
            continue;
        }
        await deleteObject(store, entry.file);
        await deleteObject(store, entry.manifest);
        pruned.push({
            id: entry.id,
            file: entry.file,
            manifest: entry.manifest,
            freedBytes: entry.size
        });
    }
    return { pruned, kept, catalogue: await readStoreCatalogue(store) };
}

/**
 * keep-last, last of all, once the decision is final (report recorded, artifact uploaded): only
 * after a GO that proved a snapshot, never the one just proved. A prune that stops is a warning:
 * the catalogue stays consistent, and the next run finishes it.
 */
async function pruneAfterGo(run) {
    const { config } = run;
    const report = reportOf(run);
    if (report.decision !== 'GO' || !report.evidence)
        return undefined;
    if (config.keepLast === 0 || !MODES[config.mode].prunesAfterGo)
        return undefined;
    try {
        if (run.store) {
            const { store } = run.store;
            const { pruned, kept, catalogue } = await pruneStore(store, config.keepLast, new Set([report.evidence.snapshotPath.slice(store.url().length)]));
            // a locked snapshot is not an error: it is listed as kept until its retain-until
            const locked = kept.map((k) => `keep-last: snapshot ${k.id} is kept: Object Lock holds it until ${k.retainUntil}`);
            const warnings = [...(run.input.warnings ?? []), ...locked];
            return { ...run, input: { ...run.input, pruned, catalogue: catalogue.entries, warnings } };
        }
        const { pruned, kept, catalogue } = pruneSnapshots(config.snapshotDir, config.manifestPath, config.keepLast, new Set([path.basename(report.evidence.snapshotPath)]));
        // a snapshot a restore or restore-test is reading stays, and the report says why
        const claimed = kept.map((k) => `keep-last: kept snapshot ${k.id}: a restore or restore-test is reading it (claimed)`);
        const warnings = [...(run.input.warnings ?? []), ...claimed];
        return { ...run, input: { ...run.input, pruned, catalogue: catalogue.entries, warnings } };
    }
    catch (error) {
        const warning = `keep-last: pruning ${run.store ? run.store.store.url() : config.snapshotDir} stopped: ${error.message}; the catalogue stays consistent, rerun to finish`;
        return { ...run, input: { ...run.input, warnings: [...(run.input.warnings ?? []), warning] } };
    }
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
/**
 * The runbook's rollback guidance for a decision point, with this run's real names. When the
 * key is the problem, the snapshot is not: the point's first step stands, then the key's advice.
 */
function rollbackGuidance(point, facts = {}) {
    const guidance = pointGuidance(point, facts);
    if (facts.reason === undefined || !isKeyProblem(facts.reason))
        return guidance;
    return {
        ...guidance,
        steps: [
            guidance.steps[0],
            [
                'Check the passphrase or identity: this run has none of the kind the snapshot needs, or not the one it was made with (whitespace around it does not count). The snapshot itself is not suspect.'
            ],
            ['Rerun this mode with the right passphrase or identity.']
        ]
    };
}
function pointGuidance(point, facts) {
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
                        '); files under an include are named by root and fingerprint: ',
                        { code: 'git status' },
                        ', or the CLI on a terminal, names them.'
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
            reason: report.reason,
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
                createdAt: e.createdAt,
                retainUntil: e.retainUntil ?? null
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
        pruned: report.pruned ?? null,
        // the exposure audit: counts, include roots, commit and ref ids, never a path under an include
        exposure: report.exposure ?? null
    };
}
/** The JSON twin as text: two-space indented, with a final newline. */
function renderJson(report) {
    return `${JSON.stringify(reportJson(reportForSink('report', report)), null, 2)}\n`;
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
function plural$1(n, one, many = `${one}s`) {
    return `${n} ${n === 1 ? one : many}`;
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
        (entry.orphan ? `orphan (${entry.problem}): never used or pruned` : (entry.problem ?? 'ok')) +
            (entry.retainUntil ? `; locked until ${entry.retainUntil}` : '')
    ];
}

function table$1(header, rows) {
    const line = (cells) => `| ${cells.join(' | ')} |`;
    return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
/** What was looked at, one line per part, so "nothing found" says how much was searched. */
function scope(audit) {
    const lines = [];
    const roots = audit.includes.map((root) => inlineCode(root, false)).join(', ');
    lines.push(`Include roots: ${roots}.`);
    if (!audit.git.checked)
        lines.push(`Git: not checked: ${escapeMarkdown(audit.git.reason)}.`);
    else {
        const h = audit.history;
        const c = audit.content;
        if (h)
            lines.push(`History: ${groupDigits(h.scanned)} commits of every ref (branches, tags, remote-tracking refs, notes, stashes), object format ${escapeMarkdown(audit.git.objectFormat)}.`);
        if (c)
            lines.push(`Content: ${groupDigits(c.lookedUp)} of ${groupDigits(c.files)} files under the includes looked up by blob id (files under 64 bytes are not evidence)${c.unreadable > 0 ? `; ${c.unreadable} could not be read` : ''}.`);
    }
    const g = audit.github;
    if (!g.checked)
        lines.push(`GitHub surface: ${escapeMarkdown(g.reason)}.`);
    else
        lines.push(`GitHub surface of ${inlineCode(g.repository, false)}: visibility ${escapeMarkdown(g.visibility)}, wiki ${g.wiki ? 'on' : 'off'}, ${g.artifacts.length + g.otherArtifacts} unexpired artifacts, ${g.caches.count} caches, ${g.forks.length} forks, ${g.releases} releases.`);
    return lines;
}
/**
 * The report's "What going public would publish": findings in counts, include roots, commit ids
 * and remedies. It has no field that could hold a path under an include.
 */
function exposureSection(audit) {
    if (!audit)
        return undefined;
    const parts = ['## What going public would publish'];
    if (audit.findings.length === 0) {
        parts.push('_Nothing found: making the repository public would publish none of the included state, as far as these checks see._');
    }
    else {
        const rows = audit.findings.map((finding) => [
            inlineCode(finding.kind),
            groupDigits(finding.count),
            richText(finding.summary),
            richText(finding.remedy)
        ]);
        parts.push(table$1(['Finding', 'Count', 'What', 'Remedy'], rows));
    }
    const h = audit.history;
    if (h && h.refNames.length > 0) {
        parts.push(`Refs whose history holds them: ${h.refNames.map((name) => inlineCode(name, false)).join(', ')}${h.refNames.length < Object.values(h.refs).reduce((a, b) => a + b, 0) ? ', \u2026' : ''}`);
    }
    parts.push(scope(audit)
        .map((line) => `- ${line}`)
        .join('\n'));
    if (audit.notes.length > 0)
        parts.push(audit.notes.map((note) => `- ${richText(note, false)}`).join('\n'));
    return parts.join('\n\n');
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
        reason: report.reason,
        manifestPath: report.evidence?.manifestPath ?? report.manifestPath
    });
    const steps = guidance.steps.map((parts, i) => `${i + 1}. ${parts.map(guidancePart).join('')}`);
    return `## Rollback guidance \u2014 decision point ${point}: ${guidance.title}\n\n${steps.join('\n')}`;
}
function evidenceSection(report) {
    const e = report.evidence;
    if (!e) {
        // only a mode that writes or reads a snapshot owes the reader one
        if (!needsKey(report.mode))
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
        ['Created', escapeMarkdown(e.createdAt)],
        ...(e.retainUntil ? [['Locked until', escapeMarkdown(`${e.retainUntil} (Object Lock)`)]] : [])
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
    const summary = `<code>${escapeHtml(step.name)}</code> \u2014 ${step.status}, ${plural$1(lines, 'line')} of output`;
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
function renderMarkdown(given, options = {}) {
    // the summary and the report files name no path under an include unless the door allows it
    const report = reportForSink('report', given);
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const fixed = [
        headline(report),
        stepsSection(report),
        guidanceSection(report),
        evidenceSection(report),
        catalogueSection(report),
        prunedSection(report),
        exposureSection(report.exposure),
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

/**
 * Writes the report files. A report that cannot be written is a NO-GO: evidence that is not
 * recorded is no evidence (runbook: GO only when evidence is recorded).
 */
async function recordReport(run) {
    const { reportPath, reportJsonPath } = run.config;
    try {
        await writeReportFiles(reportOf(run), reportPath, reportJsonPath);
        return { ...run, recorded: true };
    }
    catch (error) {
        const unrecorded = `the readiness report could not be written to ${reportPath}: ${error.message}; the evidence is not recorded`;
        return { ...run, input: { ...run.input, unrecorded }, recorded: false };
    }
}

/**
 * A step that is one report row: `work`'s detail and warnings, or its error as the failed row. A
 * NoGoError brings its own reason and decision point; any other error is a failed row too (a bug
 * must never pass as GO, nor lose the report).
 */
function oneRowStep(id, name, failurePoint, work) {
    return {
        id,
        rows: [name],
        run: async (ctx) => [
            await ctx.logger.group(name, () => timedRow(name, failurePoint, () => work(ctx)))
        ]
    };
}
/** Runs `work` as the row `name`, timed once, its failure turned into a failed row. */
async function timedRow(name, failurePoint, work) {
    const started = performance.now();
    try {
        const { detail, warnings = [] } = await work();
        return { name, status: 'passed', durationMs: performance.now() - started, detail, warnings };
    }
    catch (error) {
        const nogo = error instanceof NoGoError;
        // a system error's message holds its path, often a file under an include: marked private
        const message = errorText(error);
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
function skippedRow(name, after) {
    return {
        name,
        status: 'skipped',
        durationMs: 0,
        detail: `not run: ${after} was NO-GO`,
        warnings: []
    };
}

function commonFolder(paths) {
    let common = path.dirname(paths[0]);
    for (const p of paths.slice(1)) {
        while (path.relative(common, p).startsWith('..'))
            common = path.dirname(common);
    }
    return common;
}
function ownManifestOf(snapshotPath, id) {
    const own = id ? path.join(path.dirname(snapshotPath), snapshotManifestName(id)) : '';
    return own && fs.existsSync(own) ? [own] : [];
}
/**
 * upload-artifact, when asked for: after a recorded GO, the snapshot, its manifests and the report
 * go up as one workflow artifact; a failed upload is its own failed row (so NO-GO, naming it).
 * After a NO-GO the row is skipped: an unverified snapshot is not handed on.
 */
async function uploadArtifact(run, env, logger) {
    const { config } = run;
    // with a store, the snapshot is already where it outlives the runner
    if (!config.uploadArtifact || config.store)
        return undefined;
    const report = reportOf(run);
    const evidence = report.evidence;
    if (report.decision !== 'GO' || !evidence) {
        if (report.decision === 'GO')
            return undefined; // a mode with no snapshot to hand on
        const skipped = {
            name: 'upload-artifact',
            status: 'skipped',
            durationMs: 0,
            detail: 'not run: the decision is NO-GO, and an unverified snapshot is not uploaded',
            warnings: []
        };
        return { ...run, input: { ...run.input, steps: [...run.input.steps, skipped] } };
    }
    let artifact;
    const row = await timedRow('upload-artifact', 'A', async () => {
        const files = [
            ...new Set([
                evidence.snapshotPath,
                evidence.manifestPath,
                // its own manifest too, so `snapshot: <id>` works on the downloaded artifact
                ...ownManifestOf(evidence.snapshotPath, report.snapshotId),
                config.reportPath,
                config.reportJsonPath
            ])
        ];
        // the artifact client reads these from process.env: set only now, when every migration
        // process is gone (a write to process.env does not change /proc/<pid>/environ)
        for (const name of ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL']) {
            if (env[name] && !process.env[name])
                process.env[name] = env[name];
        }
        try {
            // loaded only here: the artifact client is most of the bundle, and most runs never upload
            const { uploadEvidence } = await import('./upload-evidence.js');
            artifact = await logger.group('upload-artifact', () => uploadEvidence({
                name: config.artifactName,
                files,
                rootDirectory: commonFolder(files),
                retentionDays: config.retentionDays
            }));
        }
        catch (error) {
            throw new NoGoError(`artifact upload failed: ${error.message}`);
        }
        return {
            detail: `${files.length} files uploaded as artifact ${artifact.name} (id ${artifact.id})`
        };
    });
    const steps = [...run.input.steps, row];
    return { ...run, input: { ...run.input, steps, ...(artifact ? { artifact } : {}) } };
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

/** A word as a POSIX shell would read it back: bare when safe, else single-quoted. */
const quote = (word) => /^[\w@%+=:,./{}-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
/**
 * A command as one line that runs the same: the words it splits into (line continuations and
 * line breaks are only word breaks to splitCommand), re-quoted. Flattening the text instead would
 * keep a continuation's backslash as if it were part of the command. Cut at `max` characters.
 */
function showCommand(command, max = 200) {
    let line;
    try {
        line = splitCommand(command).map(quote).join(' ');
    }
    catch {
        line = command.replace(/\s+/g, ' ').trim(); // not splittable: the step says why
    }
    return line.length > max ? `${line.slice(0, max - 1)}\u2026` : line;
}

/**
 * Names (latin1 strings, one char per byte) mapped to 64 bits of the SHA-256 of a value, held flat:
 * the names in one byte arena, the digests and an open-addressed table in typed arrays. About 24
 * bytes plus the name per entry and no object of its own, where a Map of two strings took
 * hundreds: the per-entry state a lane holds across its phases (the includes' fingerprint, the
 * git index and the tracked files' content) stays out of the collector's way, and 1,000,000
 * entries fit in tens of MB instead of hundreds.
 *
 * A name is matched by its bytes, never by a hash alone. A value is told by its digest: 64 bits
 * of SHA-256, which a hostile migration cannot choose to collide with what it replaced.
 */
class FlatNameMap {
    #count = 0;
    #names = Buffer.allocUnsafe(16 * 1024);
    #used = 0;
    #nameAt = new Float64Array(256);
    #nameLength = new Uint32Array(256);
    #digest = new Uint32Array(2 * 256);
    /** Entry number + 1 by slot; 0 is an empty slot. At most half full. */
    #table = new Int32Array(512);
    get size() {
        return this.#count;
    }
    /** Bytes of memory held: the arena and the typed arrays, nothing per entry. */
    get heldBytes() {
        return (this.#names.length +
            this.#nameAt.byteLength +
            this.#nameLength.byteLength +
            this.#digest.byteLength +
            this.#table.byteLength);
    }
    /** Maps `name` to `value`'s digest; a name set twice keeps its first value. */
    set(name, value) {
        if (this.#find(name) >= 0)
            return;
        const entry = this.#count;
        if (entry === this.#nameAt.length)
            this.#growEntries();
        const length = Buffer.byteLength(name, 'latin1');
        if (this.#used + length > this.#names.length)
            this.#growNames(length);
        this.#names.write(name, this.#used, 'latin1');
        this.#nameAt[entry] = this.#used;
        this.#nameLength[entry] = length;
        this.#used += length;
        const [hi, lo] = digestOf(value);
        this.#digest[2 * entry] = hi;
        this.#digest[2 * entry + 1] = lo;
        this.#count++;
        if (this.#count * 2 > this.#table.length)
            this.#growTable();
        else
            this.#put(entry);
    }
    has(name) {
        return this.#find(name) >= 0;
    }
    /** Whether `name` is here with the value `value`. */
    holds(name, value) {
        const entry = this.#find(name);
        if (entry < 0)
            return false;
        const [hi, lo] = digestOf(value);
        return this.#digest[2 * entry] === hi && this.#digest[2 * entry + 1] === lo;
    }
    /** Whether `name` has the same value here as in `other` (absent from both counts as the same). */
    sameIn(other, name) {
        const here = this.#find(name);
        const there = other.#find(name);
        if (here < 0 || there < 0)
            return here === there;
        return (this.#digest[2 * here] === other.#digest[2 * there] &&
            this.#digest[2 * here + 1] === other.#digest[2 * there + 1]);
    }
    /** The names, in the order they were set. */
    *names() {
        for (let entry = 0; entry < this.#count; entry++)
            yield this.#nameOf(entry);
    }
    /**
     * The entry number of `name` (0 to size - 1, in the order set), or -1: a caller marks entries
     * in a typed array of `size` instead of a set of names.
     */
    index(name) {
        return this.#find(name);
    }
    nameAt(entry) {
        return this.#nameOf(entry);
    }
    #find(name) {
        const mask = this.#table.length - 1;
        for (let at = nameHash(name) & mask;; at = (at + 1) & mask) {
            const slot = this.#table[at];
            if (slot === 0)
                return -1;
            if (this.#equals(slot - 1, name))
                return slot - 1;
        }
    }
    #equals(entry, name) {
        const length = this.#nameLength[entry];
        if (length !== name.length)
            return false;
        const at = this.#nameAt[entry];
        for (let i = 0; i < length; i++)
            if (this.#names[at + i] !== name.charCodeAt(i))
                return false;
        return true;
    }
    #nameOf(entry) {
        const at = this.#nameAt[entry];
        return this.#names.toString('latin1', at, at + this.#nameLength[entry]);
    }
    #put(entry) {
        const mask = this.#table.length - 1;
        let at = nameHash(this.#nameOf(entry)) & mask;
        while (this.#table[at] !== 0)
            at = (at + 1) & mask;
        this.#table[at] = entry + 1;
    }
    #growEntries() {
        const n = this.#nameAt.length * 2;
        const nameAt = new Float64Array(n);
        nameAt.set(this.#nameAt);
        this.#nameAt = nameAt;
        const nameLength = new Uint32Array(n);
        nameLength.set(this.#nameLength);
        this.#nameLength = nameLength;
        const digest = new Uint32Array(2 * n);
        digest.set(this.#digest);
        this.#digest = digest;
    }
    #growNames(need) {
        const names = Buffer.allocUnsafe(Math.max(2 * this.#names.length, this.#used + need));
        this.#names.copy(names, 0, 0, this.#used);
        this.#names = names;
    }
    #growTable() {
        this.#table = new Int32Array(this.#table.length * 2);
        for (let entry = 0; entry < this.#count; entry++)
            this.#put(entry);
    }
}
const SEED = randomBytes(4).readUInt32LE(0);
/** A 32-bit hash of a name's chars, seeded per process: only the slot a search starts at. */
function nameHash(name) {
    let h = SEED ^ name.length;
    for (let i = 0; i < name.length; i++)
        h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    return (h ^ (h >>> 13)) >>> 0;
}
/** 64 bits of a value's SHA-256. */
function digestOf(value) {
    const digest = hash('sha256', value, 'buffer');
    return [digest.readUInt32LE(0), digest.readUInt32LE(4)];
}

/**
 * What the includes are, entry by entry, without reading a byte of data: type, mode, size, inode,
 * mtime and ctime (nanoseconds), link target. The includes are often untracked (live state is
 * ignored by git), so the drift check on tracked files cannot see a dry-run that writes there;
 * this can: any write or metadata change moves ctime, which only root can set back.
 *
 * Held flat (FlatNameMap): it lives from before the migration dry-run until the snapshot has read
 * every file, and as a Map of strings (~600 bytes an entry) its 16,500 entries grew the main
 * thread's young generation to its largest (64 MiB) within the first second of a precutover.
 */
class IncludeFingerprint {
    /** Regular files among the entries, and their bytes: the totals a snapshot's progress counts to. */
    files = 0;
    bytes = 0;
    entries = new FlatNameMap();
    get size() {
        return this.entries.size;
    }
    get heldBytes() {
        return this.entries.heldBytes;
    }
    add(rel, description) {
        this.entries.set(rel, description);
    }
    /**
     * The entries of a walk made now that are new or different, and this one's entries the walk
     * no longer has.
     */
    changedIn(walk) {
        const seen = new Uint8Array(this.entries.size);
        const changed = new Set();
        walk((rel, description) => {
            const entry = this.entries.index(rel);
            if (entry >= 0)
                seen[entry] = 1;
            if (!this.entries.holds(rel, description))
                changed.add(rel);
        });
        for (let entry = 0; entry < seen.length; entry++)
            if (seen[entry] === 0)
                changed.add(this.entries.nameAt(entry));
        return [...changed];
    }
}
function describe$1(stat, abs) {
    const kind = stat.isSymbolicLink()
        ? `link->${fs.readlinkSync(abs, { encoding: 'buffer' }).toString('hex')}`
        : stat.isDirectory()
            ? 'dir'
            : stat.isFile()
                ? 'file'
                : 'other';
    return `${kind} ${stat.mode} ${stat.size} ${stat.ino} ${stat.mtimeNs} ${stat.ctimeNs}`;
}
/**
 * Every entry under the includes with its description, in walk order. Names are bytes (latin1
 * keeps every byte), relative to repo; a regular file's size comes with it.
 */
function walkIncludes$1(repo, includes, onEntry) {
    const visit = (abs, rel) => {
        let stat;
        try {
            stat = fs.lstatSync(abs, { bigint: true });
        }
        catch {
            onEntry(rel, 'missing');
            return;
        }
        onEntry(rel, describe$1(stat, abs), stat.isFile() ? Number(stat.size) : undefined);
        if (!stat.isDirectory())
            return;
        let names;
        try {
            names = fs.readdirSync(abs, { encoding: 'buffer' });
        }
        catch (error) {
            onEntry(`${rel}/`, `unlistable ${error.code ?? ''}`);
            return;
        }
        for (const name of names) {
            visit(Buffer.concat([abs, Buffer.from('/'), name]), `${rel}/${name.toString('latin1')}`);
        }
    };
    for (const include of includes)
        visit(Buffer.from(path.join(repo, include)), include);
}
/** The includes as they are now. */
function fingerprintIncludes(repo, includes) {
    const out = new IncludeFingerprint();
    walkIncludes$1(repo, includes, (rel, description, fileBytes) => {
        out.add(rel, description);
        if (fileBytes !== undefined) {
            out.files++;
            out.bytes += fileBytes;
        }
    });
    return out;
}
/**
 * Entries added, removed or changed since `before`, the includes walked now, sorted, shown as
 * UTF-8. They are private names: a message lists them through privateList().
 */
function changedSince(before, repo, includes) {
    return before
        .changedIn((onEntry) => walkIncludes$1(repo, includes, onEntry))
        .sort()
        .map((rel) => JSON.stringify(Buffer.from(rel, 'latin1').toString('utf8')).slice(1, -1));
}
/** The regular files of a fingerprint and their bytes: the totals a snapshot's progress counts to. */
function fingerprintTotals(fingerprint) {
    return { count: fingerprint.files, bytes: fingerprint.bytes };
}

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
/** The NUL-ended records of git's `-z` output, one at a time: no array of them all. */
function* recordsZ(out) {
    for (let at = 0; at < out.length;) {
        let end = out.indexOf('\0', at);
        if (end < 0)
            end = out.length;
        if (end > at)
            yield out.slice(at, end);
        at = end + 1;
    }
}
/** The bytes of a latin1 name from git, as a path fs reads exactly. */
const onDisk = (repo, name) => Buffer.concat([Buffer.from(`${repo}/`), Buffer.from(name, 'latin1')]);
/**
 * A latin1 name from git as the report shows it (UTF-8, invalid bytes as U+FFFD); one under an
 * include is private, marked for the doors to render.
 */
const shown = (name) => {
    const text = Buffer.from(name, 'latin1').toString('utf8');
    return repoPathName(text);
};
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
    // held flat (FlatNameMap): before and after are both alive while they are compared, and a
    // repository of 1,000,000 tracked files took over 1 GiB as Maps of strings
    const index = new FlatNameMap();
    const content = new FlatNameMap();
    const seen = new Map();
    // the stages of one path come together (ls-files sorts by path): joined into one value
    let file;
    let entries = '';
    const flush = () => {
        if (file === undefined)
            return;
        index.set(file, entries);
        content.set(file, trackedContent(repo, file, seen));
    };
    for (const line of recordsZ(await git(repo, ['ls-files', '-z', '--stage', '--', '.']))) {
        const tab = line.indexOf('\t');
        const name = line.slice(tab + 1);
        const entry = line.slice(0, tab);
        if (name === file)
            entries = `${entries}\n${entry}`;
        else {
            flush();
            file = name;
            entries = entry;
        }
    }
    flush();
    const untracked = new FlatNameMap();
    const others = await git(repo, ['ls-files', '-z', '--others', '--exclude-standard', '--', '.']);
    for (const name of recordsZ(others))
        untracked.set(name, '');
    return {
        head: head || null,
        index,
        content,
        untracked,
        toplevel,
        prefix
    };
}
/** What changed between two states of the same repo. */
async function compareGitStates(repo, before, after) {
    const changed = new Set();
    const seen = new Map();
    const judge = (file) => {
        if (!before.index.sameIn(after.index, file))
            changed.add(file);
        if (!before.index.has(file))
            return;
        // a file that is no longer in the index is judged on disk too: deleting it is drift as well
        const same = after.content.has(file)
            ? before.content.sameIn(after.content, file)
            : before.content.holds(file, trackedContent(repo, file, seen));
        if (!same)
            changed.add(file);
    };
    for (const file of before.index.names())
        judge(file);
    for (const file of after.index.names())
        if (!before.index.has(file))
            judge(file);
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
    const created = [...after.untracked.names()].filter((file) => !before.untracked.has(file)).sort();
    return {
        changed: [...changed].sort().map(shown),
        headMoved,
        created: created.map(shown)
    };
}

/** `a, b, c and 4 more` for a one-line detail. */
function nameFew(files, few = 5) {
    const shown = files.slice(0, few).join(', ');
    return files.length > few ? `${shown} and ${files.length - few} more` : shown;
}

/** Runs of characters that can be a path in a line of output (quotes, brackets, spaces end one). */
const TOKEN = /[^\s'"`<>|,;()[\]{}]+/g;
const NEXT_PIECE = /^ ([^\s'"`<>|,;()[\]{}]+)/;
/** How far past a space a printed name is followed. */
const MAX_PIECES = 8;
const exists = (repo, rel) => fs.lstatSync(path.join(repo, rel), { throwIfNoEntry: false }) !== undefined;
/**
 * A line (or tail) of the migration commands' output with every path under an include recorded
 * as a private name: the repository's code may print them (`would add: state/...`), and the
 * gate relays that output to the job log and the report. A path starts with an include root and
 * a slash, alone or after a slash (`/work/repo/state/...`). Past a space it goes on while the
 * next piece holds a slash (`state/my folder/x`) or the longer name is an entry of the repository
 * (`state/my file`).
 */
function markOutputNames(text, includes, repo) {
    if (includes.length === 0 || text === '')
        return text;
    const roots = [...includes].sort((a, b) => b.length - a.length);
    return text.replace(TOKEN, (token, offset) => {
        for (const root of roots) {
            const at = token.startsWith(`${root}/`) ? 0 : token.indexOf(`/${root}/`) + 1;
            if (at < 0 || (at === 0 && !token.startsWith(`${root}/`)))
                continue;
            const rel = token.slice(at);
            if (rel.length <= root.length + 1)
                continue;
            let name = rel;
            let candidate = rel;
            let end = offset + token.length;
            for (let piece = 0; piece < MAX_PIECES; piece++) {
                const next = NEXT_PIECE.exec(text.slice(end, end + 4096));
                if (!next)
                    break;
                candidate = `${candidate} ${next[1]}`;
                end += next[0].length;
                if (next[1].includes('/') || (repo !== undefined && exists(repo, candidate)))
                    name = candidate;
                else if (repo === undefined)
                    break;
            }
            privateName(name);
            return token;
        }
        return token;
    });
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

const STEPS$1 = [
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
    return (`script \`${script}\` not found (command \`${showCommand(command)}\`): ` +
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
        return result(name, 'failed', `\`${showCommand(command)}\` ${how}${last ? `: ${last}` : ''}`, base);
    }
    const last = lastLine(run.output);
    return result(name, 'passed', `\`${showCommand(command)}\` exited 0${last ? `: ${last}` : ''}`, base);
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
    const includes = options.includes ?? [];
    const ran = await options.logger.group(`${name}: ${showCommand(command)}`, () => runCommand(argv, {
        cwd: options.repo,
        env: childEnv(options.env ?? process.env, options.passphraseEnv, options.identityEnv),
        timeoutMs: options.timeoutSeconds * 1000,
        killGraceMs: options.killGraceMs,
        // A prefix so that output never starts with `::` and cannot issue workflow commands.
        // paths under the includes that the command prints are private names, as ours are
        onLine: (line) => options.logger.info(`| ${markOutputNames(line, includes, options.repo)}`)
    }));
    const run = { ...ran, output: markOutputNames(ran.output, includes, options.repo) };
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
    const changed = changedSince(before, options.repo, options.includes ?? []);
    if (changed.length === 0)
        return;
    const drifted = `the dry-run changed ${privateList(changed, { noun: ['entry of the includes', 'entries of the includes'] })} \u2014 a dry-run must write nothing, and the snapshot would archive its writes (runbook decision point C)`;
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
        for (const [name] of STEPS$1.slice(results.length)) {
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
        for (const [name, key] of STEPS$1) {
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
 * Runbook step 1: export \u2192 check \u2192 import in a clean package folder, three rows. The includes are
 * fingerprinted first: the dry-run must leave them as they were, and so must anything it left
 * running, until the snapshot has read them (snapshot-create checks against the same print).
 */
const migrationStep = {
    id: 'migration',
    rows: ['migration-export', 'migration-check', 'migration-import'],
    async run(ctx) {
        const { config } = ctx;
        ctx.includesBefore = fingerprintIncludes(config.repo, config.includes);
        return runMigrationDryRun({
            repo: config.repo,
            includes: config.includes,
            includesBefore: ctx.includesBefore,
            tempDir: config.tempDir,
            commands: config.migration,
            timeoutSeconds: config.migration.timeoutSeconds,
            passphraseEnv: config.passphraseEnv,
            identityEnv: config.identityEnv,
            logger: ctx.logger
        });
    }
};

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
/**
 * Transform: plaintext in, a complete age v1 file out: one scrypt stanza (work factor = log2 N)
 * for a passphrase, one native stanza per recipient otherwise. Returned at once: scrypt runs on
 * the threadpool while the payload streams (see AgeEncryptStream); a failing wrap fails the
 * stream.
 */
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
    const block = Buffer.alloc(BLOCK$1);
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
function cannotRead(name, error) {
    const rel = privateName(name);
    const code = error.code;
    if (code === 'EACCES' || code === 'EPERM') {
        return new NoGoError(`cannot read ${rel}: permission denied; give the runner read access to it`);
    }
    if (code === 'ENOENT') {
        return new NoGoError(`${rel} vanished while the snapshot was being taken; stop writes to the repository and rerun`);
    }
    return new NoGoError(`cannot read ${rel}: ${code ?? 'error'}`);
}
function changed(rel, how) {
    return new NoGoError(`${privateName(rel)} changed while the snapshot was being taken (${how}); pause rollout and isolate writes (runbook decision point B): stop the writer and rerun`, 'B');
}
/**
 * The snapshot's plaintext: a POSIX tar of the walked entries, each file read once and hashed as
 * it streams, then the index as the last entry. Yields buffers of about BATCH bytes taken from
 * `pool` (of BATCH-byte buffers): whoever holds a yielded buffer last gives it back there.
 */
async function* archiveStream(entries, index, onProgress, pool = new BufferPool(BATCH, 0), writers, blobIds) {
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
                // the git blob id too, from the same bytes, when the exposure audit will look them up
                const blob = blobIds?.begin(size);
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
                    const bytes = batch.tail().subarray(batch.used, batch.used + got);
                    hash.update(bytes);
                    blob?.update(bytes);
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
                if (blob)
                    blobIds.add(blob);
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
    // the index, copied from its spill file straight into the batches
    const indexSize = index.size;
    batch.copy(encodeTarHeader({
        path: INDEX_PATH,
        type: 'file',
        mode: 0o644,
        size: indexSize,
        mtime: new Date(0)
    }), full);
    for (let at = 0; at < indexSize;) {
        const want = Math.min(batch.space, indexSize - at);
        if (index.read(batch.tail(), batch.used, want, at) !== want)
            throw new Error('the index spill file is shorter than what was written to it');
        batch.used += want;
        at += want;
        if (batch.space === 0)
            full.push(batch.take());
        while (full.length > 0)
            yield full.shift();
    }
    batch.zeros(paddingFor(indexSize), full);
    batch.copy(END_OF_ARCHIVE, full);
    yield* full;
    if (batch.used > 0)
        yield batch.take();
}

/**
 * One input chunk, one block: each is encoded as it comes, up to `inFlight` at once, and the
 * frames are emitted in input order. The producer decides the block size (the snapshot's
 * archive writes 1 MiB chunks); nothing is cut, copied or shared here. Holding the write
 * callback while `inFlight` blocks are busy is the backpressure: memory stays flat whatever
 * the input size.
 */
class BlockTransform extends Transform {
    #jobs = [];
    #blocks = 0;
    #codec;
    #options;
    constructor(codec, options) {
        super();
        if (!(Number.isInteger(options.inFlight) && options.inFlight >= 1)) {
            throw new RangeError('inFlight must be a whole number of at least 1');
        }
        this.#codec = codec;
        this.#options = options;
    }
    _transform(chunk, _encoding, callback) {
        if (chunk.length === 0)
            return callback();
        this.#drain(this.#options.inFlight - 1)
            .then(() => {
            if (this.destroyed)
                return;
            this.#start(chunk);
            this.#emitFinished();
        })
            .then(() => callback(), callback);
    }
    _flush(callback) {
        // An empty input still gets one (empty) frame: stock `gzip -d` rejects a zero-byte file.
        if (this.#blocks === 0)
            this.#start(Buffer.alloc(0));
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
        this.#jobs = [];
        this.#codec.close();
        callback(error);
    }
    #start(block) {
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
        void job.settled.then(() => this.#options.release?.(block));
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
}

/** zstd's own default level, as `zstd` and `tar --zstd` use. */
const ZSTD_LEVEL = 3;
/** gzip's own default level. */
const GZIP_LEVEL = 6;
// Room for a whole frame of a 1 MiB block in one output buffer, so a block is one threadpool
// job rather than a main-thread round trip per 16 KiB (the default chunkSize, which halves
// throughput); a bigger block's frame comes in more pieces.
const BLOCK = 1 << 20;
const FRAME_ROOM = BLOCK + (BLOCK >> 7) + 65536;
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
function zstdFrames() {
    return new EnginePool(() => zlib__default.createZstdCompress({
        params: {
            [zlib__default.constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL,
            [zlib__default.constants.ZSTD_c_checksumFlag]: 1
        },
        flush: zlib__default.constants.ZSTD_e_end,
        chunkSize: FRAME_ROOM
    }), false);
}
/** gzip members (header, deflate, CRC-32 and size trailer); members concatenate into gzip. */
function gzipMembers() {
    return new EnginePool(() => zlib__default.createGzip({
        level: GZIP_LEVEL,
        flush: zlib__default.constants.Z_FINISH,
        chunkSize: FRAME_ROOM
    }), true);
}

/**
 * One block in flight per core, 2 to 3: libuv's pool has 4 threads by default and file I/O
 * needs one; on 2 cores a third block only competes with the main thread.
 */
const DEFAULT_BLOCKS = {
    inFlight: Math.min(3, Math.max(2, availableParallelism()))
};
/**
 * Plaintext tar bytes in, compressed bytes out, one frame per input chunk (the snapshot's
 * archive writes 1 MiB chunks: the cheapest in CPU per byte of 0.5\u20138 MiB, cache-friendly, and
 * the least memory, at the same ratio). zstd and gzip compress the blocks in parallel on
 * libuv's threadpool and emit them in order: concatenated zstd frames and gzip members are
 * valid streams for stock `zstd -d`, `gzip -d` and `tar --zstd/-z -x`.
 */
function createCompressStream(kind, blocks = DEFAULT_BLOCKS) {
    switch (kind) {
        case 'zstd':
            return new BlockTransform(zstdFrames(), blocks);
        case 'gzip':
            return new BlockTransform(gzipMembers(), blocks);
        case 'none':
            return new PassThrough();
    }
}

/**
 * The index as the walk goes: each line written to a spill file and hashed, so a snapshot of
 * 1,000,000 entries holds 64 KiB of it in memory, not ~130 MiB; the archive copies it from the
 * file as its last entry.
 */
class IndexBuilder {
    #spill;
    files = 0;
    bytes = 0;
    entries = 0;
    constructor(tempDir) {
        this.#spill = new SpillFile(tempDir);
    }
    add(entry) {
        const line = indexLine(entry) + '\n';
        this.#spill.append(line);
        this.entries++;
        if (entry.type === 'file') {
            this.files++;
            this.bytes += entry.size;
        }
        return line;
    }
    /** Bytes of the index so far. */
    get size() {
        return this.#spill.size;
    }
    /** Copies index bytes from `position` into `into`; returns how many. */
    read(into, offset, length, position) {
        return this.#spill.read(into, offset, length, position);
    }
    /** The whole index in memory (tests). */
    bytesOfIndex() {
        return this.#spill.bytes();
    }
    /** The content digest; add nothing after the first call. */
    digest() {
        return this.#spill.digest();
    }
    /** Deletes the spill file. */
    remove() {
        this.#spill.remove();
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
/** Filesystem uid, gid and supplementary groups from /proc/<pid>/status (world-readable). */
function idsOf(dir) {
    try {
        const status = fs.readFileSync(`${dir}/status`, 'utf8');
        // Uid:/Gid: real, effective, saved, filesystem: file access checks the last
        const uid = Number(/^Uid:\s+\d+\s+\d+\s+\d+\s+(\d+)/m.exec(status)?.[1]);
        const gid = Number(/^Gid:\s+\d+\s+\d+\s+\d+\s+(\d+)/m.exec(status)?.[1]);
        const groups = (/^Groups:(.*)$/m.exec(status)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
        if (!Number.isInteger(uid) || !Number.isInteger(gid))
            return {};
        return { uid, gids: [gid, ...groups.map(Number)] };
    }
    catch {
        return {}; // gone
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
            hidden.push({ pid: Number(pid), command: name(), ...idsOf(`${proc}/${pid}`) });
    }
    return { holders, hidden };
}
const describe = (holders) => holders
    .slice(0, 3)
    .map((h) => `pid ${h.pid} (${h.command}): ${h.how}`)
    .join('; ');
function liveWriter(rel, holders, when) {
    const who = describe(holders);
    return new NoGoError(`${privateName(rel)} is being written by another process ${when} (${who}); pause rollout and isolate writes (runbook decision point B): stop the writer and rerun`, 'B');
}
/**
 * Writers of the archived files, seen by a scan before the archive starts and a second one
 * after all data was read, so a writer that starts mid-read is caught too.
 */
class LiveWriterWatch {
    before;
    /** Every archived file as `dev:ino<TAB>JSON name` lines, on disk: 1,000,000 files in a Map took ~150 MiB. */
    archived = new SpillFile();
    hidden = new Map();
    /** Who could write an archived file by its permission bits. */
    owners = new Set();
    groupWritable = new Set();
    worldWritable = false;
    constructor() {
        this.before = this.noteHidden(scanWriters());
    }
    /** Before a file is read (stat from its open fd): NO-GO if the first scan saw a writer. */
    admit(rel, stat) {
        const key = fileKey(stat.dev, stat.ino);
        this.archived.append(`${key}\t${JSON.stringify(rel)}\n`);
        this.owners.add(Number(stat.uid));
        if (stat.mode & 16n)
            this.groupWritable.add(Number(stat.gid));
        if (stat.mode & 2n)
            this.worldWritable = true;
        const holders = this.before.holders.get(key);
        if (holders)
            throw liveWriter(rel, holders, 'as the snapshot starts');
    }
    /** After the data was read: NO-GO naming any archived file that now has a writer. */
    recheck() {
        const after = this.noteHidden(scanWriters());
        if (after.holders.size === 0)
            return;
        for (const line of this.archived.lines()) {
            const tab = line.indexOf('\t');
            const holders = after.holders.get(line.slice(0, tab));
            if (holders)
                throw liveWriter(JSON.parse(line.slice(tab + 1)), holders, 'while the snapshot read it');
        }
    }
    /** Deletes the list of archived files. */
    close() {
        this.archived.remove();
    }
    /** For a file seen changing: who holds it for writing now ('' when no one is seen), to name them. */
    whoWrites(stat) {
        const holders = this.noteHidden(scanWriters()).holders.get(fileKey(stat.dev, stat.ino));
        return holders ? `; held by ${describe(holders)}` : '';
    }
    /**
     * One line on the processes we could not look into that could write an archived file by its
     * permission bits (its owner, a group it is writable by, or any user): a writer among them
     * would go unseen. Root's processes are not counted: root can write and hide anything, which
     * no check of ours can stop (README, Security model); one that has gone is not counted either.
     */
    warnings() {
        const could = [...this.hidden.values()].filter((h) => h.uid !== undefined &&
            h.uid !== 0 &&
            (this.worldWritable ||
                this.owners.has(h.uid) ||
                (h.gids ?? []).some((gid) => this.groupWritable.has(gid))));
        if (could.length === 0)
            return [];
        const few = could
            .slice(0, 5)
            .map((h) => `${h.pid} (${h.command}, uid ${h.uid})`)
            .join(', ');
        return [
            `could not inspect ${could.length} processes that could write the included files (their /proc entries are not readable: EACCES), e.g. ${few}; run as their user or make sure none of them writes the repository`
        ];
    }
    noteHidden(scan) {
        for (const hidden of scan.hidden)
            this.hidden.set(hidden.pid, hidden);
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
        throw new NoGoError(`symlink ${privateName(rel)} has an absolute target (${privateName(target)}); a snapshot keeps only relative links inside the repository: make it relative or remove it`);
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
        throw new NoGoError(`symlink ${privateName(rel)} points outside the repository (-> ${privateName(target)}); remove it or point it inside before taking the snapshot`);
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
            throw new NoGoError(`symlink ${privateName(rel)} has a target that is not UTF-8 (${privateName(raw, showNameBytes(raw))}, shown with \\x escapes): point it at a UTF-8 name and rerun`);
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
        onSkip(`left out ${privateName(rel)}: it is a ${describeSpecial(stat)}; a snapshot keeps only files, folders and symlinks`);
        return;
    }
    yield { rel, abs, kind: 'dir', stat };
    let raw;
    try {
        raw = fs.readdirSync(abs, { encoding: 'buffer' });
    }
    catch (error) {
        throw new NoGoError(`cannot list folder ${privateName(rel)}: ${error.code ?? 'error'}; give the runner read access to it`);
    }
    // names travel as text (tar, index, report): one that does not survive utf8 would be merged or lost
    for (const name of raw) {
        if (!Buffer.from(name.toString('utf8'), 'utf8').equals(name)) {
            const full = Buffer.concat([Buffer.from(`${rel}/`), name]);
            throw new NoGoError(`folder ${privateName(rel)} holds a name that is not UTF-8 (${privateName(full, showNameBytes(name))}, shown with \\x escapes): rename it to UTF-8 and rerun`);
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
            const code = error.code;
            if (code === 'ENOENT') {
                throw new NoGoError(`${privateName(childRel)} vanished while the snapshot was being taken; stop writes to the repository and rerun`);
            }
            throw new NoGoError(`cannot look at ${privateName(childRel)}: ${code ?? 'error'}; give the runner read access to it`);
        }
        yield* visit(repo, childRel, childAbs, childStat, onSkip);
    }
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
    assertIncludesPresent(config);
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
        const output = new HashedFileWriter(tempPath);
        let streamed;
        try {
            streamed = await streamSnapshot(config, keys, logger, output, warnings, options);
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
        const manifest = manifestOf(config, createdAtDate, path.relative(path.dirname(config.manifestPath), finalPath), output, streamed);
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
            evidence: evidenceOf(manifest, { snapshotPath: finalPath, manifestPath: config.manifestPath })
        };
    }
    finally {
        if (!(succeeded && options.keepLock))
            lock.release();
    }
}
/** Every include is there (a dangling link is an entry too): a missing one is NO-GO naming it. */
function assertIncludesPresent(config) {
    for (const include of config.includes) {
        if (!fs.existsSync(path.join(config.repo, include)) &&
            !isDanglingLink(path.join(config.repo, include))) {
            throw new NoGoError(`include ${include} is missing from ${config.repo}; create it, or remove it from the include input`);
        }
    }
}
/**
 * tar \u2192 compress \u2192 age (scrypt, or the recipients) \u2192 the sink, which hashes what it is given.
 * Warnings (left-out entries, live writers) go to `warnings`; the includes are held to
 * `options.unchangedSince` once all is read. The sink is finished (or destroyed) on return.
 */
async function streamSnapshot(config, keys, logger, sink, warnings, options = {}) {
    // header first, then the payload: scrypt (or the recipients) wrap the key while the first
    // chunks are compressed and encrypted, and the output is hashed as it is written
    const key = encryptionKeyOf(keys, config.workFactor);
    if (key.kind === 'passphrase')
        logger.info(keyDerivationLine(config.workFactor));
    const age = encryptStream(key);
    // totals from the walk made before the migration ran (precutover); none in snapshot mode
    const totals = options.unchangedSince && fingerprintTotals(options.unchangedSince);
    const progress = new ProgressReporter(logger, 'snapshot', 'files', totals);
    // the batches cycle: read into, compressed from, given back once their block is encoded
    const batches = new BufferPool(BATCH, 16);
    // other processes writing the includes, seen once before reading and once after (runbook B)
    const writers = new LiveWriterWatch();
    // the index spills to a temp file as it grows; its counts and digest outlive the file
    const index = new IndexBuilder();
    try {
        await pipeline(Readable.from(archiveStream(walkIncludes(config.repo, config.includes, (w) => warnings.push(w)), index, (p) => progress.update(p.files, p.bytes), batches, writers, options.blobIds), 
        // a few batches of read-ahead keep reading and hashing busy while zstd works
        { objectMode: false, highWaterMark: 4 * 1024 * 1024 }), createCompressStream(config.compression, {
            ...DEFAULT_BLOCKS,
            release: (b) => batches.release(b)
        }), age, sink);
        warnings.push(...writers.warnings());
        if (options.unchangedSince)
            assertUnchanged(config, options.unchangedSince);
        return { index, key };
    }
    finally {
        index.remove();
        writers.close();
    }
}
/** The manifest of a snapshot just streamed; `snapshotPath` is relative to the manifest's folder. */
function manifestOf(config, createdAtDate, snapshotPath, sink, { index, key }) {
    return {
        version: 1,
        createdAt: createdAtDate.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        snapshot: { path: snapshotPath, size: sink.size, sha256: sink.digestHex() },
        compression: config.compression,
        encryption: encryptionRecordOf(key),
        includes: [...config.includes],
        content: { files: index.files, bytes: index.bytes, digest: index.digest() },
        tool: TOOL
    };
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
    const changed = changedSince(since, config.repo, config.includes);
    if (changed.length === 0)
        return;
    throw new NoGoError(`the includes changed after the migration dry-run, before the snapshot was complete: ${privateList(changed)}; a process is still writing them (runbook decision point B: pause and isolate writes, stop what the dry-run left running, then rerun)`);
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
    return errorText(error);
}

const MiB = 1024 * 1024;
/** S3's limits: at most 10,000 parts, each (but the last) at least 5 MiB and at most 5 GiB. */
const MAX_PARTS = 10_000;
const MAX_PART_SIZE = 5 * 1024 * MiB;
/** The first parts: big enough that small snapshots need few requests, small enough for memory. */
const FIRST_PART_SIZE = 8 * MiB;
/** Part sizes hold for a run of this many parts, so the buffers of a run are reused. */
const PARTS_PER_STEP = 100;
/** ...then grow by this much: 10,000 parts then hold 1.26 TiB, the largest part is 255.5 MiB. */
const STEP_GROWTH = 2.5 * MiB;
/**
 * Size of part `partNumber` (from 1) of an upload whose length is unknown until it ends. Growing
 * linearly (not doubling) keeps the largest part, and so memory (parts in flight \u00d7 part size),
 * as small as 1 TiB in 10,000 parts allows: 1 TiB needs 105 MiB per part on average.
 */
function partSize(partNumber) {
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PARTS)
        throw new RangeError(`part number ${partNumber} is outside 1-${MAX_PARTS}`);
    const step = Math.floor((partNumber - 1) / PARTS_PER_STEP);
    return Math.min(MAX_PART_SIZE, FIRST_PART_SIZE + step * STEP_GROWTH);
}

/**
 * A Writable the snapshot streams into: a multipart upload of one new object, with no local copy.
 * Bytes fill a part buffer; a full part uploads (SHA-256 checksum) while the next fills, at most
 * `partsInFlight` at a time (backpressure holds the writer); part sizes grow (part-size.ts) so an
 * upload of unknown length fits 10,000 parts. On finish: CompleteMultipartUpload with
 * If-None-Match: * (an existing object is never replaced), then the object's size and composite
 * checksum are checked. On any failure or destroy the upload is aborted: no object appears.
 * `size`, `digestHex()` and `retainUntil` describe the object once the stream has finished.
 */
class UploadSink extends Writable {
    #store;
    #key;
    #maxInFlight;
    #options;
    #hash = createHash('sha256');
    #uploadId;
    #lock = {};
    #part;
    #filled = 0;
    #nextPart = 1;
    #size = 0;
    #parts = [];
    /** Buffers of finished parts, reused while the part size stays the same. */
    #free = [];
    #inFlight = new Set();
    #failure;
    #completed = false;
    #digest;
    constructor(store, name, options = {}) {
        super({ highWaterMark: 1024 * 1024 });
        this.#store = store;
        this.#key = store.key(name);
        this.#maxInFlight = Math.max(1, options.partsInFlight ?? 4);
        this.#options = options;
    }
    get size() {
        return this.#size;
    }
    get key() {
        return this.#key;
    }
    /** Object Lock retain-until of the object, when store-retention-days set one. */
    get retainUntil() {
        return this.#lock.ObjectLockRetainUntilDate;
    }
    /** Resolves once the stream is closed: after a failure, once the upload is aborted. */
    async settled() {
        if (this.closed)
            return;
        await new Promise((resolve) => this.once('close', () => resolve()));
    }
    digestHex() {
        if (this.#digest === undefined)
            throw new Error(`${this.#store.url()} upload is not finished`);
        return this.#digest;
    }
    _construct(callback) {
        this.#start().then(() => callback(), callback);
    }
    _write(chunk, _encoding, callback) {
        this.#append(chunk).then(() => callback(), callback);
    }
    _final(callback) {
        this.#finish().then(() => callback(), callback);
    }
    _destroy(error, callback) {
        if (this.#completed || this.#uploadId === undefined) {
            callback(error);
            return;
        }
        this.#abort().then(() => callback(error), (abortError) => callback(error ?? abortError));
    }
    async #start() {
        const { s3 } = this.#store;
        this.#lock = lockHeaders(this.#store.settings, (this.#options.now ?? (() => new Date()))());
        this.#options.onCreating?.();
        const created = await this.#store.call('CreateMultipartUpload', (client) => client.send(new s3.CreateMultipartUploadCommand({
            Bucket: this.#store.bucket,
            Key: this.#key,
            ContentType: 'application/octet-stream',
            ChecksumAlgorithm: 'SHA256',
            ...this.#lock
        })));
        if (!created.UploadId)
            throw new StoreError(`store ${this.#store.url()}: CreateMultipartUpload gave no upload id: the endpoint is not S3-compatible; check store-endpoint`, 'NotS3');
        this.#uploadId = created.UploadId;
        this.#options.onStarted?.(created.UploadId);
    }
    async #append(chunk) {
        this.#hash.update(chunk);
        this.#size += chunk.length;
        let offset = 0;
        while (offset < chunk.length) {
            this.#part ??= this.#takeBuffer(partSize(this.#nextPart));
            const copied = chunk.copy(this.#part, this.#filled, offset);
            this.#filled += copied;
            offset += copied;
            if (this.#filled === this.#part.length)
                await this.#ship();
        }
    }
    #takeBuffer(size) {
        while (this.#free.length > 0) {
            const buffer = this.#free.pop();
            if (buffer.length === size)
                return buffer;
        }
        return Buffer.allocUnsafe(size);
    }
    /** Starts the current part's upload; waits while too many are in flight. */
    async #ship() {
        const number = this.#nextPart;
        if (number > MAX_PARTS)
            throw new StoreError(`store ${this.#store.url()}: the snapshot needs more than ${MAX_PARTS} parts (over 1.2 TiB): split the includes over several runs`, 'EntityTooLarge');
        const buffer = this.#part;
        const body = buffer.subarray(0, this.#filled);
        this.#part = undefined;
        this.#filled = 0;
        this.#nextPart++;
        const upload = this.#uploadPart(number, body).then(() => {
            this.#free.push(buffer);
        }, (error) => {
            this.#failure ??= error;
        });
        this.#inFlight.add(upload);
        void upload.finally(() => this.#inFlight.delete(upload));
        while (this.#inFlight.size >= this.#maxInFlight)
            await Promise.race(this.#inFlight);
        if (this.#failure)
            throw this.#failure;
    }
    async #uploadPart(number, body) {
        const { s3 } = this.#store;
        const checksum = createHash('sha256').update(body).digest('base64');
        const answer = await this.#store.call('UploadPart', (client) => client.send(new s3.UploadPartCommand({
            Bucket: this.#store.bucket,
            Key: this.#key,
            UploadId: this.#uploadId,
            PartNumber: number,
            Body: body,
            ContentLength: body.length,
            ChecksumAlgorithm: 'SHA256',
            ChecksumSHA256: checksum
        })));
        if (!answer.ETag)
            throw new StoreError(`store ${this.#store.url()}: UploadPart ${number} gave no ETag: the endpoint is not S3-compatible; check store-endpoint`, 'NotS3');
        this.#parts.push({ PartNumber: number, ETag: answer.ETag, ChecksumSHA256: checksum });
    }
    async #finish() {
        // the last part, which may be short (or empty, when it is the only one)
        if (this.#filled > 0 || this.#nextPart === 1) {
            this.#part ??= Buffer.alloc(0);
            await this.#ship();
        }
        await Promise.all(this.#inFlight);
        if (this.#failure)
            throw this.#failure;
        const { s3 } = this.#store;
        const parts = [...this.#parts].sort((a, b) => a.PartNumber - b.PartNumber);
        await this.#store.call('CompleteMultipartUpload', (client) => client.send(new s3.CompleteMultipartUploadCommand({
            Bucket: this.#store.bucket,
            Key: this.#key,
            UploadId: this.#uploadId,
            MultipartUpload: { Parts: parts },
            // write once: an object already at this key is never replaced
            IfNoneMatch: '*'
        })));
        this.#completed = true;
        this.#options.onSettled?.(this.#uploadId);
        this.#digest = this.#hash.digest('hex');
        this.#part = undefined;
        this.#free.length = 0;
        await this.#checkStored(parts);
    }
    /** The object as stored: its size, and its composite checksum when the store keeps one. */
    async #checkStored(parts) {
        const { s3 } = this.#store;
        const head = await this.#store.call('HeadObject', (client) => client.send(new s3.HeadObjectCommand({
            Bucket: this.#store.bucket,
            Key: this.#key,
            ChecksumMode: 'ENABLED'
        })));
        if (head.ContentLength !== this.#size) {
            throw new StoreError(`store ${this.#store.url()}: the stored object is ${head.ContentLength} bytes but ${this.#size} were sent: the store lost data; check the store and rerun`, 'BadDigest');
        }
        if (this.#lock.ObjectLockRetainUntilDate && !head.ObjectLockRetainUntilDate)
            await this.#applyRetention();
        const expected = compositeChecksum(parts);
        const stored = head.ChecksumSHA256;
        if (stored && stored !== expected && stored.split('-')[0] !== expected.split('-')[0]) {
            // bytes unlike those sent: the object must not stay to be mistaken for the snapshot
            await this.#discard(head.VersionId).catch(() => undefined);
            throw new StoreError(`store ${this.#store.url()}: the stored object's SHA-256 checksum ${stored} is not the ${expected} of the parts sent: check proxies between the runner and the store, and rerun`, 'BadDigest');
        }
    }
    /**
     * Some stores (moto among them) drop the lock headers of CreateMultipartUpload: the retention is
     * then put on the object just completed, and read back, so the report never claims a lock that
     * the store does not hold.
     */
    async #applyRetention() {
        const { s3 } = this.#store;
        const { ObjectLockMode: Mode, ObjectLockRetainUntilDate: RetainUntilDate } = this.#lock;
        await this.#store.call('PutObjectRetention', (client) => client.send(new s3.PutObjectRetentionCommand({
            Bucket: this.#store.bucket,
            Key: this.#key,
            Retention: { Mode, RetainUntilDate },
            ChecksumAlgorithm: 'SHA256'
        })));
        const head = await this.#store.call('HeadObject', (client) => client.send(new s3.HeadObjectCommand({ Bucket: this.#store.bucket, Key: this.#key })));
        if (head.ObjectLockRetainUntilDate?.getTime() !== RetainUntilDate?.getTime())
            throw new StoreError(`store ${this.#store.url()}: the object holds no Object Lock retention after PutObjectRetention: enable Object Lock on the bucket, or set store-retention-days: 0`, 'InvalidBucketObjectLockConfiguration');
    }
    /** Deletes the object just completed (a version under Object Lock stays, as an orphan). */
    async #discard(versionId) {
        const { s3 } = this.#store;
        await this.#store.call('DeleteObject', (client) => client.send(new s3.DeleteObjectCommand({
            Bucket: this.#store.bucket,
            Key: this.#key,
            ...(versionId ? { VersionId: versionId } : {})
        })));
    }
    async #abort() {
        await Promise.all(this.#inFlight);
        const { s3 } = this.#store;
        await this.#store.call('AbortMultipartUpload', (client) => client.send(new s3.AbortMultipartUploadCommand({
            Bucket: this.#store.bucket,
            Key: this.#key,
            UploadId: this.#uploadId
        })));
        this.#options.onSettled?.(this.#uploadId);
    }
}
/** S3's composite checksum of a multipart object: SHA-256 of the parts' digests, then `-N`. */
function compositeChecksum(parts) {
    const hash = createHash('sha256');
    for (const part of parts)
        hash.update(Buffer.from(part.ChecksumSHA256, 'base64'));
    return `${hash.digest('base64')}-${parts.length}`;
}

const PROBE_NAME = '.cutover-gate/write-once-probe';
/**
 * Proves, before a run's first write, that the store refuses to replace an object: the canary
 * under the prefix is written with If-None-Match: *; a refusal (it exists) is the proof; if the
 * write went through (first run, or a store that ignores the header), a second one must be
 * refused. A store that accepts both is a NO-GO naming it: its snapshots could be overwritten.
 */
async function proveWriteOnce(store, now = new Date()) {
    const body = Buffer.from(`cutover-gate write-once probe: a second write of this object must be refused\n`);
    for (let attempt = 1; attempt <= 2; attempt++) {
        try {
            await putOnce(store, PROBE_NAME, body, now);
        }
        catch (error) {
            if (isWriteRefused(error))
                return;
            throw error;
        }
    }
    throw new NoGoError(`store ${store.url()} accepted a second write of ${store.url(PROBE_NAME)} despite If-None-Match: *: it does not enforce write-once, so a snapshot there could be replaced; use a store that supports conditional writes (AWS S3, MinIO, R2, ...) or update it`);
}

/**
 * Runbook step 2 into a store: leftover uploads of dead runs are aborted, write-once is proven
 * (the probe), then the snapshot streams into a multipart upload (no local copy) and its
 * manifest is put after it, both with If-None-Match: *. A failed or killed run leaves no object:
 * its upload is aborted now, or (killed) by the next run or the post step, from its marker.
 */
async function createStoredSnapshot(config, store, openOther, keys, logger, now = () => new Date(), options = {}) {
    assertIncludesPresent(config);
    const warnings = [];
    const leftovers = await abortDeadUploads(config.tempDir, openOther);
    for (const aborted of leftovers.aborted)
        warnings.push(`aborted ${aborted}, the upload of a run that was killed`);
    for (const upload of leftovers.left)
        warnings.push(`could not abort the upload of a run that was killed, ${upload}; its marker stays for the next run or the post step (a bucket lifecycle rule AbortIncompleteMultipartUpload also removes it)`);
    const others = await openUploads(store).catch(() => []);
    if (others.length > 0)
        warnings.push(`${store.url()} has ${others.length} incomplete upload(s) that no run on this machine can prove dead (another runner's, or a live run's): a bucket lifecycle rule AbortIncompleteMultipartUpload removes them`);
    await proveWriteOnce(store, now());
    const createdAtDate = now();
    const id = utcStamp(createdAtDate);
    const name = snapshotFileName(createdAtDate, config.compression);
    let marker;
    const record = (uploadId) => {
        marker = writeUploadMarker(config.tempDir, {
            bucket: store.bucket,
            prefix: store.prefix,
            key: store.key(name),
            uploadId,
            endpoint: store.settings.endpoint,
            region: store.settings.region
        });
    };
    const sink = new UploadSink(store, name, {
        now: () => createdAtDate,
        onCreating: () => record(''),
        onStarted: record,
        onSettled: () => {
            if (marker)
                removeUploadMarker(marker);
        }
    });
    let streamed;
    try {
        streamed = await streamSnapshot(config, keys, logger, sink, warnings, options);
    }
    catch (error) {
        // the pipeline destroyed the sink: its upload is aborted before this step reports
        sink.destroy();
        await sink.settled();
        if (error instanceof StoreError && isWriteRefused(error))
            throw new NoGoError(`store ${store.url()} already holds ${name}: another run wrote this id in the same second; rerun`);
        if (error instanceof NoGoError)
            throw error;
        throw new NoGoError(`uploading snapshot ${store.url(name)} failed: ${error.message}`);
    }
    const manifest = manifestOf(config, createdAtDate, name, sink, streamed);
    const manifestName = snapshotManifestName(id);
    const manifestRetain = await putOnce(store, manifestName, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), createdAtDate);
    const retainUntil = retainUntilText(sink.retainUntil ?? manifestRetain);
    const url = store.url(name);
    return {
        warnings,
        manifest,
        url,
        retainUntil,
        expected: {
            manifest,
            snapshotPath: url,
            open: () => openStoredObject(store, name, manifest.snapshot.size)
        },
        evidence: evidenceOf(manifest, { snapshotPath: url, manifestPath: store.url(manifestName) })
    };
}

/** snapshot-create into the store: streamed, written once, read back by restore-test. */
async function storeSnapshotWork(ctx, lane) {
    const outcome = await createStoredSnapshot(ctx.config, lane.store, lane.openOther, ctx.keys, ctx.logger, undefined, { unchangedSince: ctx.includesBefore });
    ctx.written = outcome.expected;
    ctx.stored = {
        expected: outcome.expected,
        manifestUrl: outcome.evidence.manifestPath,
        retainUntil: outcome.retainUntil
    };
    ctx.manifestPath = outcome.evidence.manifestPath;
    ctx.evidence = { ...outcome.evidence, retainUntil: outcome.retainUntil };
    const e = outcome.evidence;
    const locked = outcome.retainUntil ? `, locked until ${outcome.retainUntil}` : '';
    return {
        detail: `${e.files} files, ${humanBytes(e.bytes)} archived into ${e.snapshotPath} (${humanBytes(e.size)} encrypted, written once${locked})`,
        warnings: outcome.warnings
    };
}
/** pick-snapshot in a store: latest is the newest id with a manifest (no latest object). */
async function pickStoredSnapshot(ctx, lane) {
    const chosen = await chooseFromStore(lane.store, ctx.config.snapshot);
    ctx.stored = chosen;
    ctx.written = chosen.expected;
    ctx.manifestPath = chosen.manifestUrl;
}
/** A stored snapshot's evidence names its manifest's URL and its lock, which the verifier does not know. */
function storedEvidence(verified, ctx) {
    if (!ctx.stored)
        return verified;
    return { ...verified, manifestPath: ctx.stored.manifestUrl, retainUntil: ctx.stored.retainUntil };
}

/**
 * The `snapshot` input \u2192 the manifest the next step verifies: `latest` is the manifest input, an
 * id its own snapshot-<id>.json, and only if the catalogue lists it as usable. It has no row of
 * its own: a snapshot that cannot be picked is a NO-GO of the step that would have read it.
 */
const pickSnapshotStep = {
    id: 'pick-snapshot',
    rows: [],
    async run(ctx) {
        const { config, store } = ctx;
        // in a store, latest is picked too: it is the newest id with a manifest
        if (config.snapshot === 'latest' && !store)
            return [];
        const reader = config.mode === 'restore' ? 'restore' : 'restore-test';
        const picked = await timedRow(reader, MODES[config.mode].failurePoint, async () => {
            if (store)
                await pickStoredSnapshot(ctx, store);
            else
                ctx.manifestPath = resolveSnapshot(config);
            return { detail: '' };
        });
        return picked.status === 'failed' ? [picked] : [];
    }
};

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

/** The repository's object format, as git itself reports it (`extensions.objectFormat`). */
async function objectFormatOf(repo) {
    const answer = await git$1(repo, ['rev-parse', '--show-object-format']);
    if (!answer.ok)
        throw new Error(`git rev-parse --show-object-format failed: ${answer.error}`);
    const format = answer.out.trim();
    if (format === 'sha1' || format === 'sha256')
        return format;
    throw new Error(`git reports object format "${format}", which this audit does not know`);
}
/** The id of the empty tree: a commit whose include resolves to it holds nothing there. */
function emptyTreeId(format) {
    return nodeCrypto__default
        .createHash(format === 'sha1' ? 'sha1' : 'sha256')
        .update('tree 0\0')
        .digest('hex');
}
const CHUNK = 1024 * 1024;
/**
 * Feeds a file's bytes to `hash` (a blob id's, its `blob <size>\0` already in), with one buffer;
 * false when the file does not hold `size` bytes as it is read (its id would be of no version
 * that exists).
 */
function hashFileBytes(hash, file, size) {
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
        const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, 1)));
        let read = 0;
        for (;;) {
            const n = fs.readSync(fd, buffer, 0, buffer.length, null);
            if (n === 0)
                break;
            read += n;
            if (read > size)
                return false;
            hash.update(buffer.subarray(0, n));
        }
        return read === size;
    }
    finally {
        fs.closeSync(fd);
    }
}

/**
 * The regular files under the include roots, never following a symlink (a link's target is not
 * the include's content). A root that is missing or unreadable is skipped and counted: the
 * snapshot step says which; this audit never names a path under an include. A missing one is
 * not counted: the audit's subject is what git and GitHub hold, not the work tree.
 */
function* includeFiles(repo, includes, onUnreadable) {
    const stack = includes.map((include) => path.join(repo, include));
    while (stack.length > 0) {
        const abs = stack.pop();
        let stat;
        try {
            stat = fs.lstatSync(abs);
        }
        catch (error) {
            // an include that is not there now has no content to look up (its history may still)
            if (error.code !== 'ENOENT')
                onUnreadable();
            continue;
        }
        if (stat.isFile()) {
            yield { abs, size: stat.size };
        }
        else if (stat.isDirectory()) {
            try {
                for (const name of fs.readdirSync(abs))
                    stack.push(path.join(abs, name));
            }
            catch {
                onUnreadable();
            }
        }
    }
}

/**
 * The include roots as paths in the repository's trees: `repo` may be a folder inside the work
 * tree (a monorepo's `examples/app`), so each root gets the work tree prefix of `repo`.
 */
async function includeTreePaths(repo, includes) {
    const answer = await git$1(repo, ['rev-parse', '--show-prefix']);
    if (!answer.ok)
        throw new Error(`git rev-parse --show-prefix failed: ${answer.error}`);
    const prefix = answer.out.replace(/\n$/, '');
    return includes.map((include) => path.posix.join(prefix, include));
}
/** Literal pathspecs: an include named `*` or `:x` means that folder, never a pattern. */
function literalPathspecs(treePaths) {
    return treePaths.map((treePath) => `:(literal)${treePath}`);
}
/** Whether a path in a tree lies under one of the include roots (the root itself included). */
function underIncludes(treePath, treePaths) {
    return treePaths.some((root) => treePath === root || treePath.startsWith(`${root}/`));
}

/**
 * The git blob ids of files' bytes (`git hash-object` without filters: the hash of `blob <size>\0`
 * and the content), counted by id: what the exposure audit looks up in the object database. Filled
 * by whoever reads the files anyway (the snapshot, as it archives them), so the audit makes no
 * second pass over the data.
 */
class BlobIdTally {
    format;
    minBytes;
    /** Blob id -> how many files have those bytes. */
    counts;
    /** Regular files seen, looked up or not. */
    files = 0;
    /**
     * `format`: the repository's object format; `minBytes`: files smaller than this are counted but
     * not looked up.
     */
    constructor(format, minBytes) {
        this.format = format;
        this.minBytes = minBytes;
        this.counts = new BlobIdCounts(format === 'sha1' ? 20 : 32);
    }
    /** Counts a file of `size` bytes; the hash to feed its bytes to, unless it is too small. */
    begin(size) {
        this.files++;
        if (size < this.minBytes)
            return undefined;
        return createHash(this.format).update(`blob ${size}\0`);
    }
    /** The id of a file whose bytes `begin`'s hash has had, all of them. */
    add(hash) {
        this.counts.count(hash.digest());
    }
}
/**
 * Blob ids and how many files have each, held flat: the ids' bytes in one arena, the counts and
 * an open-addressed table (slotted by the id's own first bytes, already uniform) in typed arrays,
 * about 30 to 50 bytes per distinct id and no object of its own. It lives from the snapshot's
 * read to the audit, through the restore-test: a Map of hex strings took ~100 bytes per id.
 * Read like a Map of hex id -> count.
 */
class BlobIdCounts {
    #width;
    #ids;
    #counts = new Uint32Array(256);
    #size = 0;
    /** Id number + 1 by slot; 0 is empty. At most half full. */
    #table = new Int32Array(512);
    /** `width`: bytes per id (20 for SHA-1, 32 for SHA-256). */
    constructor(width) {
        this.#width = width;
        this.#ids = Buffer.allocUnsafe(256 * width);
    }
    get size() {
        return this.#size;
    }
    /** Bytes of memory held: the arena and the typed arrays, nothing per id. */
    get heldBytes() {
        return this.#ids.length + this.#counts.byteLength + this.#table.byteLength;
    }
    /** Counts one more file with the id `id` (its bytes). */
    count(id) {
        const found = this.#find(id);
        if (found >= 0) {
            this.#counts[found]++;
            return;
        }
        const n = this.#size;
        if (n === this.#counts.length)
            this.#grow();
        id.copy(this.#ids, n * this.#width, 0, this.#width);
        this.#counts[n] = 1;
        this.#size++;
        if (this.#size * 2 > this.#table.length)
            this.#rehash();
        else
            this.#put(n);
    }
    has(hex) {
        return this.get(hex) !== undefined;
    }
    /** How many files have the id `hex`, or undefined. */
    get(hex) {
        if (hex.length !== 2 * this.#width || !/^[0-9a-f]+$/.test(hex))
            return undefined;
        const found = this.#find(Buffer.from(hex, 'hex'));
        return found < 0 ? undefined : this.#counts[found];
    }
    *keys() {
        for (let n = 0; n < this.#size; n++)
            yield this.#ids.toString('hex', n * this.#width, (n + 1) * this.#width);
    }
    *values() {
        for (let n = 0; n < this.#size; n++)
            yield this.#counts[n];
    }
    #slot(id, at) {
        return id.readUInt32LE(at) & (this.#table.length - 1);
    }
    #find(id) {
        const mask = this.#table.length - 1;
        for (let at = this.#slot(id, 0);; at = (at + 1) & mask) {
            const entry = this.#table[at];
            if (entry === 0)
                return -1;
            const n = entry - 1;
            if (id.compare(this.#ids, n * this.#width, (n + 1) * this.#width, 0, this.#width) === 0)
                return n;
        }
    }
    #put(n) {
        const mask = this.#table.length - 1;
        let at = this.#ids.readUInt32LE(n * this.#width) & mask;
        while (this.#table[at] !== 0)
            at = (at + 1) & mask;
        this.#table[at] = n + 1;
    }
    #grow() {
        const counts = new Uint32Array(this.#counts.length * 2);
        counts.set(this.#counts);
        this.#counts = counts;
        const ids = Buffer.allocUnsafe(counts.length * this.#width);
        this.#ids.copy(ids);
        this.#ids = ids;
    }
    #rehash() {
        this.#table = new Int32Array(this.#table.length * 2);
        for (let n = 0; n < this.#size; n++)
            this.#put(n);
    }
}

/**
 * Files this small are everyone's content (an empty file, `{}`, a newline): finding their blob
 * in a repository says nothing about the private state.
 */
const MIN_LOOKUP_BYTES = 64;
/**
 * The git blob id of every file under the includes, computed here, looked up in the object
 * database in one `cat-file --batch-check`; the ones found that the history pass did not see
 * under the includes are then sought among the objects the refs reach in one
 * `rev-list --objects` pass (run only then).
 */
async function auditContent(repo, includes, treePaths, refs, format, 
/** Blobs the history pass saw under the includes in reachable commits: no need to seek them. */
knownReachable = new Set(), 
/** The files' blob ids, taken by the snapshot as it read them (same format): none read here. */
taken) {
    const { files, wanted, unreadable } = taken
        ? { files: taken.files, wanted: taken.counts, unreadable: 0 }
        : blobIdsOf(repo, includes, format);
    const lookedUp = [...wanted.values()].reduce((a, b) => a + b, 0);
    const found = new Set();
    if (wanted.size > 0) {
        for await (const line of gitLines(repo, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
            input: wanted.keys()
        })) {
            const [id, type] = line.split(' ');
            if (type === 'blob' && id && wanted.has(id))
                found.add(id);
        }
    }
    const reached = new Map();
    for (const id of found)
        if (knownReachable.has(id))
            reached.set(id, false);
    // the walk over every reachable object runs only for bytes the history pass did not see
    if ([...found].some((id) => !reached.has(id))) {
        const extra = refs.filter((ref) => !ref.name.startsWith('refs/') && ref.commit);
        for await (const line of gitLines(repo, ['rev-list', '--all', '--objects', '--stdin'], {
            input: extra.map((ref) => ref.commit)
        })) {
            const space = line.indexOf(' ');
            const id = space < 0 ? line : line.slice(0, space);
            if (!found.has(id) || reached.has(id))
                continue;
            reached.set(id, space >= 0 && !underIncludes(line.slice(space + 1), treePaths));
        }
    }
    const filesOf = (ids) => [...ids].reduce((sum, id) => sum + (wanted.get(id) ?? 0), 0);
    return {
        files,
        lookedUp,
        inObjects: filesOf(found),
        reachable: filesOf(reached.keys()),
        elsewhere: filesOf([...reached].filter(([, outside]) => outside).map(([id]) => id)),
        unreadable
    };
}
/** Reads every file under the includes for its blob id (mode exposure-audit: no snapshot read them). */
function blobIdsOf(repo, includes, format) {
    const tally = new BlobIdTally(format, MIN_LOOKUP_BYTES);
    let unreadable = 0;
    for (const file of includeFiles(repo, includes, () => unreadable++)) {
        const hash = tally.begin(file.size);
        if (!hash)
            continue;
        let whole;
        try {
            whole = hashFileBytes(hash, file.abs, file.size);
        }
        catch {
            whole = false;
        }
        if (whole)
            tally.add(hash);
        else
            unreadable++;
    }
    return { files: tally.files, wanted: tally.counts, unreadable };
}

const Repo = object({
    full_name: string(),
    private: boolean$1(),
    visibility: string().optional(),
    has_wiki: boolean$1().optional()
});
const Artifact = object({
    name: string(),
    expired: boolean$1().optional(),
    expires_at: string().nullable().optional(),
    size_in_bytes: number().optional()
});
const Cache = object({ size_in_bytes: number().optional() });
const Fork = object({ full_name: string(), private: boolean$1().optional() });
const Release = object({ id: number() });
const EVIDENCE_NAME = /snapshot|backup|report|readiness|cutover|state/i;
const PAGE_LIMIT = 20;
function explain(what, error) {
    const status = error.status;
    const grant = what === 'artifacts' || what === 'caches'
        ? 'give the job permissions: actions: read'
        : 'give the job permissions: contents: read';
    if (status === 403 || status === 404)
        return `${what} not read (HTTP ${status}): ${grant}`;
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return `${what} not read: ${message}`;
}
/**
 * Reads the repository's GitHub surface with the ecosystem's client (@actions/github, so
 * GITHUB_API_URL, proxies and GHES work as in every action). Loaded here only: most runs of
 * other modes never need it. Every answer is checked (zod) before it is counted.
 */
async function auditGithubSurface(request) {
    const [owner, repo] = request.repository.split('/');
    if (!owner || !repo) {
        return { checked: false, reason: `GITHUB_REPOSITORY (${request.repository}) is not owner/name` };
    }
    const { getOctokit } = await import('./github.js').then(function (n) { return n.a; });
    const octokit = getOctokit(request.token, {
        ...(request.apiUrl ? { baseUrl: request.apiUrl } : {}),
        request: { signal: AbortSignal.timeout(120_000) }
    });
    const params = { owner, repo, per_page: 100 };
    let info;
    try {
        info = Repo.parse((await octokit.request('GET /repos/{owner}/{repo}', { owner, repo })).data);
    }
    catch (error) {
        return { checked: false, reason: explain('the repository', error) };
    }
    const problems = [];
    // a list past PAGE_LIMIT pages is counted so far: enough to say "delete them"
    const list = async (what, route, schema) => {
        try {
            const items = [];
            let pages = 0;
            for await (const page of octokit.paginate.iterator(route, params)) {
                items.push(...page.data);
                if (++pages >= PAGE_LIMIT)
                    break;
            }
            return array(schema).parse(items);
        }
        catch (error) {
            problems.push(explain(what, error));
            return [];
        }
    };
    const artifacts = (await list('artifacts', 'GET /repos/{owner}/{repo}/actions/artifacts', Artifact)).filter((artifact) => !artifact.expired);
    const evidence = artifacts.filter((artifact) => artifact.name === request.artifactName || EVIDENCE_NAME.test(artifact.name));
    const caches = await list('caches', 'GET /repos/{owner}/{repo}/actions/caches', Cache);
    const forks = await list('forks', 'GET /repos/{owner}/{repo}/forks', Fork);
    const releases = await list('releases', 'GET /repos/{owner}/{repo}/releases', Release);
    return {
        checked: true,
        repository: info.full_name,
        visibility: info.visibility ?? (info.private ? 'private' : 'public'),
        wiki: info.has_wiki ?? false,
        artifacts: evidence.map((artifact) => ({
            name: artifact.name,
            expiresAt: artifact.expires_at ?? null,
            bytes: artifact.size_in_bytes ?? 0
        })),
        otherArtifacts: artifacts.length - evidence.length,
        caches: {
            count: caches.length,
            bytes: caches.reduce((sum, cache) => sum + (cache.size_in_bytes ?? 0), 0)
        },
        forks: forks.map((fork) => ({ name: fork.full_name, private: fork.private ?? false })),
        releases: releases.length,
        problems
    };
}

/** The Git LFS spec: a pointer is under 1024 bytes and starts with this version line. */
const POINTER_LIMIT = 1024;
const VERSION_LINE = /^version https:\/\/(git-lfs\.github\.com\/spec\/v1|hawser\.github\.com\/spec\/v1)\n/;
/** Whether these bytes are a Git LFS pointer (the real file is on the LFS server, not in git). */
function isLfsPointer(content) {
    if (content.length >= POINTER_LIMIT)
        return false;
    const text = content.toString('utf8');
    return VERSION_LINE.test(text) && /\noid sha256:[0-9a-f]{64}\n/.test(text);
}
/** Of these blob ids, how many are LFS pointers: sizes in one pass, the small ones read in one more. */
async function countLfsPointers(repo, blobs) {
    if (blobs.size === 0)
        return 0;
    const small = [];
    for await (const line of gitLines(repo, ['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'], { input: blobs })) {
        const [id, type, size] = line.split(' ');
        if (id && type === 'blob' && Number(size) < POINTER_LIMIT)
            small.push(id);
    }
    let pointers = 0;
    for await (const object of gitObjects(repo, small)) {
        if (object.type === 'blob' && isLfsPointer(object.content))
            pointers++;
    }
    return pointers;
}

const SHOWN_REFS = 10;
/**
 * One pass of plumbing over the whole history: every commit of every ref with its root tree
 * (`rev-list`), then each distinct tree asked, in one `cat-file --batch-check`, whether it holds
 * each include root. A commit holds the include when its tree does, whether or not it touched it.
 */
async function auditHistory(repo, includes, treePaths, refs, head, format) {
    // refs outside --all's reach: older stash entries live only in a reflog
    const extra = refs.filter((ref) => !ref.name.startsWith('refs/') && ref.commit);
    const commits = new Map();
    for await (const line of gitLines(repo, ['rev-list', '--all', '--stdin', '--no-commit-header', '--format=%H %T %ct %P'], { input: extra.map((ref) => ref.commit) })) {
        const [id, tree, time, ...parents] = line.split(' ');
        if (!id || !tree)
            continue;
        commits.set(id, { tree, time: Number(time), parents: parents.filter(Boolean) });
    }
    const trees = [...new Set([...commits.values()].map((commit) => commit.tree))];
    const holds = await treesHolding(repo, trees, treePaths, format);
    const perInclude = includes.map((include) => ({ include, commits: 0 }));
    let count = 0;
    let first;
    let last;
    const exposed = new Set();
    for (const entry of commits) {
        const held = holds.get(entry[1].tree);
        if (!held)
            continue;
        exposed.add(entry[0]);
        count++;
        perInclude.forEach((row, at) => {
            if (held.has(at))
                row.commits++;
        });
        if (!first || before(entry, first))
            first = entry;
        if (!last || before(last, entry))
            last = entry;
    }
    const reaching = reachesExposed(commits, exposed);
    const refCounts = {};
    const refNames = [];
    for (const ref of refs) {
        if (!ref.commit || !reaching(ref.commit))
            continue;
        refCounts[ref.kind] = (refCounts[ref.kind] ?? 0) + 1;
        if (refNames.length < SHOWN_REFS)
            refNames.push(ref.name);
    }
    // blob ids that reachable commits put under the includes: reachable by construction
    const blobsUnder = count === 0 ? new Set() : await blobsEverUnder(repo, treePaths, extra);
    const history = {
        scanned: commits.size,
        commits: count,
        perInclude,
        ...(first ? { first: mark(first) } : {}),
        ...(last ? { last: mark(last) } : {}),
        headHolds: head !== undefined && exposed.has(head),
        refs: refCounts,
        refNames,
        lfsPointers: await countLfsPointers(repo, blobsUnder)
    };
    return { history, blobsUnder };
}
const before = (a, b) => a[1].time < b[1].time || (a[1].time === b[1].time && a[0] < b[0]);
const mark = ([id, commit]) => ({
    id,
    date: new Date(commit.time * 1000).toISOString()
});
/** For each tree that holds any, which include roots (by index) it holds; an empty tree holds none. */
async function treesHolding(repo, trees, treePaths, format) {
    const empty = emptyTreeId(format);
    const holds = new Map();
    function* questions() {
        for (const tree of trees)
            for (const treePath of treePaths)
                yield `${tree}:${treePath}`;
    }
    let at = 0;
    for await (const line of gitLines(repo, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
        input: questions()
    })) {
        const tree = trees[Math.floor(at / treePaths.length)];
        const include = at % treePaths.length;
        at++;
        if (line.endsWith(' missing') || line.endsWith(' ambiguous'))
            continue;
        if (line.startsWith(`${empty} `))
            continue;
        const held = holds.get(tree) ?? new Set();
        holds.set(tree, held.add(include));
    }
    if (at !== trees.length * treePaths.length) {
        throw new Error(`git cat-file answered ${at} of ${trees.length * treePaths.length} questions`);
    }
    return holds;
}
/** Whether a commit is, or has among its ancestors, an exposed commit (memoised, no recursion). */
function reachesExposed(commits, exposed) {
    const known = new Map();
    return (start) => {
        const stack = [start];
        while (stack.length > 0) {
            const id = stack[stack.length - 1];
            if (known.has(id)) {
                stack.pop();
                continue;
            }
            if (exposed.has(id)) {
                known.set(id, true);
                stack.pop();
                continue;
            }
            const parents = commits.get(id)?.parents ?? [];
            const open = parents.filter((parent) => !known.has(parent));
            if (open.length > 0) {
                stack.push(...open);
                continue;
            }
            known.set(id, parents.some((parent) => known.get(parent)));
            stack.pop();
        }
        return known.get(start) ?? false;
    };
}
/** Every blob id that any reachable commit put under an include (merges diffed to each parent). */
async function blobsEverUnder(repo, treePaths, extra) {
    const blobs = new Set();
    for await (const line of gitLines(repo, [
        'log',
        '--all',
        '--stdin',
        '--raw',
        '--no-renames',
        '--no-abbrev',
        '-m',
        '--format=tformat:',
        '--',
        ...literalPathspecs(treePaths)
    ], { input: extra.map((ref) => ref.commit) })) {
        if (!line.startsWith(':'))
            continue;
        const [, newMode, , newId] = line.slice(1, line.indexOf('\t')).split(' ');
        if (newId && (newMode === '100644' || newMode === '100755') && !/^0+$/.test(newId)) {
            blobs.add(newId);
        }
    }
    return blobs;
}

function kindOf(name) {
    if (name.startsWith('refs/heads/'))
        return 'branch';
    if (name.startsWith('refs/tags/'))
        return 'tag';
    if (name.startsWith('refs/remotes/'))
        return 'remote-tracking';
    if (name.startsWith('refs/notes/'))
        return 'notes';
    if (name === 'refs/stash')
        return 'stash';
    return 'other';
}
/**
 * Every ref (`for-each-ref`: branches, tags, remote-tracking refs, notes, stash, pull refs),
 * HEAD when it is detached, and each older stash entry (they live only in refs/stash's reflog).
 */
async function listRefs(repo) {
    const refs = [];
    for await (const line of gitLines(repo, [
        'for-each-ref',
        '--format=%(objecttype) %(objectname) %(*objecttype) %(*objectname) %(refname)'
    ])) {
        const [type, id, peeledType, peeled, ...rest] = line.split(' ');
        const name = rest.join(' ');
        const commit = type === 'commit' ? id : peeledType === 'commit' ? peeled : undefined;
        refs.push({ name, kind: kindOf(name), ...(commit ? { commit } : {}) });
    }
    const head = await git$1(repo, ['symbolic-ref', '-q', 'HEAD']);
    if (!head.ok) {
        const detached = await git$1(repo, ['rev-parse', '--verify', '-q', 'HEAD^{commit}']);
        if (detached.ok)
            refs.push({ name: 'HEAD', kind: 'other', commit: detached.out.trim() });
    }
    if (refs.some((ref) => ref.name === 'refs/stash')) {
        const entries = await git$1(repo, ['reflog', 'show', '--format=%H', 'refs/stash'], {
            maxBuffer: 64 * 1024 * 1024
        });
        const ids = entries.ok ? entries.out.split('\n').filter(Boolean) : [];
        ids
            .slice(1)
            .forEach((commit, at) => refs.push({ name: `stash@{${at + 1}}`, kind: 'stash', commit }));
    }
    return refs;
}
/** The commit HEAD names, or undefined on an unborn branch. */
async function headCommit(repo) {
    const head = await git$1(repo, ['rev-parse', '--verify', '-q', 'HEAD^{commit}']);
    return head.ok ? head.out.trim() : undefined;
}

/**
 * What making the repository public would publish of the includes: git's history and object
 * database, and GitHub's surface. Reads only; writes nothing; needs no secret.
 */
async function auditExposure(options) {
    const includes = [...options.includes];
    const surface = 'token' in options.github
        ? auditGithubSurface(options.github).catch((error) => ({
            checked: false,
            reason: `GitHub not read: ${error.message.split('\n')[0]}`
        }))
        : Promise.resolve({ checked: false, reason: options.github.reason });
    const parts = {
        includes,
        git: {
            checked: false,
            reason: `${options.repo} is not in a git work tree: no history to publish`
        },
        github: { checked: false, reason: '' }
    };
    if (isGitWorkTree(options.repo)) {
        const format = await objectFormatOf(options.repo);
        const treePaths = await includeTreePaths(options.repo, includes);
        const refs = await listRefs(options.repo);
        const head = await headCommit(options.repo);
        const shallow = await git$1(options.repo, ['rev-parse', '--is-shallow-repository']);
        parts.git = {
            checked: true,
            objectFormat: format,
            shallow: shallow.ok && shallow.out.trim() === 'true'
        };
        const { history, blobsUnder } = await auditHistory(options.repo, includes, treePaths, refs, head, format);
        parts.history = history;
        parts.content = await auditContent(options.repo, includes, treePaths, refs, format, blobsUnder, options.blobIds?.format === format ? options.blobIds : undefined);
    }
    parts.github = await surface;
    return { ...parts, ...findingsOf(parts) };
}

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/**
 * An error from git or the file system may quote a path: whatever follows an include root in it
 * becomes `\u2026`, up to the closing quote when the path is quoted, else to the end of the message
 * (a name may hold spaces), so the root stays (not private) and the name under it goes.
 */
function hideNamesUnder(message, includes) {
    let out = message;
    for (const root of includes) {
        for (let at = out.indexOf(`${root}/`); at >= 0; at = out.indexOf(`${root}/`, at + 1)) {
            const before = at === 0 ? '' : out[at - 1];
            if (before !== '' && !/[\s'"`/:=(]/.test(before))
                continue;
            const from = at + root.length + 1;
            // the quote that opens this path, if any: looked for back to the start of the word
            let opening = '';
            for (let k = at - 1; k >= 0 && !/\s/.test(out[k]); k--) {
                if (/['"`]/.test(out[k])) {
                    opening = out[k];
                    break;
                }
            }
            const quote = opening ? out.indexOf(opening, from) : -1;
            const to = quote >= 0 ? quote : out.length;
            out = `${out.slice(0, from)}\u2026${out.slice(to)}`;
        }
    }
    return out;
}
/** The step's one line: the findings by kind, or what was looked at and found clean. */
function detailOf(audit) {
    const github = audit.github.checked ? '' : `; GitHub surface ${audit.github.reason}`;
    if (audit.findings.length === 0) {
        const scanned = audit.history
            ? `${plural(audit.history.scanned, 'commit')} of every ref and ${plural(audit.content?.lookedUp ?? 0, 'file')} looked up by content`
            : audit.git.checked
                ? 'git'
                : audit.git.reason;
        return `going public would publish nothing of ${audit.includes.join(', ')} (${scanned})${github}`;
    }
    const kinds = audit.findings.map((finding) => `${finding.kind} ${finding.count}`).join(', ');
    return `going public would publish ${audit.includes.join(', ')}: ${kinds} (see "What going public would publish")${github}`;
}
/**
 * The exposure-audit step: the audit, its findings as warnings (annotations in the action), and
 * with `exposure: fail` any finding a NO-GO at decision point A. An audit that cannot run is a
 * NO-GO under fail (nothing proves the repository clean) and a warning under warn.
 */
async function runExposureStep(config, github, logger, 
/** The blob ids of the files the snapshot of this lane read: the audit reads none again. */
blobIds) {
    const started = performance.now();
    const took = () => performance.now() - started;
    const fail = config.exposure === 'fail';
    let audit;
    try {
        audit = await auditExposure({
            repo: config.repo,
            includes: config.includes,
            github,
            blobIds
        });
    }
    catch (error) {
        const message = hideNamesUnder(error.message.split('\n')[0] ?? '', config.includes);
        const why = `the exposure audit could not run: ${message}`;
        logger.warning(why);
        return {
            result: fail
                ? {
                    name: 'exposure-audit',
                    status: 'failed',
                    durationMs: took(),
                    detail: `${why}; with exposure: fail nothing proves the repository clean`,
                    warnings: [],
                    decisionPoint: 'A'
                }
                : {
                    name: 'exposure-audit',
                    status: 'passed',
                    durationMs: took(),
                    detail: why,
                    warnings: [why]
                }
        };
    }
    const warnings = audit.findings.map((finding) => `going public would publish: ${finding.summary}. ${finding.remedy}`);
    const shallow = audit.git.checked && audit.git.shallow;
    if (shallow)
        warnings.push(SHALLOW_NOTE);
    for (const warning of warnings)
        logger.warning(`exposure-audit: ${warning}`);
    const detail = detailOf(audit);
    // under fail, a finding is a NO-GO; so is a shallow clone, which cannot prove the rest clean
    const why = audit.findings.length > 0
        ? `${detail}; exposure: fail makes that a NO-GO: remove them (remedies in the report), or set exposure: warn`
        : `${SHALLOW_NOTE}; with exposure: fail nothing proves the rest of the history clean`;
    if (fail && (audit.findings.length > 0 || shallow)) {
        return {
            result: {
                name: 'exposure-audit',
                status: 'failed',
                durationMs: took(),
                detail: why,
                warnings: [],
                decisionPoint: 'A'
            },
            audit
        };
    }
    return {
        result: { name: 'exposure-audit', status: 'passed', durationMs: took(), detail, warnings },
        audit
    };
}

/**
 * The exposure audit (SPEC "Exposure audit"): the last step of precutover and mode
 * exposure-audit. `exposure: off` leaves it out: no row, so nothing is skipped and GO stands.
 */
const exposureAuditStep = {
    id: 'exposure-audit',
    rows: ['exposure-audit'],
    enabled: (config) => config.exposure !== 'off',
    run: async (ctx) => {
        const { result, audit } = await ctx.logger.group('exposure-audit', () => runExposureStep(ctx.config, ctx.github, ctx.logger, ctx.blobIds));
        ctx.exposure = audit;
        return [result];
    }
};

/**
 * When this lane's exposure audit will look the files' bytes up in git, their blob ids are taken
 * in the snapshot's own read of each file, so the audit reads no file again.
 */
async function blobIdsForAudit(config) {
    if (!MODES[config.mode].steps.includes('exposure-audit') || !exposureAuditStep.enabled(config))
        return undefined;
    if (!isGitWorkTree(config.repo))
        return undefined;
    // git cannot say: the audit will read the files itself (and report why git failed)
    const format = await objectFormatOf(config.repo).catch(() => undefined);
    return format && new BlobIdTally(format, MIN_LOOKUP_BYTES);
}
/**
 * Runbook step 2. In a lane that restore-tests next, the snapshot-dir lock stays held until the
 * lane ends, so nothing replaces the file between its writing and its verification.
 */
const snapshotCreateStep = oneRowStep('snapshot-create', 'snapshot-create', 'A', async (ctx) => {
    const { config } = ctx;
    if (ctx.store)
        return storeSnapshotWork(ctx, ctx.store);
    // git answers while the snapshot streams
    const hygiene = snapshotDirWarnings(config);
    const blobIds = await blobIdsForAudit(config);
    const outcome = await createSnapshot(config, ctx.keys, ctx.logger, undefined, {
        keepLock: MODES[config.mode].steps.includes('restore-test'),
        unchangedSince: ctx.includesBefore,
        blobIds
    });
    ctx.blobIds = blobIds;
    const lock = outcome.lock;
    if (lock)
        ctx.atEnd(() => lock.release());
    ctx.written = { manifest: outcome.manifest, snapshotPath: outcome.evidence.snapshotPath };
    ctx.evidence = outcome.evidence;
    const e = outcome.evidence;
    return {
        detail: `${e.files} files, ${humanBytes(e.bytes)} archived into ${e.snapshotPath} (${humanBytes(e.size)} encrypted)`,
        warnings: [...outcome.warnings, ...(await hygiene)]
    };
});

/** Runbook step 3: decrypt, extract into a fresh temp folder, verify every entry, remove it. */
const restoreTestStep = oneRowStep('restore-test', 'restore-test', 'A', async (ctx) => {
    const verified = await restoreTest(ctx.manifestPath, ctx.keys, ctx.config.tempDir, ctx.logger, ctx.written);
    ctx.evidence = storedEvidence(verified.evidence, ctx);
    const x = verified.extracted;
    return {
        detail: `decrypted, extracted and verified ${x.entries} entries (${x.files} files, ${humanBytes(x.bytes)}) against the index and content digest`
    };
});

/** Rollback decision point B: decrypt, verify and extract into restore-target. */
const restoreStep = oneRowStep('restore', 'restore', 'B', async (ctx) => {
    const verified = await restoreIntoTarget(ctx.manifestPath, ctx.keys, ctx.config.restoreTarget, ctx.logger, 
    // a stored snapshot (picked from the store) streams from there
    ctx.store ? ctx.written : undefined);
    ctx.evidence = storedEvidence(verified.evidence, ctx);
    return {
        detail: `restored and verified ${verified.extracted.entries} entries into ${ctx.config.restoreTarget}`
    };
});

/** Every step a mode can name (src/config/modes.ts), by id. */
const STEPS = {
    migration: migrationStep,
    'pick-snapshot': pickSnapshotStep,
    'snapshot-create': snapshotCreateStep,
    'restore-test': restoreTestStep,
    restore: restoreStep,
    'exposure-audit': exposureAuditStep
};

/**
 * Runs the mode's steps in the table's order (src/config/modes.ts). One rule: after the first
 * failed row, every later step's rows are reported skipped. Never throws for a NO-GO; what a
 * step held for a later one (the snapshot-dir lock) is released when the lane ends, however.
 */
async function runLane(config, keys, logger, 
/** How the exposure audit reads GitHub; with the store input, the store snapshots go to. */
access = {}) {
    const releases = [];
    const ctx = {
        config,
        keys,
        logger,
        manifestPath: config.manifestPath,
        github: access.github ?? { reason: 'not checked' },
        store: access.store,
        atEnd: (release) => void releases.push(release)
    };
    const rows = [];
    try {
        for (const id of MODES[config.mode].steps) {
            const step = STEPS[id];
            if (step.enabled && !step.enabled(config))
                continue;
            const failed = rows.find((row) => row.status === 'failed');
            if (failed) {
                const reported = new Set(rows.map((row) => row.name));
                const skipped = step.rows.filter((name) => !reported.has(name));
                rows.push(...skipped.map((name) => skippedRow(name, failed.name)));
                continue;
            }
            for (const row of await step.run(ctx)) {
                const seconds = (row.durationMs / 1000).toFixed(1);
                // a failure's reason is the report's headline (and the action's error): said once, there
                logger.info(`${row.name}: ${row.status} in ${seconds} s${row.status === 'failed' ? '' : ` \u2014 ${row.detail}`}`);
                rows.push(row);
            }
        }
    }
    finally {
        for (const release of releases.reverse())
            release();
    }
    return {
        steps: rows,
        evidence: ctx.evidence,
        manifestPath: ctx.manifestPath,
        exposure: ctx.exposure
    };
}

/** The variable @actions/core reads the github-token input from. */
const GITHUB_TOKEN_INPUT = 'INPUT_GITHUB-TOKEN';
/**
 * Whether and how the GitHub surface is read: only by the action, with its github-token (masked
 * by the door; never in a child's environment, see secret-names), for GITHUB_REPOSITORY at
 * GITHUB_API_URL. Otherwise why it is not checked, said in the report.
 */
function githubRequestOf(env, door, artifactName) {
    if (door !== 'action') {
        return {
            reason: 'not checked: the CLI does not read GitHub; the action does, with its github-token input'
        };
    }
    const token = (env[GITHUB_TOKEN_INPUT] ?? '').trim();
    if (token === '')
        return { reason: 'not checked: github-token is empty' };
    const repository = env.GITHUB_REPOSITORY ?? '';
    if (repository === '')
        return { reason: 'not checked: GITHUB_REPOSITORY is not set' };
    return { token, repository, apiUrl: env.GITHUB_API_URL ?? '', artifactName };
}

/**
 * The house both doors call. The lane runs the mode's steps (src/config/modes.ts); then the gate's
 * phases: record the report \u2192 upload \u2192 record \u2192 prune \u2192 record. Each phase adds facts to the run;
 * decide() (src/decision/decide.ts) judges them afresh each time the report is built. A report
 * that cannot be written stops the phases: unrecorded evidence is a NO-GO.
 */
async function runGate(config, keys, logger, env, door = 'action') {
    if (!MODES[config.mode].writesReport) {
        const report = await listCatalogue(config, env);
        return { report, markdown: renderMarkdown(report), outputs: outputsOf(report, config, false) };
    }
    // before the lane: a refused upload must not leave a snapshot behind
    const visibilityWarning = refusePublicArtifact(config, env, door, keys);
    if (visibilityWarning)
        logger.warning(visibilityWarning);
    const startedAt = new Date();
    // git, for commit and ref outside Actions, answers while the lane runs
    const context = contextFromEnv(env, config.repo);
    const store = await openLaneStore(config, env);
    const lane = await runLane(config, keys, logger, {
        github: githubRequestOf(env, door, config.artifactName),
        store
    });
    let run = {
        config,
        recorded: false,
        store,
        input: {
            mode: config.mode,
            steps: lane.steps,
            evidence: lane.evidence,
            context: await context,
            startedAt,
            finishedAt: new Date(),
            warnings: [...(visibilityWarning ? [visibilityWarning] : []), ...runWarnings(config, env)],
            // the manifest a rollback would use, in the modes that write or read one
            manifestPath: needsKey(config.mode) ? lane.manifestPath : undefined,
            exposure: lane.exposure
        }
    };
    run = await recordReport(run);
    for (const phase of [(r) => uploadArtifact(r, env, logger), pruneAfterGo]) {
        if (!run.recorded)
            break;
        const next = await phase(run);
        if (next)
            run = await recordReport(next);
    }
    const report = reportOf(run);
    return {
        report,
        markdown: renderMarkdown(report),
        outputs: outputsOf(report, config, run.recorded)
    };
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
function renderTerminal(given, options) {
    const report = reportForSink(options.sink ?? 'stdout', given);
    const width = options.width ?? 80;
    const p = painter(options.color);
    const out = [];
    const go = report.decision === 'GO';
    // list decides nothing: it lists, so a listing that worked carries no GO
    if (go && report.mode === 'list')
        out.push(p.bold('cutover-gate catalogue \u00b7 list'));
    else
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
        // the failed step's reason is the headline above: said once
        const headline = step.status === 'failed' && clean(step.detail) === clean(report.reason ?? '');
        if (step.status !== 'skipped' && step.detail && !headline)
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
        const n = report.catalogue.length;
        out.push('', p.bold(`catalogue: ${n} snapshot${n === 1 ? '' : 's'}`));
        out.push(...catalogueTable(report.catalogue, width));
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
            reason: report.reason,
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
/** "age-v1 scrypt (work factor 18)" \u2192 "scrypt 18", "age-v1 x25519 (2 recipients)" \u2192 "x25519 \u00d72". */
function shortKey(encryption) {
    const m = /^\S+ (\S+)(?: \(work factor (\d+)\))?(?: \((\d+) recipients\))?$/.exec(encryption);
    if (!m)
        return encryption;
    return m[2] ? `${m[1]} ${m[2]}` : m[3] ? `${m[1]} \u00d7${m[3]}` : m[1];
}
/**
 * The catalogue in 80 columns: the id is the creation time (UTC), so no created column; the
 * encryption in short; "latest" is the state of the newest good snapshot. A long state (an
 * orphan's problem) wraps under its row.
 */
function catalogueTable(entries, width) {
    const rows = [
        ['id (UTC)', 'size', 'files', 'bytes', 'key', 'state'],
        ...entries.map((entry) => {
            const [id, , size, files, bytes, encryption, latest, state] = catalogueCells(entry).map(clean);
            const key = encryption === '\u2014' ? '\u2014' : shortKey(encryption);
            return [id, size, files, bytes, key, latest && state === 'ok' ? latest : state];
        })
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    const left = 2 + widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0);
    return rows.map((row) => {
        const head = row.slice(0, -1).map((cell, i) => cell.padEnd(widths[i]));
        return `  ${[...head, wrap(row.at(-1), width, left, left)].join('  ')}`.trimEnd();
    });
}

export { TOOL as T, resolveKeys as a, refuseWeakPassphrase as b, runGate as c, renderTerminal as d, passphraseFromFileContent as e, artifactNameProblem as f, normalizeSecret as n, parseInputs as p, resolvePassphrase as r };
