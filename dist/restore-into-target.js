import * as nodeCrypto from 'node:crypto';
import { createSecretKey, createHmac, hkdfSync, createCipheriv, createDecipheriv, generateKeyPairSync, createPublicKey, diffieHellman, createPrivateKey, createHash, randomBytes, scrypt, timingSafeEqual, hash } from 'node:crypto';
import fs, { constants, statSync } from 'node:fs';
import path, { posix } from 'node:path';
import { N as NoGoError } from './step-result.js';
import { z as discriminatedUnion, A as strictObject, e as string, n as number, B as literal, o as object, _ as _enum, D as array, E as datetime, w as writeFileAtomic, c as readRegularFile, C as CAPS, g as selfIdentity, F as tempNameFor, l as liveness, G as registerStopper, I as readRegularFileStat, J as bootPrefix, K as identityOf, T as TEMP_NAME, L as fsyncDir, O as makerIsDead, P as MAKER_TAG, Q as writerTag, R as registerPath, U as unregisterPath, V as privateName, W as makeMarkedFolder, X as releaseFolder, b as sweepDeadLeftovers, Y as SpillFile, Z as addIncludeRoots, r as removeDeadTemps, $ as MOVE_JOURNAL_SUFFIX } from './process-start.js';
import { mkdir, open } from 'node:fs/promises';
import { Transform, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { b as badHeader, w as wrongPassphrase, u as unsupportedRecipient, a as workFactorTooHigh, c as badKey, p as passphraseFile, n as noIdentityMatch, t as truncated, N as NO_PASSPHRASE_GIVEN, d as NO_IDENTITY_GIVEN, P as PayloadDecrypter, F as FRAME_SIZE, h as headerMacMismatch, r as receivedError, A as AgeError } from './messages.js';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { isUtf8 } from 'node:buffer';

// age's base64: RFC 4648 standard alphabet, no `=` padding, and decoders must reject
// non-canonical encodings (unused trailing bits set), which Buffer's lenient decoder accepts.
const ALPHABET = /^[A-Za-z0-9+/]*$/;
/** Unpadded standard base64. */
function encodeBase64(bytes) {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
        .toString('base64')
        .replace(/=+$/, '');
}
/** Decodes canonical unpadded base64, or returns undefined if `text` is anything else. */
function decodeBase64(text) {
    // Length 4k+1 can't come from any byte string; the alphabet check also rules out padding.
    if (text.length % 4 === 1 || !ALPHABET.test(text))
        return undefined;
    const bytes = Buffer.from(text, 'base64');
    // Re-encoding gives the one canonical form; a mismatch means non-zero unused bits.
    return encodeBase64(bytes) === text ? bytes : undefined;
}
/** Length of the unpadded base64 text for `n` bytes. */
function base64Length(n) {
    return Math.ceil((n * 4) / 3);
}

// BIP 173 bech32 (not bech32m), as age uses it for keys. age lifts BIP 173's 90-character limit
// because hybrid recipients are ~1960 characters long, so no length limit is applied here.
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
const CHECKSUM_LENGTH = 6;
function polymod(values) {
    let chk = 1;
    for (const v of values) {
        const top = chk >>> 25;
        chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
        for (let i = 0; i < 5; i++)
            if ((top >>> i) & 1)
                chk = (chk ^ GENERATOR[i]) >>> 0;
    }
    return chk;
}
function hrpExpand(hrp) {
    const codes = [...hrp].map((c) => c.charCodeAt(0));
    return [...codes.map((c) => c >>> 5), 0, ...codes.map((c) => c & 31)];
}
/** Regroups bits; `pad` false refuses leftover bits that are not zero padding under 5 bits. */
function convertBits(data, from, to, pad) {
    let acc = 0;
    let bits = 0;
    const out = [];
    const max = (1 << to) - 1;
    for (const value of data) {
        acc = (acc << from) | value;
        bits += from;
        while (bits >= to) {
            bits -= to;
            out.push((acc >>> bits) & max);
        }
        acc &= (1 << bits) - 1;
    }
    if (pad) {
        if (bits > 0)
            out.push((acc << (to - bits)) & max);
    }
    else if (bits >= from || acc !== 0) {
        throw new Error('bech32 data has non-zero or excess padding bits');
    }
    return out;
}
/** Lowercase bech32 of `bytes` under `hrp` (callers uppercase it for age identities). */
function encodeBech32(hrp, bytes) {
    const lower = hrp.toLowerCase();
    const words = convertBits(bytes, 8, 5, true);
    const mod = polymod([...hrpExpand(lower), ...words, 0, 0, 0, 0, 0, 0]) ^ 1;
    const checksum = Array.from({ length: CHECKSUM_LENGTH }, (_, i) => (mod >>> (5 * (5 - i))) & 31);
    return `${lower}1${[...words, ...checksum].map((w) => CHARSET[w]).join('')}`;
}
/** Decodes bech32 text, all lowercase or all uppercase; throws an Error saying what is wrong. */
function decodeBech32(text) {
    if (text !== text.toLowerCase() && text !== text.toUpperCase()) {
        throw new Error('mixes upper and lower case');
    }
    const lower = text.toLowerCase();
    const sep = lower.lastIndexOf('1');
    if (sep < 1 || lower.length - sep - 1 < CHECKSUM_LENGTH)
        throw new Error('is not bech32');
    const hrp = lower.slice(0, sep);
    if (![...hrp].every((c) => c >= '!' && c <= '~'))
        throw new Error('has a bad prefix character');
    const words = [];
    for (const [i, c] of [...lower.slice(sep + 1)].entries()) {
        const w = CHARSET.indexOf(c);
        // the position, not the character: the text may be a secret key
        if (w < 0)
            throw new Error(`has a character outside bech32 at position ${sep + 2 + i}`);
        words.push(w);
    }
    if (polymod([...hrpExpand(hrp), ...words]) !== 1)
        throw new Error('has a wrong checksum');
    const bytes = convertBits(words.slice(0, -CHECKSUM_LENGTH), 5, 8, false);
    return { hrp, bytes: Buffer.from(bytes) };
}

/** age file keys are 128 bits (spec "File key"). */
const FILE_KEY_SIZE = 16;
/** The payload nonce that starts the payload, fed to HKDF as salt. */
const PAYLOAD_NONCE_SIZE = 16;
const EMPTY$2 = Buffer.alloc(0);
/** HKDF-SHA-256 with a 32-byte output, the only length age uses. */
function hkdf32(ikm, salt, info) {
    return Buffer.from(hkdfSync('sha256', ikm, salt, info, 32));
}
/** HMAC-SHA-256 over the header up to and including `---`, keyed from the file key. */
function headerMac(fileKey, macInput) {
    return createHmac('sha256', hkdf32(fileKey, EMPTY$2, 'header'))
        .update(macInput)
        .digest();
}
/** The STREAM key; a KeyObject so each chunk's cipher skips re-importing the raw key. */
function payloadKey(fileKey, nonce) {
    return createSecretKey(hkdf32(fileKey, nonce, 'payload'));
}

const TAG_SIZE$1 = 16;
/** A wrapped file key: 16 key bytes and a 16-byte Poly1305 tag. */
const WRAPPED_FILE_KEY_SIZE = FILE_KEY_SIZE + TAG_SIZE$1;
const ZERO_NONCE$1 = Buffer.alloc(12);
/** ChaCha20-Poly1305 of the file key under `key` (nonce zero unless HPKE gives one). */
function sealFileKey(key, fileKey, nonce = ZERO_NONCE$1) {
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE$1 });
    return Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]);
}
/** The file key inside `body`, or undefined when it does not authenticate under `key`. */
function openFileKey(key, body, nonce = ZERO_NONCE$1) {
    const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE$1 });
    decipher.setAuthTag(body.subarray(FILE_KEY_SIZE));
    const fileKey = decipher.update(body.subarray(0, FILE_KEY_SIZE));
    try {
        decipher.final();
    }
    catch {
        return undefined;
    }
    return fileKey;
}

// RFC 9180 base-mode key schedule with HKDF-SHA256 and ChaCha20-Poly1305, for one KEM id: the
// part of HPKE that age's hybrid recipient needs (one seal/open at sequence number 0).
const KDF_HKDF_SHA256 = 0x0001;
const AEAD_CHACHA20POLY1305 = 0x0003;
const MODE_BASE = 0x00;
const VERSION_LABEL = Buffer.from('HPKE-v1', 'latin1');
const EMPTY$1 = Buffer.alloc(0);
function u16(n) {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(n);
    return b;
}
function suiteId(kemId) {
    return Buffer.concat([
        Buffer.from('HPKE', 'latin1'),
        u16(kemId),
        u16(KDF_HKDF_SHA256),
        u16(AEAD_CHACHA20POLY1305)
    ]);
}
function labeledExtract(suite, salt, label, ikm) {
    // an empty HMAC key equals HKDF's default salt of HashLen zeros (HMAC zero-pads its key)
    return createHmac('sha256', salt)
        .update(Buffer.concat([VERSION_LABEL, suite, Buffer.from(label, 'latin1'), ikm]))
        .digest();
}
/** HKDF-Expand for at most one SHA-256 block, which is all HPKE asks here (32 and 12 bytes). */
function labeledExpand(suite, prk, label, info, length) {
    const labeledInfo = Buffer.concat([
        u16(length),
        VERSION_LABEL,
        suite,
        Buffer.from(label, 'latin1'),
        info
    ]);
    return createHmac('sha256', prk)
        .update(Buffer.concat([labeledInfo, Buffer.from([1])]))
        .digest()
        .subarray(0, length);
}
/** The AEAD key and base nonce of an HPKE base-mode context (RFC 9180 section 5.1). */
function hpkeContext(kemId, sharedSecret, info) {
    const suite = suiteId(kemId);
    const pskIdHash = labeledExtract(suite, EMPTY$1, 'psk_id_hash', EMPTY$1);
    const infoHash = labeledExtract(suite, EMPTY$1, 'info_hash', info);
    const context = Buffer.concat([Buffer.from([MODE_BASE]), pskIdHash, infoHash]);
    const secret = labeledExtract(suite, sharedSecret, 'secret', EMPTY$1);
    return {
        key: labeledExpand(suite, secret, 'key', context, 32),
        nonce: labeledExpand(suite, secret, 'base_nonce', context, 12)
    };
}

const X25519_KEY_SIZE = 32;
// Fixed DER wrappers (RFC 8410) around raw keys: they import on every Node 24, whereas the
// 'raw-private'/'raw-public' formats arrived only in 24.15.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX$1 = Buffer.from('302a300506032b656e032100', 'hex');
function x25519PrivateKey(scalar) {
    return createPrivateKey({
        key: Buffer.concat([PKCS8_PREFIX, scalar]),
        format: 'der',
        type: 'pkcs8'
    });
}
function x25519PublicBytes(privateKey) {
    const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    return spki.subarray(SPKI_PREFIX$1.length);
}
/**
 * X25519(scalar, point), or undefined when the result is all zero: a low-order point, which the
 * age spec says to reject since it makes the secret the same for every key (OpenSSL refuses it).
 */
function x25519(privateKey, point) {
    const publicKey = createPublicKey({
        key: Buffer.concat([SPKI_PREFIX$1, point]),
        format: 'der',
        type: 'spki'
    });
    let secret;
    try {
        secret = diffieHellman({ privateKey, publicKey });
    }
    catch {
        return undefined;
    }
    return secret.every((b) => b === 0) ? undefined : secret;
}
/** True for a point of small order: encrypting to it would give a secret anyone can compute. */
function isLowOrder(point) {
    return x25519(generateKeyPairSync('x25519').privateKey, point) === undefined;
}

// X-Wing (draft-connolly-cfrg-xwing-kem), the MLKEM768-X25519 KEM of age's hybrid recipient.
// ML-KEM-768 comes from node:crypto (Node 24), X25519 too, SHAKE256 and SHA3-256 as well.
const XWING_SEED_SIZE = 32;
const MLKEM_PUBLIC_SIZE = 1184;
const MLKEM_CIPHERTEXT_SIZE = 1088;
const XWING_PUBLIC_SIZE = MLKEM_PUBLIC_SIZE + 32;
const XWING_CIPHERTEXT_SIZE = MLKEM_CIPHERTEXT_SIZE + 32;
// DER wrappers for ML-KEM-768 keys (the PKCS#8 seed-only form holds d || z): they import
// wherever Node has ML-KEM, whereas 'raw-seed'/'raw-public' came only in 24.15.
const PKCS8_SEED_PREFIX = Buffer.from('3054020100300b0609608648016503040402044280' + '40', 'hex');
const SPKI_PREFIX = Buffer.from('308204b2300b0609608648016503040402038204a100', 'hex');
/** The combiner's domain separator, the ASCII art `\.//^\`. */
const XWING_LABEL = Buffer.from('5c2e2f2f5e5c', 'hex');
/** node:crypto's ML-KEM, or a one-line error on a Node built without it. */
function mlkemOps() {
    // read off the namespace: a named import of a missing export would fail the whole module graph
    const { encapsulate, decapsulate } = nodeCrypto;
    if (!encapsulate || !decapsulate) {
        throw new Error(`post-quantum age keys (age1pq1...) need ML-KEM in node:crypto, which Node ${process.versions.node} lacks: run on a current Node 24`);
    }
    return { encapsulate, decapsulate };
}
/** Expands a 32-byte seed: SHAKE256 to 96 bytes = ML-KEM (d || z) then the X25519 scalar. */
function xwingKeyFromSeed(seed) {
    mlkemOps();
    const expanded = createHash('shake256', { outputLength: 96 }).update(seed).digest();
    const mlkem = createPrivateKey({
        key: Buffer.concat([PKCS8_SEED_PREFIX, expanded.subarray(0, 64)]),
        format: 'der',
        type: 'pkcs8'
    });
    const x = x25519PrivateKey(expanded.subarray(64, 96));
    const publicKey = Buffer.concat([
        createPublicKey(mlkem).export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length),
        x25519PublicBytes(x)
    ]);
    return { mlkem, x25519: x, publicKey };
}
function combine(ssM, ssX, ctX, pkX) {
    return createHash('sha3-256')
        .update(Buffer.concat([ssM, ssX, ctX, pkX, XWING_LABEL]))
        .digest();
}
function mlkemPublicKey(pkM) {
    return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pkM]), format: 'der', type: 'spki' });
}
/** Throws unless the ML-KEM half is a valid encapsulation key (FIPS 203 modulus check). */
function checkXWingPublicKey(publicKey) {
    try {
        mlkemPublicKey(publicKey.subarray(0, MLKEM_PUBLIC_SIZE));
    }
    catch {
        throw new Error('holds an invalid ML-KEM-768 key');
    }
}
/** Encapsulates to a 1216-byte public key: the 1120-byte ciphertext and the shared secret. */
function xwingEncapsulate(publicKey) {
    const pkM = publicKey.subarray(0, MLKEM_PUBLIC_SIZE);
    const pkX = publicKey.subarray(MLKEM_PUBLIC_SIZE);
    const { sharedKey: ssM, ciphertext: ctM } = mlkemOps().encapsulate(mlkemPublicKey(pkM));
    const ephemeral = generateKeyPairSync('x25519').privateKey;
    const ctX = x25519PublicBytes(ephemeral);
    const ssX = x25519(ephemeral, pkX);
    if (!ssX)
        throw new Error('hybrid recipient has a low-order X25519 key: use a real age1pq1 recipient');
    return { ciphertext: Buffer.concat([ctM, ctX]), sharedSecret: combine(ssM, ssX, ctX, pkX) };
}
/** The shared secret, or undefined when the X25519 half is a low-order point. */
function xwingDecapsulate(key, ciphertext) {
    const ctM = ciphertext.subarray(0, MLKEM_CIPHERTEXT_SIZE);
    const ctX = ciphertext.subarray(MLKEM_CIPHERTEXT_SIZE);
    const ssX = x25519(key.x25519, ctX);
    if (!ssX)
        return undefined;
    // ML-KEM decapsulation never fails on a well-sized ciphertext (implicit rejection)
    const ssM = mlkemOps().decapsulate(key.mlkem, Buffer.from(ctM));
    return combine(ssM, ssX, ctX, key.publicKey.subarray(MLKEM_PUBLIC_SIZE));
}

// The age spec's post-quantum hybrid recipient ("mlkem768x25519"): HPKE base mode with the
// MLKEM768-X25519 (X-Wing) KEM, HKDF-SHA256 and ChaCha20-Poly1305, the file key as plaintext.
const MLKEM768X25519_TYPE = 'mlkem768x25519';
const RECIPIENT_HRP$1 = 'age1pq';
const IDENTITY_HRP$1 = 'age-secret-key-pq-';
/** HPKE's KEM id for MLKEM768-X25519. */
const KEM_ID = 0x647a;
const INFO = Buffer.from('age-encryption.org/mlkem768x25519', 'latin1');
/** An `age1pq1\u2026` recipient (lowercase); throws an Error with the reason. */
function parseHybridRecipient(text) {
    if (!text.startsWith('age1pq1'))
        throw new Error('does not start with age1pq1');
    const { hrp, bytes } = decodeBech32(text);
    if (hrp !== RECIPIENT_HRP$1)
        throw new Error(`has the prefix ${JSON.stringify(hrp)}, not "age1pq"`);
    if (bytes.length !== XWING_PUBLIC_SIZE)
        throw new Error(`holds ${bytes.length} bytes, not ${XWING_PUBLIC_SIZE}`);
    checkXWingPublicKey(bytes);
    if (isLowOrder(bytes.subarray(XWING_PUBLIC_SIZE - 32))) {
        throw new Error('has a low-order X25519 half, which anyone could compute');
    }
    return { type: 'mlkem768x25519', publicKey: bytes };
}
/** An `AGE-SECRET-KEY-PQ-1\u2026` identity (uppercase): a 32-byte X-Wing seed. */
function parseHybridIdentity(text) {
    if (!text.startsWith('AGE-SECRET-KEY-PQ-1'))
        throw new Error('does not start with AGE-SECRET-KEY-PQ-1');
    const { hrp, bytes } = decodeBech32(text);
    if (hrp !== IDENTITY_HRP$1 || bytes.length !== XWING_SEED_SIZE) {
        throw new Error('is not a 32-byte AGE-SECRET-KEY-PQ-1 key');
    }
    return { type: 'mlkem768x25519', key: xwingKeyFromSeed(bytes) };
}
function encodeHybridRecipient(publicKey) {
    return encodeBech32(RECIPIENT_HRP$1, publicKey);
}
function wrapHybrid(fileKey, recipient) {
    const { ciphertext, sharedSecret } = xwingEncapsulate(recipient.publicKey);
    const { key, nonce } = hpkeContext(KEM_ID, sharedSecret, INFO);
    return {
        args: [MLKEM768X25519_TYPE, encodeBase64(ciphertext)],
        body: sealFileKey(key, fileKey, nonce)
    };
}
/** The encapsulated key of a well-formed hybrid stanza; BAD_HEADER for one the spec rejects. */
function hybridEnc(stanza) {
    if (stanza.args.length !== 2)
        throw badHeader('an mlkem768x25519 stanza must have exactly one argument');
    const enc = decodeBase64(stanza.args[1] ?? '');
    if (!enc || enc.length !== XWING_CIPHERTEXT_SIZE) {
        throw badHeader(`the mlkem768x25519 share is not canonical base64 of ${XWING_CIPHERTEXT_SIZE} bytes`);
    }
    if (stanza.body.length !== WRAPPED_FILE_KEY_SIZE) {
        throw badHeader('an mlkem768x25519 stanza body is not 32 bytes');
    }
    return enc;
}
/** The file key if `identity` opens this hybrid stanza, else undefined. */
function unwrapHybrid(stanza, identity) {
    const enc = hybridEnc(stanza);
    const sharedSecret = xwingDecapsulate(identity.key, enc);
    if (!sharedSecret)
        throw badHeader('the X25519 part of the mlkem768x25519 share is a low-order point');
    const { key, nonce } = hpkeContext(KEM_ID, sharedSecret, INFO);
    return openFileKey(key, stanza.body, nonce);
}

const SCRYPT_TYPE = 'scrypt';
/** Default ceiling for files we read: 2^20 is 1 GiB of scrypt memory and about 10 s here. */
const DEFAULT_MAX_WORK_FACTOR = 20;
/** Hard ceiling for any caller-chosen maximum: beyond this, scrypt's memory is not realistic. */
const MAX_SANE_WORK_FACTOR = 30;
const SALT_LABEL = Buffer.from('age-encryption.org/v1/scrypt', 'latin1');
const SALT_SIZE = 16;
const TAG_SIZE = 16;
const WRAPPED_KEY_SIZE = FILE_KEY_SIZE + TAG_SIZE;
const R = 8;
const ZERO_NONCE = Buffer.alloc(12);
const LOG_N = /^[1-9][0-9]*$/;
/** scrypt(N = 2^logN, r = 8, p = 1) with the spec's salt, giving the 32-byte wrap key. */
function scryptWrapKey(passphrase, salt, logN) {
    const N = 2 ** logN;
    // OpenSSL counts 128*r*(N+2) bytes for V plus 128*r*p for B; Node's default cap is 32 MiB.
    const maxmem = 128 * R * (N + 2) + 128 * R + 1024 * 1024;
    return new Promise((resolve, reject) => {
        scrypt(passphrase, Buffer.concat([SALT_LABEL, salt]), 32, { N, r: R, p: 1, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
    });
}
/** The scrypt stanza wrapping `fileKey` under `passphrase` with a fresh salt. */
async function wrapScrypt(fileKey, passphrase, logN) {
    if (!Number.isInteger(logN) || logN < 1 || logN > MAX_SANE_WORK_FACTOR) {
        throw new RangeError(`scrypt work factor must be an integer from 1 to ${MAX_SANE_WORK_FACTOR}`);
    }
    const salt = randomBytes(SALT_SIZE);
    const key = await scryptWrapKey(passphrase, salt, logN);
    const cipher = createCipheriv('chacha20-poly1305', key, ZERO_NONCE, { authTagLength: TAG_SIZE });
    const body = Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]);
    return { args: [SCRYPT_TYPE, encodeBase64(salt), String(logN)], body };
}
/**
 * Checks the header's stanzas against the scrypt identity rules (spec "scrypt recipient
 * stanza"). Throws BAD_HEADER, UNSUPPORTED_RECIPIENT or WORK_FACTOR_TOO_HIGH; never runs scrypt.
 */
function scryptParams(stanzas, maxWorkFactor) {
    const scryptCount = stanzas.filter((s) => s.args[0] === SCRYPT_TYPE).length;
    if (scryptCount === 0)
        throw unsupportedRecipient(stanzas.map((s) => s.args[0] ?? ''));
    // A passphrase file must not be openable by anyone else, so scrypt has to stand alone.
    if (stanzas.length !== 1)
        throw badHeader('an scrypt stanza must be the only stanza in the header');
    const stanza = stanzas[0];
    if (stanza.args.length !== 3)
        throw badHeader('the scrypt stanza must have exactly two arguments');
    const [, saltText = '', logNText = ''] = stanza.args;
    const salt = decodeBase64(saltText);
    if (!salt || salt.length !== SALT_SIZE) {
        throw badHeader('the scrypt salt is not canonical base64 of 16 bytes');
    }
    if (!LOG_N.test(logNText) || logNText.length > 2) {
        throw badHeader(`the scrypt work factor ${JSON.stringify(logNText.slice(0, 24))} is not valid`);
    }
    const logN = Number(logNText);
    // Body length is checked before decrypting it, as the spec requires (partitioning oracles).
    if (stanza.body.length !== WRAPPED_KEY_SIZE)
        throw badHeader('the scrypt stanza body is not 32 bytes');
    if (logN > maxWorkFactor)
        throw workFactorTooHigh(logN, maxWorkFactor);
    return { salt, logN, body: stanza.body };
}
/** Unwraps the file key from a lone scrypt stanza; WRONG_PASSPHRASE if it does not open. */
async function unwrapScrypt(stanzas, passphrase, maxWorkFactor = DEFAULT_MAX_WORK_FACTOR) {
    const { salt, logN, body } = scryptParams(stanzas, maxWorkFactor);
    const key = await scryptWrapKey(passphrase, salt, logN);
    const decipher = createDecipheriv('chacha20-poly1305', key, ZERO_NONCE, {
        authTagLength: TAG_SIZE
    });
    decipher.setAuthTag(body.subarray(FILE_KEY_SIZE));
    const fileKey = decipher.update(body.subarray(0, FILE_KEY_SIZE));
    try {
        decipher.final();
    }
    catch {
        throw wrongPassphrase();
    }
    return fileKey;
}

// The age spec's native X25519 recipient ("X25519 recipient stanza"), on node:crypto.
const X25519_TYPE = 'X25519';
const RECIPIENT_HRP = 'age';
const IDENTITY_HRP = 'age-secret-key-';
const WRAP_LABEL = 'age-encryption.org/v1/X25519';
/** An `age1\u2026` recipient (lowercase, as age-keygen prints it); throws an Error with the reason. */
function parseX25519Recipient(text) {
    if (!text.startsWith('age1'))
        throw new Error('does not start with age1');
    const { hrp, bytes } = decodeBech32(text);
    if (hrp !== RECIPIENT_HRP)
        throw new Error(`has the prefix ${JSON.stringify(hrp)}, not "age"`);
    if (bytes.length !== X25519_KEY_SIZE)
        throw new Error(`holds ${bytes.length} bytes, not 32`);
    if (isLowOrder(bytes))
        throw new Error('is a low-order X25519 point, which anyone could decrypt');
    return { type: 'x25519', publicKey: bytes };
}
/** An `AGE-SECRET-KEY-1\u2026` identity (uppercase, as age-keygen writes it). */
function parseX25519Identity(text) {
    if (!text.startsWith('AGE-SECRET-KEY-1'))
        throw new Error('does not start with AGE-SECRET-KEY-1');
    const { hrp, bytes } = decodeBech32(text);
    if (hrp !== IDENTITY_HRP || bytes.length !== X25519_KEY_SIZE) {
        throw new Error('is not a 32-byte AGE-SECRET-KEY-1 key');
    }
    const privateKey = x25519PrivateKey(bytes);
    return { type: 'x25519', privateKey, publicKey: x25519PublicBytes(privateKey) };
}
function encodeX25519Recipient(publicKey) {
    return encodeBech32(RECIPIENT_HRP, publicKey);
}
function wrapKey(secret, share, recipient) {
    return hkdf32(secret, Buffer.concat([share, recipient]), WRAP_LABEL);
}
function wrapX25519(fileKey, recipient) {
    const ephemeral = generateKeyPairSync('x25519').privateKey;
    const share = x25519PublicBytes(ephemeral);
    const secret = x25519(ephemeral, recipient.publicKey);
    if (!secret)
        throw new Error('X25519 recipient is a low-order point: use a real age1 recipient');
    const body = sealFileKey(wrapKey(secret, share, recipient.publicKey), fileKey);
    return { args: [X25519_TYPE, encodeBase64(share)], body };
}
/** The share of a well-formed X25519 stanza; BAD_HEADER for one the spec says to reject. */
function x25519Share(stanza) {
    if (stanza.args.length !== 2)
        throw badHeader('an X25519 stanza must have exactly one argument');
    const share = decodeBase64(stanza.args[1] ?? '');
    if (!share || share.length !== X25519_KEY_SIZE) {
        throw badHeader('the X25519 share is not canonical base64 of 32 bytes');
    }
    // checked before decrypting, as the spec requires (partitioning oracles)
    if (stanza.body.length !== WRAPPED_FILE_KEY_SIZE)
        throw badHeader('an X25519 stanza body is not 32 bytes');
    return share;
}
/** The file key if `identity` opens this X25519 stanza, else undefined. */
function unwrapX25519(stanza, identity) {
    const share = x25519Share(stanza);
    const secret = x25519(identity.privateKey, share);
    if (!secret)
        throw badHeader('the X25519 share is a low-order point');
    return openFileKey(wrapKey(secret, share, identity.publicKey), stanza.body);
}

const RECIPIENT_FORMS = 'an age1... (X25519) or age1pq1... (ML-KEM-768 + X25519) recipient';
const IDENTITY_FORMS = 'an AGE-SECRET-KEY-1... or AGE-SECRET-KEY-PQ-1... identity';
/** Non-blank lines that are not `#` comments, with their 1-based numbers; ends trimmed (CR LF). */
function keyLines(text) {
    return text
        .split('\n')
        .map((raw, i) => ({ line: raw.trim(), number: i + 1 }))
        .filter(({ line }) => line !== '' && !line.startsWith('#'));
}
function reason(err) {
    return err instanceof Error ? err.message : String(err);
}
function parseRecipient(text) {
    return text.startsWith('age1pq1') ? parseHybridRecipient(text) : parseX25519Recipient(text);
}
/**
 * A recipients text as `age -R` reads it: one recipient a line, `#` comments, blank lines.
 * `source` names it in errors (e.g. "recipients line"). Refuses X25519 beside hybrid
 * recipients: a classic stanza would undo the file's post-quantum protection.
 */
function parseRecipients(text, source = 'recipients') {
    const recipients = keyLines(text).map(({ line, number }) => {
        try {
            return parseRecipient(line);
        }
        catch (err) {
            throw badKey(`${source} line ${number} ${reason(err)}: expected ${RECIPIENT_FORMS}`);
        }
    });
    if (recipients.length === 0)
        throw badKey(`${source} holds no recipient: add ${RECIPIENT_FORMS}`);
    checkRecipientMix(recipients);
    return recipients;
}
/** Hybrid and X25519 recipients must not share a file (age spec, mlkem768x25519 recipient). */
function checkRecipientMix(recipients) {
    const types = new Set(recipients.map((r) => r.type));
    if (types.size > 1) {
        throw badKey('recipients mix X25519 (age1...) with post-quantum (age1pq1...) keys, which would undo the post-quantum protection: use only one kind');
    }
}
function parseIdentity(text) {
    return text.startsWith('AGE-SECRET-KEY-PQ-1')
        ? parseHybridIdentity(text)
        : parseX25519Identity(text);
}
/** An identities text as age-keygen writes it; errors name the line, never echo the secret. */
function parseIdentities(text, source = 'identity file') {
    const identities = keyLines(text).map(({ line, number }) => {
        try {
            return parseIdentity(line);
        }
        catch (err) {
            throw badKey(`${source} line ${number} ${reason(err)}: expected ${IDENTITY_FORMS}`);
        }
    });
    if (identities.length === 0)
        throw badKey(`${source} holds no identity: add ${IDENTITY_FORMS}`);
    return identities;
}
/** The recipient string that `identity` opens, as age-keygen -y prints it. */
function identityToRecipient(identity) {
    return identity.type === 'x25519'
        ? encodeX25519Recipient(identity.publicKey)
        : encodeHybridRecipient(identity.key.publicKey);
}
/** One stanza per recipient, in order. */
function wrapFileKey(fileKey, recipients) {
    if (recipients.length === 0)
        throw badKey('no recipient to encrypt to: give at least one');
    checkRecipientMix(recipients);
    return recipients.map((r) => r.type === 'x25519' ? wrapX25519(fileKey, r) : wrapHybrid(fileKey, r));
}
/**
 * The file key from the first stanza one of `identities` opens. Every X25519 and hybrid stanza
 * is checked for shape first, so a malformed one is BAD_HEADER whichever identity is given.
 * Throws PASSPHRASE_FILE for a lone scrypt stanza, NO_IDENTITY_MATCH when nothing opens.
 */
function unwrapFileKey(stanzas, identities) {
    if (stanzas.some((s) => s.args[0] === SCRYPT_TYPE)) {
        if (stanzas.length !== 1)
            throw badHeader('an scrypt stanza must be the only stanza in the header');
        throw passphraseFile();
    }
    for (const stanza of stanzas) {
        if (stanza.args[0] === X25519_TYPE)
            x25519Share(stanza);
        else if (stanza.args[0] === MLKEM768X25519_TYPE)
            hybridEnc(stanza);
    }
    for (const stanza of stanzas) {
        for (const identity of identities) {
            const fileKey = stanza.args[0] === X25519_TYPE && identity.type === 'x25519'
                ? unwrapX25519(stanza, identity)
                : stanza.args[0] === MLKEM768X25519_TYPE && identity.type === 'mlkem768x25519'
                    ? unwrapHybrid(stanza, identity)
                    : undefined;
            if (fileKey)
                return fileKey;
        }
    }
    throw noIdentityMatch();
}

/** How a snapshot's tar is compressed inside the encryption; each has its own file extension. */
const COMPRESSIONS = ['zstd', 'gzip', 'none'];

/**
 * The per-file index: the archive's last entry, at INDEX_PATH, so it is encrypted with the data
 * and never shown in the manifest. One JSON object per line, fields in a fixed order, in archive
 * order (depth-first, children sorted by the bytes of their UTF-8 names). `content.digest` is the
 * SHA-256 of the index file's bytes, so the same tree gives the same digest everywhere.
 */
const INDEX_PATH = '.cutover-gate/index.jsonl';
/** Permission bits kept for every entry; symlinks always record 0o777 (Linux ignores their mode). */
const MODE_MASK = 0o7777;
const IndexEntrySchema = discriminatedUnion('type', [
    strictObject({
        path: string().min(1),
        type: literal('file'),
        mode: number().int().min(0).max(MODE_MASK),
        size: number().int().nonnegative(),
        sha256: string().regex(/^[0-9a-f]{64}$/)
    }),
    strictObject({
        path: string().min(1),
        type: literal('dir'),
        mode: number().int().min(0).max(MODE_MASK)
    }),
    strictObject({
        path: string().min(1),
        type: literal('symlink'),
        mode: number().int().min(0).max(MODE_MASK),
        target: string().min(1)
    })
]);
/** The one canonical line for an entry: field order fixed here, never by object construction. */
function indexLine(entry) {
    switch (entry.type) {
        case 'file':
            return JSON.stringify({
                path: entry.path,
                type: entry.type,
                mode: entry.mode,
                size: entry.size,
                sha256: entry.sha256
            });
        case 'dir':
            return JSON.stringify({ path: entry.path, type: entry.type, mode: entry.mode });
        case 'symlink':
            return JSON.stringify({
                path: entry.path,
                type: entry.type,
                mode: entry.mode,
                target: entry.target
            });
    }
}
/** Parses one index line; throws a one-line error naming the line number. */
function parseIndexLine(line, lineNumber) {
    let value;
    try {
        value = JSON.parse(line);
    }
    catch {
        throw new Error(`archive index line ${lineNumber} is not JSON`);
    }
    const parsed = IndexEntrySchema.safeParse(value);
    if (!parsed.success)
        throw new Error(`archive index line ${lineNumber} does not fit the schema`);
    if (indexLine(parsed.data) !== line) {
        throw new Error(`archive index line ${lineNumber} is not in canonical form`);
    }
    return parsed.data;
}

const EXTENSIONS = {
    zstd: '.tar.zst.age',
    gzip: '.tar.gz.age',
    none: '.tar.age'
};
/** snapshot-<UTC yyyymmddThhmmssZ>.tar[.zst|.gz].age, as SPEC.md names it. */
const SNAPSHOT_NAME = /^snapshot-\d{8}T\d{6}Z\.tar(\.zst|\.gz)?\.age$/;
function utcStamp(date) {
    return date
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}Z$/, 'Z');
}
function snapshotFileName(date, compression) {
    return `snapshot-${utcStamp(date)}${EXTENSIONS[compression]}`;
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

// What a manifest says about a snapshot's encryption: the stanza type and, for recipients, how many.
// Never a key: the manifest travels with the artifact and is read by anyone who can download it.
const ScryptRecord = object({
    format: literal('age-v1'),
    recipient: literal('scrypt'),
    workFactor: number().int().min(1).max(20)
});
const RecipientsRecord = object({
    format: literal('age-v1'),
    recipient: _enum(['x25519', 'mlkem768x25519']),
    recipients: number().int().min(1).max(10000)
});
const EncryptionRecordSchema = discriminatedUnion('recipient', [
    ScryptRecord,
    RecipientsRecord
]);
const RECIPIENT_LABELS = { x25519: 'X25519', mlkem768x25519: 'ML-KEM-768 + X25519' };
/** For people: "age-v1, X25519 recipients (2)"; never a key, since the record holds none. */
function describeEncryptionRecord(e) {
    if (e.recipient === 'scrypt') {
        return `${e.format}, scrypt passphrase recipient, work factor ${e.workFactor} (N = 2^${e.workFactor})`;
    }
    return `${e.format}, ${RECIPIENT_LABELS[e.recipient]} recipients (${e.recipients})`;
}
/** The short form the terminal report shows beside the compression. */
function describeEncryptionShort(e) {
    if (e.recipient === 'scrypt')
        return `${e.format} scrypt work factor ${e.workFactor}`;
    return `${e.format} ${RECIPIENT_LABELS[e.recipient]} recipients (${e.recipients})`;
}
/** The record as the JSON twin carries it: exactly the manifest's fields, nothing else. */
function encryptionRecordJson(e) {
    if (e.recipient === 'scrypt')
        return { format: e.format, recipient: e.recipient, workFactor: e.workFactor };
    return { format: e.format, recipient: e.recipient, recipients: e.recipients };
}

/** The manifest of SPEC.md. It names no path but the include roots: the file index is encrypted. */
const ManifestSchema = object({
    version: literal(1),
    createdAt: datetime(),
    snapshot: object({
        path: string().regex(SNAPSHOT_NAME, 'a snapshot file name in the manifest folder'),
        size: number().int().nonnegative(),
        sha256: string().regex(/^[0-9a-f]{64}$/)
    }),
    compression: _enum(COMPRESSIONS),
    encryption: EncryptionRecordSchema,
    includes: array(string().min(1)).min(1),
    content: object({
        files: number().int().nonnegative(),
        bytes: number().int().nonnegative(),
        digest: string().regex(/^sha256:[0-9a-f]{64}$/)
    }),
    tool: object({ name: string(), version: string() }).optional()
});
/** Reads and validates a manifest; every failure is a NO-GO that names the file and the fix. */
function readManifest(manifestPath) {
    let text;
    try {
        text = readRegularFile(manifestPath, CAPS.manifest);
    }
    catch (error) {
        if (error.code === 'ENOENT') {
            throw new NoGoError(`manifest ${manifestPath} is missing; run the snapshot step first, or point the manifest input at a downloaded one`);
        }
        throw new NoGoError(`cannot read manifest ${manifestPath}: ${error.message}`);
    }
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        throw new NoGoError(`manifest ${manifestPath} is not valid JSON; it was damaged or edited`);
    }
    const parsed = ManifestSchema.safeParse(value);
    if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new NoGoError(`manifest ${manifestPath} fails the schema at ${issue.path.join('.') || '(root)'}: ${issue.message}; it was damaged or edited`);
    }
    return parsed.data;
}
/** The snapshot a manifest describes: its path is relative to the manifest's own folder. */
function snapshotPathOf(manifestPath, manifest) {
    return path.join(path.dirname(manifestPath), manifest.snapshot.path);
}
function writeManifest(manifestPath, manifest) {
    writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}

const LOCK_NAME = '.cutover-gate.lock';
/** A lock names one process, and one taking of the lock by it (two lanes of one process differ). */
const LockSchema = object({
    pid: number().int().positive(),
    startTime: string().regex(/^\d+$/),
    bootId: string().min(1),
    host: string().min(1),
    token: string().regex(/^[0-9a-f]{32}$/)
});
function sameFile(a, b) {
    return a.dev === b.dev && a.ino === b.ino;
}
function unparsable(lockPath) {
    return new NoGoError(`snapshot-dir lock ${lockPath} does not name a cutover-gate run (empty, damaged or from an older version); remove it if no run is active`);
}
/** The lock file as it is now: its inode, its text and the holder it names (or undefined). */
function readLock(lockPath) {
    try {
        // non-blocking and capped: a fifo or giant planted as the lock must not hang the run
        return readRegularFileStat(lockPath, CAPS.lock);
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return undefined;
        throw new NoGoError(`cannot read snapshot-dir lock ${lockPath}: ${error.message}`);
    }
}
function holderOf(text) {
    try {
        const parsed = LockSchema.safeParse(JSON.parse(text));
        return parsed.success ? parsed.data : undefined;
    }
    catch {
        return undefined;
    }
}
/**
 * Moves a proven-stale lock aside, only if it still is the very file judged: a lock that changed
 * hands meanwhile (another taker was faster) is put back, and this run does not take it.
 */
function takeOver(lockPath, judged, judgedText) {
    const aside = tempNameFor(lockPath);
    try {
        fs.renameSync(lockPath, aside);
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return; // someone removed it: retry
        throw error;
    }
    const moved = readLock(aside);
    if (moved && sameFile(moved.stat, judged) && moved.text === judgedText) {
        fs.rmSync(aside, { force: true });
        return;
    }
    try {
        fs.linkSync(aside, lockPath);
    }
    catch {
        // a third run linked meanwhile; the one displaced sees it at its next commit point
    }
    fs.rmSync(aside, { force: true });
    throw new NoGoError(`snapshot-dir lock ${lockPath} changed hands while this run took over a stale one; another run is active, rerun after it`);
}
/**
 * One writer per snapshot-dir. The lock appears whole (a temp file holding the holder's identity,
 * then link(2), which fails atomically if the name exists), and is taken over only when its
 * holder is proven gone: same host and boot, and its pid free or started at another time.
 */
function lockSnapshotDir(dir) {
    const lockPath = path.join(dir, LOCK_NAME);
    const text = `${JSON.stringify({ ...selfIdentity(), token: randomBytes(16).toString('hex') })}\n`;
    const temp = tempNameFor(lockPath);
    const fd = fs.openSync(temp, 'wx', 0o600);
    try {
        fs.writeFileSync(fd, text);
        fs.fsyncSync(fd);
    }
    finally {
        fs.closeSync(fd);
    }
    try {
        for (let attempt = 0; attempt < 3; attempt++) {
            try {
                fs.linkSync(temp, lockPath);
                return heldLock(lockPath, fs.statSync(temp), text);
            }
            catch (error) {
                if (error.code !== 'EEXIST')
                    throw error;
            }
            const found = readLock(lockPath);
            if (!found)
                continue;
            const holder = holderOf(found.text);
            if (!holder)
                throw unparsable(lockPath);
            const state = liveness(holder);
            if (state !== 'dead') {
                throw new NoGoError(`snapshot-dir ${dir} is locked by another cutover-gate run (pid ${holder.pid})${state === 'unknown' ? ` on ${holder.host}, which this machine cannot check` : ''}; wait for it to finish, or remove ${lockPath} if no run is active`);
            }
            takeOver(lockPath, found.stat, found.text);
        }
        throw new NoGoError(`snapshot-dir lock ${lockPath} could not be taken: it keeps changing hands; rerun when no other run is active`);
    }
    finally {
        fs.rmSync(temp, { force: true });
    }
}
/**
 * For the post step after a killed run: removes the snapshot-dir lock when its holder is proven
 * gone (never on a guess, never a live run's). Returns whether it removed one.
 */
function removeDeadLock(dir) {
    const lockPath = path.join(dir, LOCK_NAME);
    const found = readLock(lockPath);
    if (!found)
        return false;
    const holder = holderOf(found.text);
    if (!holder || liveness(holder) !== 'dead')
        return false;
    takeOver(lockPath, found.stat, found.text);
    return !fs.existsSync(lockPath);
}
function heldLock(lockPath, mine, text) {
    const stillOurs = () => {
        const now = readLock(lockPath);
        return now !== undefined && sameFile(now.stat, mine) && now.text === text;
    };
    // a signal mid-snapshot must not leave the lock behind: released (if still ours) on any exit
    const forget = registerStopper(() => {
        if (stillOurs())
            fs.rmSync(lockPath, { force: true });
    });
    return {
        path: lockPath,
        assertHeld() {
            if (!stillOurs()) {
                throw new NoGoError(`snapshot-dir lock ${lockPath} no longer names this run (another run took it); nothing more was written: rerun when no other run is active`);
            }
        },
        release() {
            forget();
            if (stillOurs())
                fs.rmSync(lockPath, { force: true });
        }
    };
}
/**
 * Removes temp files a killed run left behind. Their names carry the writer's pid, start time and
 * boot id: removed only when that writer is proven gone. Older names carry a pid alone: removed
 * only when no process has that pid at all.
 */
function removeStaleTemps(dir) {
    const removed = [];
    for (const name of fs.readdirSync(dir)) {
        const match = TEMP_NAME.exec(name);
        if (!match)
            continue;
        const [, pid, startTime, boot] = match;
        const me = selfIdentity();
        const gone = startTime
            ? (me.bootId !== 'unknown' && boot !== bootPrefix(me.bootId)) ||
                liveness({ ...me, pid: Number(pid), startTime }) === 'dead'
            : identityOf(Number(pid)) === undefined;
        if (gone) {
            fs.rmSync(path.join(dir, name), { force: true });
            removed.push(name);
        }
    }
    return removed;
}

/**
 * A reader's claim on a snapshot file: an empty file beside it, `.<file>.claim-<maker tag>-<random>`.
 * Its name proves whose it is, so a claim lasts while its reader lives and no longer.
 */
const CLAIM_NAME = new RegExp(`^\\.(.+)\\.claim-${MAKER_TAG}-[0-9a-f]{8}$`);
/**
 * A snapshot file a prune has moved aside while it checks for claims:
 * `.<file>.pruning-<maker tag>-<random>`. A prune that dies there leaves it; it is settled by
 * whether the manifest is still there (see settleTombstone).
 */
const TOMBSTONE_NAME = new RegExp(`^\\.(.+)\\.pruning-${MAKER_TAG}-[0-9a-f]{8}$`);
function tagged(dir, pattern) {
    let names;
    try {
        names = fs.readdirSync(dir);
    }
    catch {
        return [];
    }
    const found = [];
    for (const name of names) {
        const m = pattern.exec(name);
        if (!m)
            continue;
        const [, file, pid, start, boot] = m;
        found.push({ name, file: file, state: makerIsDead(pid, start, boot) ? 'dead' : 'live' });
    }
    return found;
}
/** Claims in dir, each with whether its reader is proven dead (a dead claim holds nothing). */
function claimsIn(dir) {
    return tagged(dir, CLAIM_NAME);
}
/** Snapshot file names of dir with a claim whose reader is not proven dead. */
function claimedFiles(dir) {
    return new Set(claimsIn(dir)
        .filter((c) => c.state === 'live')
        .map((c) => c.file));
}
function tombstonesIn(dir) {
    return tagged(dir, TOMBSTONE_NAME);
}
/**
 * Settles a dead prune's tombstone as that prune had got: its manifest still there means the prune
 * had not committed, and the file goes back under its name (never over a file that has it now);
 * the manifest gone means it had, and the tombstone goes too. Never an orphan, never a manifest
 * without its file.
 */
function settleTombstone(dir, tombstone, file) {
    const id = idOfSnapshotName(file);
    if (id === undefined || !fs.existsSync(path.join(dir, snapshotManifestName(id)))) {
        fs.rmSync(path.join(dir, tombstone), { force: true });
        fsyncDir(dir);
        return;
    }
    restoreTombstone(dir, tombstone, file);
}
/** Puts a tombstone back under its name (never over a file that has it now). */
function restoreTombstone(dir, tombstone, file) {
    try {
        fs.linkSync(path.join(dir, tombstone), path.join(dir, file));
    }
    catch (error) {
        if (error.code !== 'EEXIST')
            throw error;
    }
    fs.rmSync(path.join(dir, tombstone), { force: true });
    fsyncDir(dir);
}
/** Removes dead readers' claims and settles dead prunes' tombstones; returns what it touched. */
function sweepClaims(dir) {
    const touched = [];
    for (const claim of claimsIn(dir)) {
        if (claim.state !== 'dead')
            continue;
        fs.rmSync(path.join(dir, claim.name), { force: true });
        touched.push(claim.name);
    }
    for (const tomb of tombstonesIn(dir)) {
        if (tomb.state !== 'dead')
            continue;
        settleTombstone(dir, tomb.name, tomb.file);
        touched.push(tomb.name);
    }
    return touched;
}
const TOMBSTONE_WAIT_MS = 30_000;
/**
 * Claims the snapshot file a reader is about to read, for as long as it reads it. The claim is
 * made first, then the file is looked for: a prune either saw the claim (and keeps the file) or
 * moved the file aside before it (the claim then waits for the prune's verdict: put back, or gone).
 */
async function claimSnapshot(snapshotPath) {
    const dir = path.dirname(snapshotPath);
    const file = path.basename(snapshotPath);
    const claimPath = path.join(dir, `.${file}.claim-${writerTag()}-${randomBytes(4).toString('hex')}`);
    registerPath(claimPath);
    try {
        fs.closeSync(fs.openSync(claimPath, 'wx', 0o600));
    }
    catch (error) {
        unregisterPath(claimPath);
        const code = error.code;
        // a folder the reader cannot write (a downloaded artifact, read-only media) holds no prune
        if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOENT')
            return { path: '', release: () => { } };
        throw error;
    }
    fsyncDir(dir);
    const release = () => {
        fs.rmSync(claimPath, { force: true });
        unregisterPath(claimPath);
    };
    const deadline = Date.now() + TOMBSTONE_WAIT_MS;
    for (;;) {
        const pending = tombstonesIn(dir).filter((t) => t.file === file);
        if (pending.length === 0)
            break;
        for (const t of pending)
            if (t.state === 'dead')
                settleTombstone(dir, t.name, t.file);
        if (Date.now() > deadline) {
            release();
            throw new NoGoError(`snapshot ${file} is held aside by a prune in ${dir} that does not finish; rerun when no other run is active`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { path: claimPath, release };
}

/**
 * An error's message for a report or log line, with the paths a system error carries (`path`,
 * `dest`: often a file under an include, as absolute paths) marked as private names. Node puts
 * them in the message too (`EACCES: permission denied, open '/repo/state/x'`).
 */
function errorText(error) {
    // not instanceof: errors thrown by node's own modules may come from another realm (vm, jest)
    const message0 = error?.message;
    if (typeof message0 !== 'string')
        return String(error);
    const { path, dest } = error;
    let message = message0;
    for (const named of [path, dest]) {
        if (typeof named !== 'string' || named === '')
            continue;
        message = message.split(named).join(privateName(named));
    }
    return message;
}

/** Every package folder is `<tempDir>/cutover-gate-package-XXXXXX`. */
const PACKAGE_PREFIX = 'cutover-gate-package-';
/**
 * Creates a fresh, empty package folder under tempDir, claimed by this process (a marker beside it
 * names us), after removing the packages of runs proven dead. One marker per folder, not a shared
 * list, so runs sharing a temp folder never race.
 */
async function createPackageDir(tempDir) {
    await mkdir(tempDir, { recursive: true });
    cleanupLeftoverPackages(tempDir);
    return makeMarkedFolder(tempDir, PACKAGE_PREFIX);
}
/** Removes a package folder and then its marker. */
async function removePackageDir(dir) {
    releaseFolder(dir);
}
/** Removes the package folders of dead runs (cancelled, killed); returns the ones removed. */
function cleanupLeftoverPackages(tempDir) {
    return sweepDeadLeftovers(tempDir, PACKAGE_PREFIX);
}

const VERSION_LINE = 'age-encryption.org/v1';
const VERSION_PREFIX = 'age-encryption.org/';
const ARMOR_PREFIX = '-----BEGIN AGE ENCRYPTED FILE-----';
/** Our own headers are ~150 bytes; this leaves room for many-recipient files yet stops a runaway. */
const MAX_HEADER_SIZE = 256 * 1024;
const BODY_COLUMNS = 64;
const MAC_SIZE = 32;
const LF = 0x0a;
const ARGUMENT = /^[\x21-\x7e]+$/;
const BASE64_LINE = /^[A-Za-z0-9+/]*$/;
/**
 * Incremental, strict parser of the age v1 header (spec "ABNF definition of file header").
 * Feed it the file's leading bytes as they grow; it checks each line as soon as it is complete,
 * so a non-age file is refused after its first bytes rather than after MAX_HEADER_SIZE.
 */
class HeaderParser {
    state = 'version';
    /** Start of the first line not yet parsed. */
    lineStart = 0;
    /** Bytes before this offset hold no LF past lineStart (saves rescanning a long partial line). */
    scanned = 0;
    stanzas = [];
    args = [];
    bodyLines = [];
    header;
    /**
     * `bytes` is the start of the file; each call must pass a buffer that extends the previous
     * one. Returns the header once its MAC line is complete, undefined if more bytes are needed.
     * Throws AgeError BAD_HEADER.
     */
    parse(bytes) {
        // Past the header come payload bytes, which are not lines: never read on into them.
        if (this.header)
            return this.header;
        for (;;) {
            const lf = bytes.indexOf(LF, Math.max(this.lineStart, this.scanned));
            if (lf >= MAX_HEADER_SIZE)
                throw tooLong();
            if (lf < 0) {
                this.scanned = bytes.length;
                this.checkPartial(bytes);
                return undefined;
            }
            const line = bytes.toString('latin1', this.lineStart, lf);
            const start = this.lineStart;
            this.lineStart = lf + 1;
            this.header = this.line(line, bytes, start);
            if (this.header)
                return this.header;
        }
    }
    /** The input ended before the header did: why that is an error. */
    end(bytes) {
        try {
            this.checkPartial(bytes);
        }
        catch (err) {
            return err;
        }
        if (bytes.length === 0)
            return truncated('before the age header starts (the file is empty)');
        return truncated('inside the age header');
    }
    checkPartial(bytes) {
        // Only called while the current line is incomplete, so all of `bytes` is header so far.
        if (bytes.length > MAX_HEADER_SIZE)
            throw tooLong();
        if (this.state === 'version') {
            // Reject a foreign file from its first bytes instead of waiting for a LF that may never come.
            const head = bytes.toString('latin1', 0, Math.min(bytes.length, ARMOR_PREFIX.length));
            if (!VERSION_PREFIX.startsWith(head.slice(0, VERSION_PREFIX.length)))
                throw notAgeFile(head);
        }
    }
    line(line, bytes, start) {
        if (line.endsWith('\r')) {
            throw badHeader('its header lines end in CR LF; the file was likely converted as text (age files are binary)');
        }
        switch (this.state) {
            case 'version':
                if (line !== VERSION_LINE) {
                    if (line.startsWith(VERSION_PREFIX)) {
                        throw badHeader(`unsupported version line ${quote(line)}; only ${VERSION_LINE} is known`);
                    }
                    throw notAgeFile(line);
                }
                this.state = 'stanza-or-end';
                return undefined;
            case 'stanza-or-end':
                if (line.startsWith('-> ')) {
                    const args = line.slice(3).split(' ');
                    if (!args.every((a) => ARGUMENT.test(a))) {
                        throw badHeader(`malformed stanza line ${quote(line)}`);
                    }
                    this.args = args;
                    this.bodyLines = [];
                    this.state = 'body';
                    return undefined;
                }
                if (line.startsWith('---'))
                    return this.macLine(line, bytes, start);
                throw badHeader(`expected a stanza ("-> ") or the MAC line ("--- "), found ${quote(line)}`);
            case 'body':
                if (line.length > BODY_COLUMNS || !BASE64_LINE.test(line)) {
                    throw badHeader(`malformed stanza body line ${quote(line)}`);
                }
                this.bodyLines.push(line);
                // A full-width line means the body goes on; the body ends with a shorter (maybe empty) one.
                if (line.length === BODY_COLUMNS)
                    return undefined;
                this.stanzas.push({ args: this.args, body: this.decodeBody() });
                this.state = 'stanza-or-end';
                return undefined;
        }
    }
    decodeBody() {
        const body = decodeBase64(this.bodyLines.join(''));
        if (!body)
            throw badHeader(`stanza ${quote(this.args[0] ?? '')} has a non-canonical base64 body`);
        return body;
    }
    macLine(line, bytes, start) {
        if (this.stanzas.length === 0)
            throw badHeader('the header has no recipient stanza');
        const text = line.slice(4);
        const mac = line.startsWith('--- ') && text.length === base64Length(MAC_SIZE)
            ? decodeBase64(text)
            : undefined;
        if (!mac)
            throw badHeader(`malformed MAC line ${quote(line)}`);
        return {
            stanzas: this.stanzas,
            macInput: Buffer.from(bytes.subarray(0, start + 3)),
            mac,
            length: this.lineStart
        };
    }
}
/** The header text up to and including `---`, i.e. the MAC input, for these stanzas. */
function encodeHeaderWithoutMac(stanzas) {
    const parts = [VERSION_LINE, '\n'];
    for (const stanza of stanzas) {
        parts.push('-> ', stanza.args.join(' '), '\n');
        const body = encodeBase64(stanza.body);
        // Wrap at 64 columns; the last line is always short, empty when the body fills its lines.
        for (let i = 0; i <= body.length; i += BODY_COLUMNS) {
            parts.push(body.slice(i, i + BODY_COLUMNS), '\n');
        }
    }
    parts.push('---');
    return Buffer.from(parts.join(''), 'latin1');
}
/** The complete header, MAC line included, authenticated with `fileKey`. */
function encodeHeader(stanzas, fileKey) {
    const macInput = encodeHeaderWithoutMac(stanzas);
    const macLine = ` ${encodeBase64(headerMac(fileKey, macInput))}\n`;
    return Buffer.concat([macInput, Buffer.from(macLine, 'latin1')]);
}
function tooLong() {
    return badHeader(`the header is longer than ${MAX_HEADER_SIZE} bytes`);
}
function notAgeFile(head) {
    if (head.startsWith('-----BEGIN')) {
        return badHeader('it is ASCII-armored (PEM); only binary age files are read here, so de-armor it first');
    }
    return badHeader(`it does not start with ${quote(VERSION_LINE)}`);
}
/** A header fragment fit for an error message: quoted, short, printable. */
function quote(text) {
    const short = text.length > 40 ? `${text.slice(0, 40)}...` : text;
    return JSON.stringify(short).replace(/[^\x20-\x7e]/g, '?');
}

const MiB = 1024 * 1024;
const grouped = (n) => n.toLocaleString('en-US');
/**
 * Logs done/total, percent and rate every few seconds of long work; silent for short runs. The
 * clock starts at the first piece of work, not at construction: a key derivation or a wait before
 * the data flows would make the first rate a lie ("1 entries, 0.0 MiB/s").
 */
class ProgressReporter {
    logger;
    label;
    unit;
    totals;
    everyMs;
    now;
    started;
    last = 0;
    constructor(logger, label, unit = 'files', totals, everyMs = 5000, now = Date.now) {
        this.logger = logger;
        this.label = label;
        this.unit = unit;
        this.totals = totals;
        this.everyMs = everyMs;
        this.now = now;
    }
    update(count, bytes) {
        const now = this.now();
        if (this.started === undefined) {
            this.started = now;
            this.last = now;
            return;
        }
        if (now - this.last < this.everyMs)
            return;
        this.last = now;
        this.logger.info(this.line(count, bytes, now));
    }
    /** The line for `count` and `bytes` done at `now`. */
    line(count, bytes, now = this.now()) {
        const seconds = Math.max((now - (this.started ?? now)) / 1000, 0.001);
        const rate = `${(bytes / MiB / seconds).toFixed(1)} MiB/s`;
        const t = this.totals;
        if (!t)
            return `${this.label}: ${grouped(count)} ${this.unit}, ${(bytes / MiB).toFixed(1)} MiB, ${rate}`;
        // percent by bytes: the time goes with the bytes; by count when there are none
        const share = t.bytes > 0 ? bytes / t.bytes : t.count !== undefined && t.count > 0 ? count / t.count : 1;
        const percent = `${Math.min(100, Math.floor(share * 100))}%`;
        const mib = `${(bytes / MiB).toFixed(1)}/${(t.bytes / MiB).toFixed(1)} MiB`;
        if (t.count === undefined)
            return `${this.label}: ${grouped(count)} ${this.unit}, ${mib} (${percent}), ${rate}`;
        return `${this.label}: ${grouped(count)}/${grouped(t.count)} ${this.unit} (${percent}), ${mib}, ${rate}`;
    }
}
/** The line said before scrypt runs, so a second or more of silence has its reason. */
function keyDerivationLine(workFactor) {
    const mib = (128 * 8 * 2 ** workFactor) / MiB;
    return `deriving the key from the passphrase: scrypt work factor ${workFactor} (${mib >= 1 ? `${mib} MiB` : 'under 1 MiB'}${workFactor >= 17 ? ', about a second or more' : ''})`;
}

// Tar can encode large and negative numbers using a leading byte of
// 0xff for negative, and 0x80 for positive.
const encode = (num, buf) => {
    if (!Number.isSafeInteger(num)) {
        // The number is so large that javascript cannot represent it with integer
        // precision.
        throw Error('cannot encode number outside of javascript safe integer range');
    }
    else if (num < 0) {
        encodeNegative(num, buf);
    }
    else {
        encodePositive(num, buf);
    }
    return buf;
};
const encodePositive = (num, buf) => {
    buf[0] = 0x80;
    for (var i = buf.length; i > 1; i--) {
        buf[i - 1] = num & 0xff;
        num = Math.floor(num / 0x100);
    }
};
const encodeNegative = (num, buf) => {
    buf[0] = 0xff;
    var flipped = false;
    num = num * -1;
    for (var i = buf.length; i > 1; i--) {
        var byte = num & 0xff;
        num = Math.floor(num / 0x100);
        if (flipped) {
            buf[i - 1] = onesComp(byte);
        }
        else if (byte === 0) {
            buf[i - 1] = 0;
        }
        else {
            flipped = true;
            buf[i - 1] = twosComp(byte);
        }
    }
};
const parse = (buf) => {
    const pre = buf[0];
    const value = pre === 0x80 ? pos(buf.subarray(1, buf.length))
        : pre === 0xff ? twos(buf)
            : null;
    if (value === null) {
        throw Error('invalid base256 encoding');
    }
    if (!Number.isSafeInteger(value)) {
        // The number is so large that javascript cannot represent it with integer
        // precision.
        throw Error('parsed number outside of javascript safe integer range');
    }
    return value;
};
const twos = (buf) => {
    var len = buf.length;
    var sum = 0;
    var flipped = false;
    for (var i = len - 1; i > -1; i--) {
        var byte = Number(buf[i]);
        var f;
        if (flipped) {
            f = onesComp(byte);
        }
        else if (byte === 0) {
            f = byte;
        }
        else {
            flipped = true;
            f = twosComp(byte);
        }
        if (f !== 0) {
            sum -= f * Math.pow(256, len - i - 1);
        }
    }
    return sum;
};
const pos = (buf) => {
    var len = buf.length;
    var sum = 0;
    for (var i = len - 1; i > -1; i--) {
        var byte = Number(buf[i]);
        if (byte !== 0) {
            sum += byte * Math.pow(256, len - i - 1);
        }
    }
    return sum;
};
const onesComp = (byte) => (0xff ^ byte) & 0xff;
const twosComp = (byte) => ((0xff ^ byte) + 1) & 0xff;

const isCode = (c) => name.has(c);
/**
 * types that are a normal file system entry, not metadata.
 *
 * These can be the subject of extended/globalExtended headers, long path
 * names, long linkpath names, etc.
 *
 * Any other types are meta, and cannot be targetted by extended PAX headers.
 */
const normalFsTypes = new Set([
    '0',
    '',
    '1',
    '2',
    '3',
    '4',
    '5',
    '6',
    '7',
    'D',
]);
// map types from key to human-friendly name
const name = new Map([
    ['0', 'File'],
    // same as File
    ['', 'OldFile'],
    ['1', 'Link'],
    ['2', 'SymbolicLink'],
    // Devices and FIFOs aren't fully supported
    // they are parsed, but skipped when unpacking
    ['3', 'CharacterDevice'],
    ['4', 'BlockDevice'],
    ['5', 'Directory'],
    ['6', 'FIFO'],
    // same as File
    ['7', 'ContiguousFile'],
    // pax headers
    ['g', 'GlobalExtendedHeader'],
    ['x', 'ExtendedHeader'],
    // vendor-specific stuff
    // skip
    ['A', 'SolarisACL'],
    // like 5, but with data, which should be skipped
    ['D', 'GNUDumpDir'],
    // metadata only, skip
    ['I', 'Inode'],
    // data = link path of next file
    ['K', 'NextFileHasLongLinkpath'],
    // data = path of next file
    ['L', 'NextFileHasLongPath'],
    // skip
    ['M', 'ContinuationFile'],
    // like L
    ['N', 'OldGnuLongPath'],
    // skip
    ['S', 'SparseFile'],
    // skip
    ['V', 'TapeVolumeHeader'],
    // like x
    ['X', 'OldExtendedHeader'],
]);
// map the other direction
const code = new Map(Array.from(name).map(kv => [kv[1], kv[0]]));

// parse a 512-byte header block to a data object, or vice-versa
// encode returns `true` if a pax extended header is needed, because
// the data could not be faithfully encoded in a simple header.
// (Also, check header.needPax to see if it needs a pax header.)
const notNegative = (n) => n === undefined || n < 0 ? undefined : n;
class Header {
    cksumValid = false;
    needPax = false;
    nullBlock = false;
    block;
    path;
    mode;
    uid;
    gid;
    size;
    cksum;
    #type = 'Unsupported';
    linkpath;
    uname;
    gname;
    devmaj = 0;
    devmin = 0;
    atime;
    ctime;
    mtime;
    charset;
    comment;
    constructor(data, off = 0, ex, gex) {
        if (Buffer.isBuffer(data)) {
            this.decode(data, off || 0, ex, gex);
        }
        else if (data) {
            this.#slurp(data);
        }
    }
    decode(buf, off, ex, gex) {
        if (!off) {
            off = 0;
        }
        if (!buf || !(buf.length >= off + 512)) {
            throw new Error('need 512 bytes for header');
        }
        // Decode the typeflag (independent of any pending PAX/GNU extended header)
        // up front so we can tell whether THIS block is itself an intermediary
        // extension header (PAX `x`/`g`, GNU long-name `L`, GNU long-link `K`).
        // Per POSIX pax, a PAX extended header describes the *next file entry*, not
        // the extension headers that may sit between it and that file. Applying the
        // pending PAX overrides (notably `size`) to an intervening `L`/`K`/`x`/`g`
        // header desynchronizes the stream relative to other tar implementations
        // and enables tar interpretation-conflict / file-smuggling attacks.
        const t = decString(buf, off + 156, 1);
        const isNormalFS = normalFsTypes.has(t);
        const exForFields = isNormalFS ? ex : undefined;
        const gexForFields = isNormalFS ? gex : undefined;
        this.path = exForFields?.path ?? decString(buf, off, 100);
        this.mode =
            exForFields?.mode ??
                gexForFields?.mode ??
                decNumber(buf, off + 100, 8);
        this.uid =
            exForFields?.uid ?? gexForFields?.uid ?? decNumber(buf, off + 108, 8);
        this.gid =
            exForFields?.gid ?? gexForFields?.gid ?? decNumber(buf, off + 116, 8);
        this.size = notNegative(exForFields?.size ??
            gexForFields?.size ??
            decNumber(buf, off + 124, 12));
        this.mtime =
            exForFields?.mtime ??
                gexForFields?.mtime ??
                decDate(buf, off + 136, 12);
        this.cksum = decNumber(buf, off + 148, 12);
        // if we have extended or global extended headers, apply them now
        // See https://github.com/npm/node-tar/pull/187
        // Apply global before local, so it overrides. Never slurp the pending
        // extended-header fields onto an intermediary extension header.
        if (gexForFields)
            this.#slurp(gexForFields, true);
        if (exForFields)
            this.#slurp(exForFields);
        // old tar versions marked dirs as a file with a trailing /
        if (isCode(t)) {
            this.#type = t || '0';
        }
        if (this.#type === '0' && this.path.slice(-1) === '/') {
            this.#type = '5';
        }
        // tar implementations sometimes incorrectly put the stat(dir).size
        // as the size in the tarball, even though Directory entries are
        // not able to have any body at all.  In the very rare chance that
        // it actually DOES have a body, we weren't going to do anything with
        // it anyway, and it'll just be a warning about an invalid header.
        if (this.#type === '5') {
            this.size = 0;
        }
        this.linkpath = decString(buf, off + 157, 100);
        if (buf.subarray(off + 257, off + 265).toString() === 'ustar\u000000') {
            /* c8 ignore start */
            this.uname =
                exForFields?.uname ??
                    gexForFields?.uname ??
                    decString(buf, off + 265, 32);
            this.gname =
                exForFields?.gname ??
                    gexForFields?.gname ??
                    decString(buf, off + 297, 32);
            this.devmaj =
                exForFields?.devmaj ??
                    gexForFields?.devmaj ??
                    decNumber(buf, off + 329, 8) ??
                    0;
            this.devmin =
                exForFields?.devmin ??
                    gexForFields?.devmin ??
                    decNumber(buf, off + 337, 8) ??
                    0;
            /* c8 ignore stop */
            if (buf[off + 475] !== 0) {
                // definitely a prefix, definitely >130 chars.
                const prefix = decString(buf, off + 345, 155);
                this.path = prefix + '/' + this.path;
            }
            else {
                const prefix = decString(buf, off + 345, 130);
                if (prefix) {
                    this.path = prefix + '/' + this.path;
                }
                /* c8 ignore start */
                this.atime = ex?.atime ?? gex?.atime ?? decDate(buf, off + 476, 12);
                this.ctime = ex?.ctime ?? gex?.ctime ?? decDate(buf, off + 488, 12);
                /* c8 ignore stop */
            }
        }
        let sum = 8 * 0x20;
        for (let i = off; i < off + 148; i++) {
            sum += buf[i];
        }
        for (let i = off + 156; i < off + 512; i++) {
            sum += buf[i];
        }
        this.cksumValid = sum === this.cksum;
        if (this.cksum === undefined && sum === 8 * 0x20) {
            this.nullBlock = true;
        }
    }
    #slurp(ex, gex = false) {
        Object.assign(this, Object.fromEntries(Object.entries(ex).filter(([k, v]) => {
            // we slurp in everything except for the path attribute in
            // a global extended header, because that's weird. Also, any
            // null/undefined values are ignored.
            return !(v === null ||
                v === undefined ||
                (k === 'size' && Number(v) < 0) ||
                (k === 'path' && gex) ||
                (k === 'linkpath' && gex) ||
                k === 'global');
        })));
    }
    encode(buf, off = 0) {
        if (!buf) {
            buf = this.block = Buffer.alloc(512);
        }
        if (this.#type === 'Unsupported') {
            this.#type = '0';
        }
        if (!(buf.length >= off + 512)) {
            throw new Error('need 512 bytes for header');
        }
        const prefixSize = this.ctime || this.atime ? 130 : 155;
        const split = splitPrefix(this.path || '', prefixSize);
        const path = split[0];
        const prefix = split[1];
        this.needPax = !!split[2];
        this.needPax = encString(buf, off, 100, path) || this.needPax;
        this.needPax = encNumber(buf, off + 100, 8, this.mode) || this.needPax;
        this.needPax = encNumber(buf, off + 108, 8, this.uid) || this.needPax;
        this.needPax = encNumber(buf, off + 116, 8, this.gid) || this.needPax;
        this.needPax = encNumber(buf, off + 124, 12, this.size) || this.needPax;
        this.needPax = encDate(buf, off + 136, 12, this.mtime) || this.needPax;
        buf[off + 156] = Number(this.#type.codePointAt(0));
        this.needPax =
            encString(buf, off + 157, 100, this.linkpath) || this.needPax;
        buf.write('ustar\u000000', off + 257, 8);
        this.needPax =
            encString(buf, off + 265, 32, this.uname) || this.needPax;
        this.needPax =
            encString(buf, off + 297, 32, this.gname) || this.needPax;
        this.needPax =
            encNumber(buf, off + 329, 8, this.devmaj) || this.needPax;
        this.needPax =
            encNumber(buf, off + 337, 8, this.devmin) || this.needPax;
        this.needPax =
            encString(buf, off + 345, prefixSize, prefix) || this.needPax;
        if (buf[off + 475] !== 0) {
            this.needPax = encString(buf, off + 345, 155, prefix) || this.needPax;
        }
        else {
            this.needPax = encString(buf, off + 345, 130, prefix) || this.needPax;
            this.needPax =
                encDate(buf, off + 476, 12, this.atime) || this.needPax;
            this.needPax =
                encDate(buf, off + 488, 12, this.ctime) || this.needPax;
        }
        let sum = 8 * 0x20;
        for (let i = off; i < off + 148; i++) {
            sum += buf[i];
        }
        for (let i = off + 156; i < off + 512; i++) {
            sum += buf[i];
        }
        this.cksum = sum;
        encNumber(buf, off + 148, 8, this.cksum);
        this.cksumValid = true;
        return this.needPax;
    }
    get type() {
        return (this.#type === 'Unsupported' ?
            this.#type
            : name.get(this.#type));
    }
    get typeKey() {
        return this.#type;
    }
    set type(type) {
        const c = String(code.get(type));
        if (isCode(c) || c === 'Unsupported') {
            this.#type = c;
        }
        else if (isCode(type)) {
            this.#type = type;
        }
        else {
            throw new TypeError('invalid entry type: ' + type);
        }
    }
}
const splitPrefix = (p, prefixSize) => {
    const pathSize = 100;
    let pp = p;
    let prefix = '';
    let ret = undefined;
    const root = posix.parse(p).root || '.';
    if (Buffer.byteLength(pp) < pathSize) {
        ret = [pp, prefix, false];
    }
    else {
        // first set prefix to the dir, and path to the base
        prefix = posix.dirname(pp);
        pp = posix.basename(pp);
        do {
            if (Buffer.byteLength(pp) <= pathSize &&
                Buffer.byteLength(prefix) <= prefixSize) {
                // both fit!
                ret = [pp, prefix, false];
            }
            else if (Buffer.byteLength(pp) > pathSize &&
                Buffer.byteLength(prefix) <= prefixSize) {
                // prefix fits in prefix, but path doesn't fit in path
                ret = [pp.slice(0, pathSize - 1), prefix, true];
            }
            else {
                // make path take a bit from prefix
                pp = posix.join(posix.basename(prefix), pp);
                prefix = posix.dirname(prefix);
            }
        } while (prefix !== root && ret === undefined);
        // at this point, found no resolution, just truncate
        if (!ret) {
            ret = [p.slice(0, pathSize - 1), '', true];
        }
    }
    return ret;
};
const decString = (buf, off, size) => buf
    .subarray(off, off + size)
    .toString('utf8')
    .replace(/\0.*/, '');
const decDate = (buf, off, size) => numToDate(decNumber(buf, off, size));
const numToDate = (num) => num === undefined ? undefined : new Date(num * 1000);
const decNumber = (buf, off, size) => Number(buf[off]) & 0x80 ?
    parse(buf.subarray(off, off + size))
    : decSmallNumber(buf, off, size);
const nanUndef = (value) => (isNaN(value) ? undefined : value);
const decSmallNumber = (buf, off, size) => nanUndef(parseInt(buf
    .subarray(off, off + size)
    .toString('utf8')
    .replace(/\0.*$/, '')
    .trim(), 8));
// the maximum encodable as a null-terminated octal, by field size
const MAXNUM = {
    12: 0o77777777777,
    8: 0o7777777,
};
const encNumber = (buf, off, size, num) => num === undefined ? false
    : num > MAXNUM[size] || num < 0 ?
        (encode(num, buf.subarray(off, off + size)), true)
        : (encSmallNumber(buf, off, size, num), false);
const encSmallNumber = (buf, off, size, num) => buf.write(octalString(num, size), off, size, 'ascii');
const octalString = (num, size) => padOctal(Math.floor(num).toString(8), size);
const padOctal = (str, size) => (str.length === size - 1 ?
    str
    : new Array(size - str.length - 1).join('0') + str + ' ') + '\0';
const encDate = (buf, off, size, date) => date === undefined ? false : (encNumber(buf, off, size, date.getTime() / 1000));
// enough to fill the longest string we've got
const NULLS = new Array(156).join('\0');
// pad with nulls, return true if it's longer or non-ascii
const encString = (buf, off, size, str) => str === undefined ? false : ((buf.write(str + NULLS, off, size, 'utf8'),
    str.length !== Buffer.byteLength(str) || str.length > size));

/**
 * The POSIX tar (ustar) layout, in one place for the writer and the reader: 512-byte blocks, a
 * header's fields at fixed offsets, data padded to the next block, two zero blocks at the end.
 */
const BLOCK = 512;
/** Offset and length of each ustar header field this project reads. */
const FIELD = {
    name: [0, 100],
    size: [124, 12],
    checksum: [148, 8],
    typeflag: [156, 1],
    linkname: [157, 100],
    magic: [257, 8],
    prefix: [345, 155]
};
/** `ustar\0` and version `00`: a POSIX header, the only kind a snapshot holds. */
const USTAR_MAGIC = Buffer.from('ustar\u000000', 'latin1');
/** Two zero blocks end a tar archive. */
const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);
/** Zero padding after `size` bytes of entry data, up to the next block boundary. */
function paddingFor(size) {
    return (BLOCK - (size % BLOCK)) % BLOCK;
}

/**
 * Fixed-size buffers handed out and taken back, so a stream moves its data through the same
 * memory over and over. Fresh memory costs a page fault per 4 KiB on first touch (on a VM,
 * measured here: reading 256 MiB into fresh 1 MiB buffers took 3\u00d7 as long as into reused ones)
 * and garbage for the collector afterwards.
 *
 * One rule (as restic's archiver/buffer.go): a buffer belongs to whoever holds it, and the last
 * stage to use it gives it back, once, whole. A short view (a last, partial batch or read) is
 * not taken back but left to the collector, as is any buffer nobody gives back: a stage that
 * does not know the pool is always safe.
 */
class BufferPool {
    size;
    #keep;
    #free = [];
    /** `keep`: how many free buffers are held at most; more given back are left to the GC. */
    constructor(size, keep) {
        if (!(Number.isInteger(size) && size >= 1 && Number.isInteger(keep) && keep >= 0)) {
            throw new RangeError('a buffer pool needs a whole size \u2265 1 and keep \u2265 0');
        }
        this.size = size;
        this.#keep = keep;
    }
    /** A buffer of `size` bytes, its own memory, with unspecified content. */
    take() {
        // allocUnsafeSlow: its own memory, never a slice of Node's shared pool
        return this.#free.pop() ?? Buffer.allocUnsafeSlow(this.size);
    }
    /** Gives back a whole buffer of this size; anything else, or a second give-back, is ignored. */
    release(buffer) {
        const whole = buffer.length === this.size &&
            buffer.byteOffset === 0 &&
            buffer.buffer.byteLength === this.size;
        if (!whole || this.#free.length >= this.#keep)
            return;
        if (this.#free.some((free) => free.buffer === buffer.buffer))
            return;
        this.#free.push(buffer);
    }
    /** Free buffers held right now (for tests and diagnostics). */
    get available() {
        return this.#free.length;
    }
}

/** How a new snapshot is keyed: recipients when given (no secret needed), else the passphrase. */
function encryptionKeyOf(keys, workFactor) {
    if (keys.recipients.length > 0)
        return { kind: 'recipients', recipients: keys.recipients };
    return { kind: 'passphrase', passphrase: Buffer.from(keys.passphrase, 'utf8'), workFactor };
}
/** What the manifest will record of that key: never the key itself. */
function encryptionRecordOf(key) {
    if (key.kind === 'passphrase')
        return { format: 'age-v1', recipient: 'scrypt', workFactor: key.workFactor };
    return { format: 'age-v1', recipient: key.recipients[0].type, recipients: key.recipients.length };
}
/**
 * The key that opens a snapshot whose manifest says `record`; a NO-GO naming the missing secret
 * when this run holds the other kind only.
 */
function decryptionKeyFor(keys, record, snapshotPath) {
    if (record.recipient === 'scrypt') {
        if (keys.passphrase === '') {
            throw new NoGoError(`snapshot ${snapshotPath} is passphrase-encrypted (scrypt) ${NO_PASSPHRASE_GIVEN}: give ${keys.passphraseSource}`);
        }
        return { kind: 'passphrase', passphrase: Buffer.from(keys.passphrase, 'utf8') };
    }
    if (keys.identities.length === 0) {
        throw new NoGoError(`snapshot ${snapshotPath} is encrypted to age recipients (${record.recipient}) ${NO_IDENTITY_GIVEN}: give ${keys.identitySource}`);
    }
    return { kind: 'identities', identities: keys.identities };
}

/** The evidence a manifest gives of its snapshot, found at `snapshotPath` and `manifestPath`. */
function evidenceOf(manifest, where) {
    return {
        ...where,
        size: manifest.snapshot.size,
        sha256: manifest.snapshot.sha256,
        contentDigest: manifest.content.digest,
        files: manifest.content.files,
        bytes: manifest.content.bytes,
        compression: manifest.compression,
        encryption: manifest.encryption,
        createdAt: manifest.createdAt
    };
}

const EMPTY = Buffer.alloc(0);
/**
 * age file bytes in, plaintext out: parses the header from the stream, gets the file key from
 * `fileKeySource`, checks the header MAC, then decrypts the STREAM payload. Nothing is emitted
 * before the header MAC has been verified.
 */
class AgeDecryptStream extends Transform {
    fileKeySource;
    releaseInput;
    payloadStage;
    parser = new HeaderParser();
    /** Header bytes so far, grown by doubling so byte-at-a-time input stays linear. */
    headerBuffer = EMPTY;
    headerLength = 0;
    /** Bytes that followed the header in its last piece, kept while the file key is unwrapped. */
    afterHeader = EMPTY;
    nonce = Buffer.alloc(PAYLOAD_NONCE_SIZE);
    nonceLength = 0;
    fileKey;
    payload;
    pushPlaintext = (plaintext) => {
        this.push(plaintext);
    };
    /**
     * `releaseInput` is called with each input chunk once it has been taken in: this stream keeps
     * copies of what it holds back, never the chunk, so its producer may reuse the memory.
     * `payloadStage` makes the stage the payload goes to (default: decrypted here).
     */
    constructor(fileKeySource, releaseInput, payloadStage = (key) => new PayloadDecrypter(key)) {
        // Room for a few frames each way, so neither side stalls on every 64 KiB chunk.
        super({ writableHighWaterMark: 4 * FRAME_SIZE, readableHighWaterMark: 4 * FRAME_SIZE });
        this.fileKeySource = fileKeySource;
        this.releaseInput = releaseInput;
        this.payloadStage = payloadStage;
    }
    _transform(chunk, _encoding, callback) {
        // the chunk goes back to its producer once every stage that reads it is done with it
        const done = (error) => {
            this.releaseInput?.(chunk);
            callback(error);
        };
        let pending = undefined;
        try {
            if (this.payload) {
                pending = this.payload.update(chunk, this.pushPlaintext);
            }
            else if (this.fileKey) {
                pending = this.takeNonce(chunk);
            }
            else {
                const header = this.takeHeader(chunk);
                if (header) {
                    this.unlock(header, done);
                    return;
                }
            }
        }
        catch (err) {
            done(err);
            return;
        }
        settle(pending, done);
    }
    _flush(callback) {
        let pending = undefined;
        try {
            if (this.payload) {
                pending = this.payload.final(this.pushPlaintext);
            }
            else if (this.fileKey) {
                throw this.nonceLength === 0
                    ? truncated('right after the age header, before the payload nonce')
                    : truncated('inside the payload nonce');
            }
            else {
                throw this.parser.end(this.headerBuffer.subarray(0, this.headerLength));
            }
        }
        catch (err) {
            callback(err);
            return;
        }
        settle(pending, callback);
    }
    /** Adds `chunk` to the header bytes; returns the header once complete. */
    takeHeader(chunk) {
        let bytes;
        if (this.headerLength === 0) {
            // Usually the whole header is in the first piece: parse it where it lies.
            bytes = chunk;
        }
        else {
            const needed = this.headerLength + chunk.length;
            if (needed > this.headerBuffer.length) {
                const grown = Buffer.allocUnsafe(Math.max(needed, 2 * this.headerBuffer.length));
                this.headerBuffer.copy(grown, 0, 0, this.headerLength);
                this.headerBuffer = grown;
            }
            chunk.copy(this.headerBuffer, this.headerLength);
            this.headerLength = needed;
            bytes = this.headerBuffer.subarray(0, needed);
        }
        const header = this.parser.parse(bytes);
        if (header) {
            // Held until unlock() finishes (scrypt may take a while): a copy, so the chunk is free.
            this.afterHeader = Buffer.from(bytes.subarray(header.length));
        }
        else if (this.headerLength === 0) {
            this.headerBuffer = Buffer.from(chunk);
            this.headerLength = chunk.length;
        }
        return header;
    }
    /** Gets the file key (maybe slow: scrypt), checks the header MAC, then goes on to the payload. */
    unlock(header, callback) {
        Promise.resolve()
            .then(() => this.fileKeySource(header))
            .then((fileKey) => {
            if (this.destroyed)
                return;
            let pending;
            try {
                if (fileKey.length !== FILE_KEY_SIZE)
                    throw badHeader('the file key is not 16 bytes');
                const expected = headerMac(fileKey, header.macInput);
                if (!timingSafeEqual(expected, header.mac))
                    throw headerMacMismatch();
                this.fileKey = fileKey;
                this.headerBuffer = EMPTY;
                const rest = this.afterHeader;
                this.afterHeader = EMPTY;
                pending = this.takeNonce(rest);
            }
            catch (err) {
                callback(err);
                return;
            }
            settle(pending, callback);
        }, (err) => {
            if (!this.destroyed)
                callback(err instanceof Error ? err : new Error(String(err)));
        });
    }
    /** Collects the payload nonce, then hands everything after it to the STREAM decrypter. */
    takeNonce(chunk) {
        const taken = chunk.copy(this.nonce, this.nonceLength);
        this.nonceLength += taken;
        if (this.nonceLength < PAYLOAD_NONCE_SIZE)
            return;
        this.payload = this.payloadStage(payloadKey(this.fileKey, this.nonce));
        return this.payload.update(chunk.subarray(taken), this.pushPlaintext);
    }
}
/** Calls back once `pending` (a stage's promise, or nothing) has settled; synchronously if nothing. */
function settle(pending, callback) {
    if (pending === undefined)
        callback();
    else
        pending.then(() => callback(), callback);
}

/**
 * Transform: age file bytes in, plaintext out. Parses the header from the stream itself. `key`
 * is a passphrase (bytes, or kind 'passphrase') or native identities (kind 'identities').
 */
function createDecryptStream(key, options = {}) {
    if (!(key instanceof Uint8Array) && key.kind === 'identities') {
        const identities = [...key.identities];
        return new AgeDecryptStream((header) => unwrapFileKey(header.stanzas, identities), options.releaseInput, options.payloadStage);
    }
    const passphrase = key instanceof Uint8Array ? key : key.passphrase;
    const maxWorkFactor = options.maxWorkFactor ?? DEFAULT_MAX_WORK_FACTOR;
    if (!Number.isInteger(maxWorkFactor) ||
        maxWorkFactor < 1 ||
        maxWorkFactor > MAX_SANE_WORK_FACTOR) {
        throw new RangeError(`maxWorkFactor must be an integer from 1 to ${MAX_SANE_WORK_FACTOR}`);
    }
    // Copied so a caller wiping its buffer after this call cannot race the deferred scrypt.
    const secret = Buffer.from(passphrase);
    return new AgeDecryptStream((header) => unwrapScrypt(header.stanzas, secret, maxWorkFactor), options.releaseInput, options.payloadStage);
}

/** Opens the snapshot and checks its size against the manifest; the caller closes it. */
async function openCiphertext(snapshotPath, manifest) {
    let handle;
    try {
        // non-blocking, so a FIFO put at the path cannot hang the open
        handle = await open(snapshotPath, constants.O_RDONLY | constants.O_NONBLOCK);
    }
    catch {
        throw new NoGoError(`snapshot ${snapshotPath} named by the manifest is missing; copy it beside the manifest (or download the artifact again)`);
    }
    const stat = await handle.stat();
    const size = stat.size;
    let problem;
    if (!stat.isFile())
        problem = `snapshot ${snapshotPath} is not a regular file`;
    else if (size !== manifest.snapshot.size) {
        problem = `snapshot ${snapshotPath} is ${size} bytes but the manifest says ${manifest.snapshot.size}: it is ${size < manifest.snapshot.size ? 'truncated' : 'longer than written (trailing data)'} or not the file the manifest describes`;
    }
    if (problem) {
        await handle.close();
        throw new NoGoError(problem);
    }
    return { path: snapshotPath, handle, stat };
}
/** The first `length` bytes (the age header lives there). */
async function readCiphertextHead(ct, length) {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await ct.handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
}
/**
 * The file's bytes in order from the start, hashed as they are read: the one read the decrypter
 * needs also gives the SHA-256 (a separate hashing pass read 0.5 GiB more per 1 GiB snapshot).
 */
class HashedCiphertext {
    #hash = createHash('sha256');
    #source;
    /** The read chunks() has in flight, which check() lets land before reading on. */
    #inFlight;
    constructor(ct) {
        this.#source = 'handle' in ct ? fileSource(ct) : ct;
    }
    /**
     * The bytes from where the last read stopped, in pool buffers one read ahead of the consumer,
     * who gives each back with `pool.release` (or drops it for the GC).
     */
    async *chunks(pool) {
        const readAt = async () => {
            const buffer = pool.take();
            const bytesRead = await this.#read(buffer);
            if (bytesRead > 0)
                return buffer.subarray(0, bytesRead);
            pool.release(buffer);
            return undefined;
        };
        let next;
        const readAhead = () => {
            next = readAt();
            this.#inFlight = next.catch(() => undefined);
        };
        try {
            readAhead();
            for (;;) {
                const chunk = await next;
                if (!chunk)
                    return;
                readAhead();
                yield chunk;
            }
        }
        finally {
            // a consumer that stops early may leave a read in flight: let it land (it is hashed)
            await next?.catch(() => undefined);
        }
    }
    /**
     * SHA-256 of the whole descriptor against the manifest, once the consumer has stopped (done or
     * failed): what it left unread is read and hashed first, so a replaced, truncated or damaged
     * file is named as such, not as a decryption error.
     */
    async check(manifest) {
        await this.#inFlight;
        const rest = Buffer.allocUnsafe(1 << 20);
        while ((await this.#read(rest)) > 0)
            ;
        const actual = this.#hash.digest('hex');
        if (actual !== manifest.snapshot.sha256) {
            throw new NoGoError(`snapshot ${this.#source.name} SHA-256 is ${actual} but the manifest says ${manifest.snapshot.sha256}: the file was altered or corrupted`);
        }
    }
    /** Reads are strictly one after another, so hashing each as it lands keeps the file's order. */
    async #read(buffer) {
        const bytesRead = await this.#source.read(buffer);
        this.#hash.update(buffer.subarray(0, bytesRead));
        return bytesRead;
    }
}
/** A local snapshot file as a ciphertext source: positional reads from its one descriptor. */
function fileSource(ct) {
    let position = 0;
    return {
        name: ct.path,
        head: (length) => readCiphertextHead(ct, length),
        read: async (buffer) => {
            const { bytesRead } = await ct.handle.read(buffer, 0, buffer.length, position);
            position += bytesRead;
            return bytesRead;
        },
        assertUnchanged: () => assertCiphertextUnchanged(ct),
        close: () => ct.handle.close()
    };
}
/**
 * NO-GO if the file was written in place while it was hashed and decrypted (size, mtime or ctime
 * moved), or if the path no longer names it: the evidence would name a file that is not there.
 */
async function assertCiphertextUnchanged(ct) {
    let atPath;
    try {
        atPath = statSync(ct.path);
    }
    catch {
        atPath = undefined;
    }
    if (!atPath || atPath.dev !== ct.stat.dev || atPath.ino !== ct.stat.ino) {
        throw new NoGoError(`snapshot ${ct.path} was replaced while it was verified; stop whatever writes snapshot-dir and rerun`);
    }
    const now = await ct.handle.stat();
    if (now.size !== ct.stat.size ||
        now.mtimeMs !== ct.stat.mtimeMs ||
        now.ctimeMs !== ct.stat.ctimeMs) {
        throw new NoGoError(`snapshot ${ct.path} was written to while it was verified; stop whatever writes snapshot-dir and rerun`);
    }
}

const SHOWN_HEAD = 80;
const SHOWN_TAIL = 60;
/**
 * An archive name (or link target) for a one-line message. It is private (SPEC, Safety rules): the
 * message carries it marked, and each door shows its root and fingerprint, or, where names may
 * show, the name quoted: JSON escapes newlines and controls, long names are cut.
 */
function showPath(value) {
    return privateName(value, quotePath(value));
}
function quotePath(value) {
    const cut = value.length > SHOWN_HEAD + SHOWN_TAIL + 10
        ? `${value.slice(0, SHOWN_HEAD)}\u2026${value.slice(-SHOWN_TAIL)}`
        : value;
    // JSON.stringify leaves U+2028/U+2029 alone, and some log viewers break lines on them
    return JSON.stringify(cut)
        .replace(/\u2028/g, '\\u2028')
        .replace(/\u2029/g, '\\u2029');
}
/**
 * Checks an archive name and returns it without a folder's trailing slash. Throws a one-line
 * Error naming the entry. Strict on purpose: the snapshot writer never emits `.`, `..`, `//` or
 * absolute names, so any of them means a hostile or foreign archive.
 */
function checkEntryPath(raw, isDir) {
    const name = isDir && raw.endsWith('/') ? raw.slice(0, -1) : raw;
    const problem = pathProblem(name);
    if (problem)
        throw new Error(`entry ${showPath(raw)} ${problem}`);
    return name;
}
function pathProblem(name) {
    if (name === '')
        return 'has an empty name';
    if (name.includes('\0'))
        return 'has a NUL byte in its name';
    if (name.startsWith('/'))
        return 'is an absolute path';
    for (const part of name.split('/')) {
        if (part === '..')
            return 'has a ".." component';
        if (part === '.')
            return 'has a "." component';
        if (part === '')
            return 'has an empty path component';
    }
    return undefined;
}
/**
 * Checks a symlink's target lexically from the link's folder: it must stay inside the restore
 * folder. Chains of links are checked once the whole archive is known (link-escape.ts).
 */
function checkLinkTarget(linkPath, target) {
    const show = showPath(linkPath);
    if (target === '')
        throw new Error(`symlink ${show} has an empty target`);
    if (target.includes('\0'))
        throw new Error(`symlink ${show} has a NUL byte in its target`);
    if (target.startsWith('/')) {
        throw new Error(`symlink ${show} points outside the snapshot (absolute target ${showPath(target)})`);
    }
    const slash = linkPath.lastIndexOf('/');
    const resolved = slash < 0 ? posix.normalize(target) : posix.normalize(`${linkPath.slice(0, slash)}/${target}`);
    if (resolved === '..' || resolved.startsWith('../')) {
        throw new Error(`symlink ${show} points outside the snapshot (target ${showPath(target)})`);
    }
}

const MAX_NAMED = 10;
function splitLines(text) {
    const lines = text.split('\n');
    lines.pop();
    return lines;
}
/** A path from a line that failed validation, when it has one, to avoid a second report. */
function pathHint(line) {
    try {
        const value = JSON.parse(line);
        const path = value?.path;
        return typeof path === 'string' ? path : undefined;
    }
    catch {
        return undefined;
    }
}
function readArchived(archived, problems) {
    const read = { byPath: new Map(), order: [], unreadable: new Set() };
    const text = archived.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(archived))
        problems.push(() => 'archive index is not valid UTF-8');
    if (text !== '' && !text.endsWith('\n'))
        problems.push(() => 'archive index does not end with a newline');
    const lines = splitLines(text.endsWith('\n') || text === '' ? text : `${text}\n`);
    lines.forEach((line, i) => {
        const lineNumber = i + 1;
        let entry;
        try {
            entry = parseIndexLine(line, lineNumber);
        }
        catch (error) {
            problems.push(() => error.message);
            const hint = pathHint(line);
            if (hint !== undefined)
                read.unreadable.add(hint);
            return;
        }
        const earlier = read.byPath.get(entry.path);
        if (earlier) {
            problems.push(() => `archive index lists ${showPath(entry.path)} twice (lines ${earlier.lineNumber} and ${lineNumber})`);
            return;
        }
        read.byPath.set(entry.path, { entry, line, lineNumber });
        read.order.push(entry.path);
    });
    return read;
}
/** The observed index is built by extract.ts from indexLine(), so it is canonical by construction. */
function readObserved(observed) {
    const read = { byPath: new Map(), order: [], unreadable: new Set() };
    splitLines(observed.toString('utf8')).forEach((line, i) => {
        const entry = JSON.parse(line);
        read.byPath.set(entry.path, { entry, line, lineNumber: i + 1 });
        read.order.push(entry.path);
    });
    return read;
}
const octal = (mode) => `0o${mode.toString(8).padStart(3, '0')}`;
function difference(path, listed, found) {
    const name = showPath(path);
    if (listed.type !== found.type) {
        return `entry ${name} is a ${found.type} in the archive but a ${listed.type} in the index`;
    }
    const parts = [];
    if (listed.mode !== found.mode) {
        parts.push(`mode ${octal(found.mode)} in the archive, ${octal(listed.mode)} in the index`);
    }
    if (listed.type === 'file' && found.type === 'file') {
        if (listed.size !== found.size) {
            parts.push(`${found.size} bytes in the archive, ${listed.size} in the index`);
        }
        if (listed.sha256 !== found.sha256)
            parts.push('its content differs from the sha256 in the index');
    }
    if (listed.type === 'symlink' && found.type === 'symlink' && listed.target !== found.target) {
        parts.push(`target ${showPath(found.target)} in the archive, ${showPath(listed.target)} in the index`);
    }
    return `entry ${name} differs: ${parts.join(', ')}`;
}
/** The first place where entries both sides list appear in a different order, if any. */
function orderProblem(index, found) {
    const listedOrder = index.order.filter((p) => found.byPath.has(p));
    const foundOrder = found.order.filter((p) => index.byPath.has(p));
    const at = foundOrder.findIndex((p, i) => listedOrder[i] !== p);
    if (at < 0)
        return undefined;
    const path = foundOrder[at];
    const expected = listedOrder[at];
    return `entry ${showPath(path)} is out of order: the index lists ${showPath(expected)} there (index line ${index.byPath.get(expected).lineNumber})`;
}
/**
 * Problems (at most ~10 named, then "and N more") between the archive's index and what was
 * observed; [] when they agree. Also validates every archived line with parseIndexLine.
 */
function compareIndexes(archived, observed) {
    // observed lines come from indexLine() on checked entries, so equal bytes are valid bytes too
    if (archived.equals(observed))
        return [];
    const problems = [];
    const index = readArchived(archived, problems);
    const found = readObserved(observed);
    for (const path of found.order) {
        const listed = index.byPath.get(path);
        const seen = found.byPath.get(path);
        if (!listed) {
            if (!index.unreadable.has(path))
                problems.push(() => `entry ${showPath(path)} is in the archive but not in its index`);
        }
        else if (listed.line !== seen.line) {
            problems.push(() => difference(path, listed.entry, seen.entry));
        }
    }
    for (const path of index.order) {
        if (!found.byPath.has(path))
            problems.push(() => `entry ${showPath(path)} is in the index but missing from the archive`);
    }
    const order = orderProblem(index, found);
    if (order)
        problems.push(() => order);
    const named = problems.slice(0, MAX_NAMED).map((problem) => problem());
    if (problems.length <= MAX_NAMED)
        return named;
    return [...named, `and ${problems.length - MAX_NAMED} more`];
}

/**
 * Why the archive's index does not hold exactly the manifest's includes, or undefined: the
 * manifest is what people read to know what a snapshot protects, so an include it names but the
 * archive lacks (or an entry under no include) would make a GO say more than the snapshot holds.
 */
function includeRootsProblem(archivedIndex, includes) {
    const roots = new Set(includes);
    const seen = new Set();
    let lineNumber = 0;
    for (const line of archivedIndex) {
        if (line === '')
            continue;
        const { path } = parseIndexLine(line, ++lineNumber);
        const root = includes.find((r) => path === r || path.startsWith(`${r}/`));
        if (root === undefined) {
            return `the archive holds ${showPath(path)}, which lies under none of the manifest's includes (${includes.join(', ')}): the manifest does not describe this snapshot`;
        }
        if (roots.has(path))
            seen.add(path);
    }
    const absent = includes.filter((r) => !seen.has(r));
    if (absent.length > 0) {
        return `the manifest lists include(s) ${absent.join(', ')} that the archive does not hold: the manifest does not describe this snapshot`;
    }
    return undefined;
}

/**
 * The decoding thread's heap: it holds a few buffers at a time and makes garbage at the data's rate,
 * so a small young generation (collected often, each time cheaply) keeps its memory flat and
 * frees the buffers it dropped soon after (V8 frees a young buffer's memory at its next
 * scavenge). Its old generation only ever holds its module and a few objects.
 */
const DECODER_HEAP = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 };
/**
 * A thread of ours that is missing, fails to load, throws or dies: a fault of this install (or a
 * bug), never of the snapshot being read, so its message is not put on the snapshot.
 */
class WorkerFault extends Error {
    constructor(message) {
        super(message);
        this.name = 'WorkerFault';
    }
}
/** What to do about a thread that failed: the same line wherever it failed. */
const FAULT_REMEDY = 'reinstall cutover-gate (from a checkout: npm run bundle); if it persists, report it as a bug';
/**
 * Starts the bundled thread `name` (dist/<name>.js, beside this chunk), or, run from the sources
 * as the tests do, the one `npm run bundle` made. Neither there: a WorkerFault naming the file.
 */
function startWorker(name, workerData) {
    const bundled = new URL(`./${name}.js`, import.meta.url);
    const file = fs.existsSync(bundled) ? bundled : new URL(`../../dist/${name}.js`, import.meta.url);
    if (!fs.existsSync(file)) {
        throw new WorkerFault(`cutover-gate is incomplete: its ${name}.js is missing from ${fileURLToPath(new URL('.', bundled))}: ${FAULT_REMEDY}`);
    }
    return new Worker(file, { workerData, resourceLimits: DECODER_HEAP });
}

/** Plaintext comes back in buffers of this size: the tar reader's and the writes' unit. */
const OUT_SIZE = 1 << 20;
/** Payload pieces sent and not yet taken: enough to keep the thread busy while this one works. */
const IN_IN_FLIGHT = 4;
/**
 * A snapshot's payload decrypted and decompressed on a thread of its own. The main thread gives
 * it the payload through `payload(key)` (the age stage after the header) and reads the tar back
 * from `output()`. Buffers go round: a buffer `output()` yields is the reader's until it asks for
 * the next one, then it goes back to the thread to be filled again. `stop()` ends the thread
 * whatever state it is in; a failure on either side fails both.
 */
class DecodeThread {
    #worker;
    #inFlight = 0;
    #tookWaiter;
    #outputs = [];
    #outWaiter;
    #done = false;
    #failure;
    #stopped = false;
    constructor(compression) {
        const workerData = { compression, outSize: OUT_SIZE };
        this.#worker = startWorker('decode-worker', workerData);
        this.#worker.on('message', (message) => this.#onMessage(message));
        // not a decoding failure (those come as messages): the thread itself failed to load, threw,
        // hit its heap limit or died
        this.#worker.on('error', (error) => this.#fail(new WorkerFault(`the decoding thread failed (${error.message}): ${FAULT_REMEDY}`)));
        this.#worker.on('exit', (code) => {
            if (!this.#done && !this.#stopped)
                this.#fail(new WorkerFault(`the decoding thread ended early (exit code ${code}): ${FAULT_REMEDY}`));
        });
    }
    /** The age payload's stage, once its key is known: pieces go to the thread as they come. */
    payload(key) {
        this.#post({ t: 'key', key });
        return {
            update: async (data) => {
                if (data.length === 0)
                    return;
                while (this.#inFlight >= IN_IN_FLIGHT && !this.#failure)
                    await new Promise((resolve) => (this.#tookWaiter = resolve));
                if (this.#failure)
                    throw this.#failure;
                this.#inFlight++;
                // a copy goes (postMessage clones), so the caller may reuse `data` at once
                this.#post({ t: 'in', bytes: data });
            },
            final: async () => {
                if (this.#failure)
                    throw this.#failure;
                this.#post({ t: 'end' });
            }
        };
    }
    /** The plaintext, in order; ends when the payload has ended and every byte is out. */
    async *output() {
        let lent;
        try {
            for (;;) {
                if (lent)
                    this.#giveBack(lent);
                lent = undefined;
                while (this.#outputs.length === 0 && !this.#done && !this.#failure)
                    await new Promise((resolve) => (this.#outWaiter = resolve));
                if (this.#failure)
                    throw this.#failure;
                const next = this.#outputs.shift();
                if (!next)
                    return;
                lent = next;
                yield next;
            }
        }
        finally {
            await this.stop();
        }
    }
    /** Fails both sides with `error` (the first failure wins) and ends the thread. */
    abort(error) {
        this.#fail(error);
    }
    async stop() {
        if (this.#stopped)
            return;
        this.#stopped = true;
        await this.#worker.terminate();
    }
    #giveBack(buffer) {
        if (this.#stopped || this.#failure)
            return;
        const whole = buffer.buffer;
        this.#post({ t: 'back', buffer: whole }, [whole]);
    }
    #post(message, transfer = []) {
        if (!this.#stopped)
            this.#worker.postMessage(message, transfer);
    }
    #onMessage(message) {
        switch (message.t) {
            case 'took':
                this.#inFlight--;
                this.#wake();
                return;
            case 'out':
                this.#outputs.push(Buffer.from(message.buffer, 0, message.length));
                this.#wake();
                return;
            case 'done':
                this.#done = true;
                this.#wake();
                return;
            case 'error':
                this.#fail(receivedError(message.error));
        }
    }
    #fail(error) {
        if (this.#failure || this.#done)
            return;
        this.#failure = error;
        this.#wake();
        void this.stop();
    }
    #wake() {
        const took = this.#tookWaiter;
        const out = this.#outWaiter;
        this.#tookWaiter = undefined;
        this.#outWaiter = undefined;
        took?.();
        out?.();
    }
}

/** Largest entry size believed: 1 PiB is more than any disk a runner has; beyond is hostile. */
const MAX_ENTRY_SIZE = 2 ** 50;
/** Keys GNU tar and the snapshot writer may add that do not change what is restored. */
const IGNORED_KEYS = new Set(['mtime', 'atime', 'ctime', 'uid', 'gid', 'uname', 'gname', 'comment']);
const NEWLINE = 0x0a;
const SPACE = 0x20;
const EQUALS = 0x3d;
const MAX_LENGTH_DIGITS = 12;
/**
 * Parses a pax extended header body strictly. node-tar's Pax.parse is not used: it silently skips
 * malformed records, cuts values at NUL and drops bad sizes, so another tar could read the same
 * bytes differently. Throws an Error whose message completes "entry X has ...".
 */
function parsePaxRecords(body) {
    const fields = {};
    const seen = new Set();
    let pos = 0;
    while (pos < body.length) {
        const space = body.indexOf(SPACE, pos);
        const digits = space < 0 ? '' : body.toString('latin1', pos, space);
        if (digits.length === 0 || digits.length > MAX_LENGTH_DIGITS || !/^[1-9][0-9]*$/.test(digits)) {
            throw new Error(`a malformed pax record at byte ${pos} of its pax header`);
        }
        const end = pos + Number(digits);
        if (end > body.length || end <= space + 1 || body[end - 1] !== NEWLINE) {
            throw new Error(`a malformed pax record at byte ${pos} of its pax header`);
        }
        const equals = body.indexOf(EQUALS, space + 1);
        if (equals < 0 || equals >= end - 1 || equals === space + 1) {
            throw new Error(`a malformed pax record at byte ${pos} of its pax header`);
        }
        const key = body.toString('utf8', space + 1, equals);
        const value = body.toString('utf8', equals + 1, end - 1);
        pos = end;
        if (seen.has(key))
            throw new Error(`pax key ${JSON.stringify(key)} twice`);
        seen.add(key);
        applyRecord(fields, key, value);
    }
    return fields;
}
function applyRecord(fields, key, value) {
    if (key === 'path')
        fields.path = value;
    else if (key === 'linkpath')
        fields.linkpath = value;
    else if (key === 'size')
        fields.size = parsePaxSize(value);
    else if (key.startsWith('GNU.sparse.'))
        throw new Error('GNU sparse pax keys (a sparse file)');
    else if (!IGNORED_KEYS.has(key)) {
        throw new Error(`pax key ${JSON.stringify(key)}, which a snapshot never writes`);
    }
}
function parsePaxSize(value) {
    const size = /^[0-9]{1,16}$/.test(value) ? Number(value) : NaN;
    if (!(size <= MAX_ENTRY_SIZE)) {
        throw new Error(`an absurd pax size ${JSON.stringify(value.slice(0, 40))}`);
    }
    return size;
}

const [NAME, NAME_LEN] = FIELD.name;
const [SIZE, SIZE_LEN] = FIELD.size;
const [TYPEFLAG] = FIELD.typeflag;
const [LINKNAME, LINKNAME_LEN] = FIELD.linkname;
const [MAGIC, MAGIC_LEN] = FIELD.magic;
const [PREFIX, PREFIX_LEN] = FIELD.prefix;
/** A NUL-terminated header string: bytes after the first NUL are ignored, as GNU tar does. */
function field(block, start, length) {
    const nul = block.indexOf(0, start);
    const end = nul < 0 || nul > start + length ? start + length : nul;
    return block.toString('utf8', start, end);
}
/** Strict octal or base-256 size: node-tar's parseInt accepts trailing garbage ("12x" is 10). */
function sizeField(block, off) {
    const first = block[off + SIZE];
    if (first === 0x80) {
        let value = 0;
        for (let i = off + SIZE + 1; i < off + SIZE + SIZE_LEN; i++)
            value = value * 256 + block[i];
        return value;
    }
    const text = block.toString('latin1', off + SIZE, off + SIZE + SIZE_LEN);
    const match = /^ *([0-7]{1,12})[ \0]*$/.exec(text);
    return match ? Number.parseInt(match[1], 8) : undefined;
}
/**
 * Decodes the header block at block[off..off+512]. node-tar's Header decodes the numbers and
 * the checksum; names are read here because Header's NUL trimming regex stops at a newline, so
 * it can keep bytes after a NUL that GNU tar ignores. Throws a one-line Error.
 */
function decodeHeader(block, off, at) {
    const prefix = block[off + PREFIX] === 0 ? '' : field(block, off + PREFIX, PREFIX_LEN);
    const base = field(block, off + NAME, NAME_LEN);
    const name = prefix === '' ? base : `${prefix}/${base}`;
    let header;
    try {
        header = new Header(block, off);
    }
    catch {
        throw new Error(`archive is corrupt: the header of entry ${showPath(name)} at byte ${at} is unreadable`);
    }
    if (!header.cksumValid) {
        throw new Error(`archive is corrupt: entry ${showPath(name)} at byte ${at} has a bad header checksum`);
    }
    if (block.compare(USTAR_MAGIC, 0, USTAR_MAGIC.length, off + MAGIC, off + MAGIC + MAGIC_LEN) !== 0) {
        throw new Error(`entry ${showPath(name)} at byte ${at} is not a POSIX ustar header`);
    }
    if (header.mode === undefined) {
        throw new Error(`entry ${showPath(name)} at byte ${at} has an unreadable mode`);
    }
    const mtime = header.mtime?.getTime();
    return {
        typeflag: String.fromCharCode(block[off + TYPEFLAG]),
        name,
        linkname: field(block, off + LINKNAME, LINKNAME_LEN),
        mode: header.mode,
        mtime: mtime === undefined || Number.isNaN(mtime) ? undefined : mtime / 1000,
        size: sizeField(block, off)
    };
}

/** A pax header only ever carries a path, a link target and a few numbers: 1 MiB is ample. */
const MAX_PAX_SIZE = 1024 * 1024;
const ZEROS = Buffer.alloc(64 * 1024);
/**
 * Zeros accepted after the end-of-archive marker: a writer pads its last record (GNU tar to
 * 10 KiB, 1 MiB at blocking factor 2048); past that, zstd's RLE blocks make 8 GiB of zeros from
 * 256 KiB, and reading them on would take minutes per MiB of snapshot for nothing.
 */
const TRAILING_ZEROS_MAX = 1 << 20;
const TYPES = { '0': 'file', '5': 'dir', '2': 'symlink' };
const KINDS = {
    '1': 'hard link',
    '3': 'character device',
    '4': 'block device',
    '6': 'fifo',
    '7': 'contiguous file',
    g: 'global pax header',
    L: 'GNU long name header',
    K: 'GNU long link name header',
    N: 'GNU old long name header',
    S: 'GNU sparse file',
    D: 'GNU dump folder',
    M: 'GNU multi-volume continuation',
    V: 'tape volume label',
    A: 'Solaris ACL',
    I: 'inode metadata record',
    X: 'Solaris extended header',
    '\0': 'pre-POSIX file entry'
};
const HEADER = 0;
const BODY = 1;
const PAX = 2;
const SKIP = 3;
const END = 4;
/** A NUL-terminated header field's bytes. */
function fieldBytes(block, start, length) {
    const nul = block.indexOf(0, start);
    return block.subarray(start, nul < 0 || nul > start + length ? start + length : nul);
}
/** Name, prefix and link name as bytes: a snapshot writes only UTF-8, and text would merge lookalikes. */
function headerIsUtf8(block, off) {
    return (isUtf8(fieldBytes(block, off + FIELD.name[0], FIELD.name[1])) &&
        isUtf8(fieldBytes(block, off + FIELD.prefix[0], FIELD.prefix[1])) &&
        isUtf8(fieldBytes(block, off + FIELD.linkname[0], FIELD.linkname[1])));
}
/** A real header always has checksum digits: test that byte before comparing all 512. */
function isZeroBlock(block, off) {
    return (block[off + FIELD.checksum[0]] === 0 && block.compare(ZEROS, 0, BLOCK, off, off + BLOCK) === 0);
}
/**
 * A strict, streaming reader of the snapshot tar format over 512-byte blocks. It copies only
 * headers that straddle input chunks and pax bodies; file data reaches the sink as views of the
 * input, so memory stays flat whatever the file sizes. Every problem is a one-line Error.
 */
class TarReader {
    sink;
    state = HEADER;
    carry = Buffer.alloc(BLOCK);
    carryLen = 0;
    offset = 0;
    left = 0;
    skip = 0;
    current;
    lastPath;
    zeroBlocks = 0;
    /** Where the end-of-archive marker ended (input offset). */
    endAt = 0;
    paxAt = -1;
    pax;
    paxError;
    paxBody = ZEROS;
    paxFill = 0;
    constructor(sink) {
        this.sink = sink;
    }
    /** Bytes of input consumed so far. */
    get bytesRead() {
        return this.offset;
    }
    push(chunk) {
        let pos = 0;
        while (pos < chunk.length) {
            const avail = chunk.length - pos;
            if (this.state === HEADER) {
                if (this.carryLen === 0 && avail >= BLOCK) {
                    pos += BLOCK;
                    this.offset += BLOCK;
                    this.onBlock(chunk, pos - BLOCK, this.offset - BLOCK);
                }
                else {
                    const n = Math.min(BLOCK - this.carryLen, avail);
                    chunk.copy(this.carry, this.carryLen, pos, pos + n);
                    this.carryLen += n;
                    pos += n;
                    this.offset += n;
                    if (this.carryLen === BLOCK) {
                        this.carryLen = 0;
                        this.onBlock(this.carry, 0, this.offset - BLOCK);
                    }
                }
            }
            else if (this.state === BODY) {
                const n = Math.min(this.left, avail);
                this.left -= n;
                this.offset += n;
                this.sink.data(chunk.subarray(pos, (pos += n)));
                if (this.left === 0)
                    this.endBody();
            }
            else if (this.state === PAX) {
                const n = Math.min(this.left, avail);
                chunk.copy(this.paxBody, this.paxFill, pos, pos + n);
                this.paxFill += n;
                this.left -= n;
                this.offset += n;
                pos += n;
                if (this.left === 0)
                    this.endPax();
            }
            else if (this.state === SKIP) {
                const n = Math.min(this.skip, avail);
                this.skip -= n;
                this.offset += n;
                pos += n;
                if (this.skip === 0)
                    this.state = HEADER;
            }
            else {
                this.checkTrailingZeros(chunk, pos);
                pos = chunk.length;
            }
        }
    }
    /** Call when the input ends: throws unless the end-of-archive marker was read. */
    finish() {
        if (this.state === END)
            return;
        const after = this.lastPath === undefined ? 'at its start' : `after entry ${showPath(this.lastPath)}`;
        if (this.state === BODY && this.current) {
            const { path, size } = this.current;
            throw new Error(`archive is truncated: the stream ends inside entry ${showPath(path)} (${size - this.left} of ${size} bytes)`);
        }
        if (this.state === PAX || this.pax || this.paxError !== undefined) {
            throw new Error(`archive is truncated: the stream ends inside a pax header ${after}`);
        }
        if (this.carryLen > 0) {
            throw new Error(`archive is truncated: the stream ends inside a header block ${after}`);
        }
        throw new Error(`archive is truncated: the stream ends ${after} without an end-of-archive marker`);
    }
    onBlock(block, off, at) {
        if (isZeroBlock(block, off)) {
            if (this.pax || this.paxError !== undefined) {
                throw new Error(`archive is corrupt: the pax header at byte ${this.paxAt} describes no entry`);
            }
            if (++this.zeroBlocks === 2) {
                this.state = END;
                this.endAt = at + BLOCK;
            }
            return;
        }
        const raw = decodeHeader(block, off, at);
        if (this.zeroBlocks > 0) {
            throw new Error(`archive is corrupt: a lone zero block comes before entry ${showPath(raw.name)} at byte ${at}`);
        }
        if (raw.typeflag === 'x') {
            this.startPax(raw, at);
            return;
        }
        const pax = this.pax;
        this.pax = undefined;
        const name = pax?.path ?? raw.name;
        if (this.paxError !== undefined) {
            throw new Error(`entry ${showPath(name)} has ${this.paxError}`);
        }
        if (!headerIsUtf8(block, off)) {
            throw new Error(`entry ${showPath(name)} at byte ${at} has a name or link target that is not UTF-8, which a snapshot never writes`);
        }
        const type = TYPES[raw.typeflag];
        if (!type)
            throw new Error(this.refusedType(raw, name));
        const path = checkEntryPath(name, type === 'dir');
        const size = pax?.size ?? raw.size;
        if (size === undefined) {
            throw new Error(`entry ${showPath(path)} at byte ${at} has an unreadable or negative size`);
        }
        if (size > MAX_ENTRY_SIZE) {
            throw new Error(`entry ${showPath(path)} declares an absurd size of ${size} bytes`);
        }
        if (type !== 'file' && size !== 0) {
            throw new Error(`entry ${showPath(path)} is a ${type === 'dir' ? 'folder' : 'symlink'} with ${size} bytes of data, which a snapshot never writes`);
        }
        const target = type === 'symlink' ? (pax?.linkpath ?? raw.linkname) : '';
        if (type === 'symlink')
            checkLinkTarget(path, target);
        const entry = { path, type, mode: raw.mode & 0o7777, size, mtime: raw.mtime, target };
        this.lastPath = path;
        this.sink.entry(entry);
        if (type !== 'file')
            return;
        if (size === 0) {
            this.sink.fileEnd();
            return;
        }
        this.current = entry;
        this.left = size;
        this.state = BODY;
    }
    refusedType(raw, name) {
        const kind = KINDS[raw.typeflag];
        const what = kind
            ? `a ${kind}${raw.typeflag === '1' ? ` (to ${showPath(raw.linkname)})` : ''}`
            : `of unknown type ${JSON.stringify(raw.typeflag)}`;
        return `entry ${showPath(name)} is ${what}, which a snapshot never contains`;
    }
    startPax(raw, at) {
        if (this.pax || this.paxError !== undefined) {
            throw new Error(`archive is corrupt: two pax headers in a row at bytes ${this.paxAt} and ${at}`);
        }
        const size = raw.size;
        if (size === undefined || size > MAX_PAX_SIZE) {
            throw new Error(`archive is corrupt: the pax header at byte ${at} declares ${size ?? 'an unreadable'} bytes, more than any snapshot entry needs`);
        }
        this.paxAt = at;
        this.paxBody = Buffer.allocUnsafe(size);
        this.paxFill = 0;
        this.left = size;
        if (size === 0)
            this.endPax();
        else
            this.state = PAX;
    }
    endPax() {
        if (!isUtf8(this.paxBody)) {
            this.paxError =
                'a pax header that is not UTF-8 (a binary name), which a snapshot never writes';
            this.paxBody = ZEROS;
            this.toPadding(this.paxFill);
            return;
        }
        try {
            this.pax = parsePaxRecords(this.paxBody);
        }
        catch (error) {
            this.paxError = error.message;
        }
        this.paxBody = ZEROS;
        this.toPadding(this.paxFill);
    }
    endBody() {
        const size = this.current.size;
        this.current = undefined;
        this.sink.fileEnd();
        this.toPadding(size);
    }
    toPadding(size) {
        this.skip = paddingFor(size);
        this.state = this.skip > 0 ? SKIP : HEADER;
    }
    checkTrailingZeros(chunk, pos) {
        for (let start = pos; start < chunk.length; start += ZEROS.length) {
            const end = Math.min(start + ZEROS.length, chunk.length);
            if (chunk.compare(ZEROS, 0, end - start, start, end) !== 0) {
                throw new Error(`archive is corrupt: data follows the end-of-archive marker (at byte ${this.offset + start - pos})`);
            }
        }
        this.offset += chunk.length - pos;
        if (this.offset - this.endAt > TRAILING_ZEROS_MAX) {
            throw new Error(`archive is corrupt: more than ${TRAILING_ZEROS_MAX} bytes of zeros follow the end-of-archive marker (a compression bomb, or not an archive this tool wrote)`);
        }
    }
}

/** Linux gives up (ELOOP) after 40 links in one lookup; a loop that long cannot escape. */
const MAX_HOPS = 40;
/** Lookup steps for all links together: real trees need a few per link; beyond is hostile. */
const MAX_STEPS = 20_000_000;
const newNode = (parent) => ({
    parent,
    children: new Map(),
    target: undefined,
    path: ''
});
function buildTrie(links) {
    const root = newNode(undefined);
    const linkNodes = [];
    for (const [path, target] of links) {
        let node = root;
        for (const part of path.split('/')) {
            let child = node.children.get(part);
            if (!child)
                node.children.set(part, (child = newNode(node)));
            node = child;
        }
        node.target = target;
        node.path = path;
        linkNodes.push(node);
    }
    return linkNodes;
}
/**
 * Each symlink target was checked lexically on its own, but a chain can still climb out: with
 * `s -> .`, the target `s/..` is lexically `.` yet the kernel resolves it to the restore folder's
 * parent. So resolve every target through the archive's own links, treating every other name as
 * a folder (even missing ones, which may be created later), and report the first that escapes.
 */
function findLinkEscape(links, maxSteps = MAX_STEPS) {
    const budget = { steps: maxSteps };
    for (const node of buildTrie(links)) {
        const via = escapeVia(node, budget);
        if (via !== undefined)
            return { link: node.path, via, tooTangled: budget.steps < 0 };
    }
    return undefined;
}
function escapeVia(link, budget) {
    let node = link.parent;
    let missing = 0;
    let hops = 0;
    let via = link.path;
    const pending = link.target.split('/').reverse();
    while (pending.length > 0) {
        if (--budget.steps < 0)
            return '';
        const part = pending.pop();
        if (part === '' || part === '.')
            continue;
        if (part === '..') {
            if (missing > 0)
                missing--;
            else if (!node.parent)
                return via;
            else
                node = node.parent;
            continue;
        }
        const child = missing > 0 ? undefined : node.children.get(part);
        if (!child) {
            // below a name that is no link's ancestor, no link can intervene: count depth only
            missing++;
            continue;
        }
        if (child.target === undefined) {
            node = child;
            continue;
        }
        if (++hops > MAX_HOPS)
            return undefined;
        via = child.path;
        // absolute targets were refused when the link was read, so every target is relative
        for (const piece of child.target.split('/').reverse())
            pending.push(piece);
    }
    return undefined;
}

const seeds = randomBytes(8);
const SEED_A = seeds.readUInt32LE(0);
const SEED_B = seeds.readUInt32LE(4);
/** Two 32-bit multiplicative hashes of the UTF-16 code units, seeded per process: 64 bits. */
function hashes(name) {
    let a = SEED_A ^ name.length;
    let b = SEED_B ^ Math.imul(name.length, 0x9e3779b1);
    for (let i = 0; i < name.length; i++) {
        const c = name.charCodeAt(i);
        a = Math.imul(a ^ c, 0x01000193);
        b = Math.imul(b ^ c, 0x5bd1e995);
        b ^= b >>> 15;
    }
    a ^= a >>> 16;
    a = Math.imul(a, 0x85ebca6b);
    a ^= a >>> 13;
    b ^= b >>> 13;
    b = Math.imul(b, 0xc2b2ae35);
    b ^= b >>> 16;
    const hi = a >>> 0;
    const lo = b >>> 0;
    // 0/0 marks an empty slot
    return hi === 0 && lo === 0 ? [0, 1] : [hi, lo];
}
/**
 * The names of the files a restore wrote, as 64-bit hashes in an open-addressed table: 16 to 32
 * bytes each (the table at most half full) where a Map of 1,000,000 path strings took ~130 MiB.
 * `has` can say yes for a name never added (two names, one hash: about 3 in 10^8 for a restore
 * of 1,000,000 files, seeds chosen per run), so a yes only ever refuses, never admits: a false
 * yes fails a restore; it never lets an entry through a link.
 */
class NameSet {
    #hi = new Uint32Array(1024);
    #lo = new Uint32Array(1024);
    #count = 0;
    get size() {
        return this.#count;
    }
    /** Bytes the table takes: 16 to 32 per name, nothing for a name's length. */
    get tableBytes() {
        return this.#hi.byteLength + this.#lo.byteLength;
    }
    add(name) {
        const [hi, lo] = hashes(name);
        if (this.#find(hi, lo) >= 0)
            return;
        if ((this.#count + 1) * 2 > this.#hi.length)
            this.#grow();
        this.#put(hi, lo);
        this.#count++;
    }
    has(name) {
        const [hi, lo] = hashes(name);
        return this.#find(hi, lo) >= 0;
    }
    #find(hi, lo) {
        const mask = this.#hi.length - 1;
        for (let at = (hi ^ lo) & mask;; at = (at + 1) & mask) {
            const h = this.#hi[at];
            const l = this.#lo[at];
            if (h === 0 && l === 0)
                return -1;
            if (h === hi && l === lo)
                return at;
        }
    }
    #put(hi, lo) {
        const mask = this.#hi.length - 1;
        let at = (hi ^ lo) & mask;
        while (this.#hi[at] !== 0 || this.#lo[at] !== 0)
            at = (at + 1) & mask;
        this.#hi[at] = hi;
        this.#lo[at] = lo;
    }
    #grow() {
        const [hi, lo] = [this.#hi, this.#lo];
        this.#hi = new Uint32Array(hi.length * 2);
        this.#lo = new Uint32Array(lo.length * 2);
        for (let i = 0; i < hi.length; i++)
            if (hi[i] !== 0 || lo[i] !== 0)
                this.#put(hi[i], lo[i]);
    }
}

/** A real index is ~150 bytes per entry; on a mismatch both are read into memory to be described. */
const MAX_INDEX_SIZE = 512 * 1024 * 1024;
const RESERVED = INDEX_PATH.slice(0, INDEX_PATH.indexOf('/'));
const EMPTY_SHA256 = hash('sha256', '', 'hex');
/**
 * Writes admitted entries under the writers' root without ever following a link: it trusts only
 * its own map of what it created (parents must be folders it made), creates with
 * O_EXCL|O_NOFOLLOW and non-recursive mkdir, and hashes file data as it hands it over. The
 * folders, links and files are made at once, in archive order; folder modes wait for finish(),
 * and the tree is complete once the writers have settled.
 */
class TreeWriter {
    writers;
    limits;
    /** Folders and links by name: few, and what a path must never pass through unseen. */
    kinds = new Map();
    /** Files, by hash: the many; a name in it is refused as a parent and as a second entry. */
    fileNames = new NameSet();
    folders = [];
    implied = new Map();
    links = new Map();
    /** The index of what was written, on disk as it grows. */
    observed = new SpillFile();
    file;
    /** The archive's own index, compared with `observed` piece by piece as it arrives. */
    index;
    indexMatches = true;
    indexDone = false;
    entries = 0;
    files = 0;
    bytes = 0;
    /** File data handed to the writers so far, checked against the limits before each piece. */
    written = 0;
    started = 0;
    /** Disk the entries take: whole blocks per file's data, one block per entry. */
    used = 0;
    constructor(writers, limits = {}) {
        this.writers = writers;
        this.limits = limits;
    }
    entry(entry) {
        const { path } = entry;
        if (this.indexDone) {
            throw new Error(`entry ${showPath(path)} comes after the index ${INDEX_PATH}, which must be the last entry`);
        }
        if (path === INDEX_PATH)
            return this.startIndex(entry);
        if (path === RESERVED || path.startsWith(`${RESERVED}/`)) {
            throw new Error(`entry ${showPath(path)} is inside ${RESERVED}/, which only the index may use`);
        }
        const existing = this.kindOf(path);
        if (existing === 'implied' && entry.type === 'dir')
            return this.declareImplied(entry);
        if (existing === 'implied') {
            throw new Error(`entry ${showPath(path)} is a ${entry.type}, but earlier entries put files inside it`);
        }
        if (existing)
            throw new Error(`entry ${showPath(path)} appears twice in the archive`);
        this.checkRoom(path, 0, 1);
        if (entry.type === 'file')
            this.checkFiles(entry);
        this.ensureParent(path);
        if (entry.type === 'dir') {
            this.writers.mkdir(path);
            this.kinds.set(path, 'dir');
            this.folders.push({ path, mode: entry.mode, mtime: entry.mtime });
            this.addLine(indexLine({ path, type: 'dir', mode: entry.mode }));
        }
        else if (entry.type === 'symlink') {
            this.writers.symlink(path, entry.target);
            this.kinds.set(path, 'symlink');
            this.links.set(path, entry.target);
            // Linux ignores a symlink's mode and lstat always reports 0o777
            this.addLine(indexLine({ path, type: 'symlink', mode: 0o777, target: entry.target }));
        }
        else {
            this.writers.open(path);
            this.fileNames.add(path);
            this.file = { entry, written: 0, hash: undefined, sha256: undefined };
        }
    }
    data(piece) {
        if (this.index) {
            // piece by piece, so a hostile declared size costs nothing until bytes arrive
            this.indexMatches &&= this.observed.equalsAt(this.index.size, piece);
            this.index.append(piece);
            return;
        }
        const file = this.file;
        // before the piece is written: a piece past the claim never reaches the disk
        const max = this.limits.maxBytes;
        if (max !== undefined && this.written + piece.length > max) {
            throw new Error(this.pastBytes(file.entry.path, this.written + piece.length - max));
        }
        this.checkRoom(file.entry.path, file.written + piece.length, 0);
        this.written += piece.length;
        if (file.written === 0 && piece.length === file.entry.size) {
            // the whole file arrived in one piece: a one-shot digest skips the Hash object
            file.sha256 = hash('sha256', piece, 'hex');
        }
        else {
            file.hash ??= createHash('sha256');
            file.hash.update(piece);
        }
        this.writers.write(piece);
        file.written += piece.length;
    }
    fileEnd() {
        if (this.index) {
            this.indexDone = true;
            return;
        }
        const { entry, hash: running, sha256 } = this.file;
        this.file = undefined;
        if (this.limits.room) {
            this.used += Math.ceil(entry.size / this.limits.room.block) * this.limits.room.block;
        }
        this.writers.finishFile(entry.mode, entry.mtime);
        const digest = sha256 ?? running?.digest('hex') ?? EMPTY_SHA256;
        this.addLine(indexLine({
            path: entry.path,
            type: 'file',
            mode: entry.mode,
            size: entry.size,
            sha256: digest
        }));
        this.files++;
        this.bytes += entry.size;
    }
    /** After the last entry: the index must have been read, no link chain may climb out, and
     * folder modes and times are queued children first (reverse creation order), so a read-only
     * folder never blocks its own contents. The caller then settles the writers. */
    finish() {
        if (!this.indexDone || !this.index) {
            throw new Error(`archive has no index entry ${INDEX_PATH}: it is incomplete or not a cutover-gate snapshot`);
        }
        const escape = findLinkEscape(this.links);
        if (escape?.tooTangled) {
            throw new Error(`symlink ${showPath(escape.link)} is one of too many chained links to check (over ${MAX_STEPS} lookup steps)`);
        }
        if (escape) {
            throw new Error(`symlink ${showPath(escape.link)} points outside the snapshot through symlink ${showPath(escape.via)}`);
        }
        for (let i = this.folders.length - 1; i >= 0; i--) {
            const { path, mode, mtime } = this.folders[i];
            this.writers.chmod(path, mode, mtime);
        }
        return {
            observedIndex: this.observed,
            archivedIndex: this.index,
            indexesMatch: this.indexMatches && this.index.size === this.observed.size
        };
    }
    /** Deletes both indexes' spill files (after a failure: finish() hands them over instead). */
    discard() {
        this.observed.remove();
        this.index?.remove();
    }
    /** A file past content.files stops at its header, before it is created. */
    checkFiles(entry) {
        const { maxFiles } = this.limits;
        if (maxFiles !== undefined && this.started + 1 > maxFiles) {
            throw new Error(`the archive holds more files than the manifest's content.files of ${maxFiles}: entry ${showPath(entry.path)} is file ${this.started + 1}; stopped before writing it (a manifest that does not describe this snapshot)`);
        }
        this.started++;
    }
    pastBytes(path, over) {
        return `the archive holds more file data than the manifest's ${this.limits.maxBytes} bytes (content.bytes): entry ${showPath(path)} goes ${over} bytes past it; stopped before writing those bytes (a compression bomb, or a manifest that does not describe this snapshot)`;
    }
    /**
     * Stops before the destination would fill, per piece: `used` holds one block per entry and the
     * whole blocks of finished files; the open file's `fileBytes` are rounded up on top.
     */
    checkRoom(path, fileBytes, entries) {
        const room = this.limits.room;
        if (!room)
            return;
        const need = (Math.ceil(fileBytes / room.block) + entries) * room.block;
        if (this.used + need > room.bytes) {
            throw new Error(`the restore folder has ${room.free} bytes free (${room.bytes} usable after a margin) and entry ${showPath(path)} would take the restore ${this.used + need - room.bytes} bytes past that; stopped before writing it: free space there (or point RUNNER_TEMP / TMPDIR elsewhere) and rerun`);
        }
        if (entries > 0)
            this.used += need;
    }
    kindOf(path) {
        return this.kinds.get(path) ?? (this.fileNames.has(path) ? 'file' : undefined);
    }
    addLine(line) {
        this.observed.append(`${line}\n`);
        this.entries++;
    }
    startIndex(entry) {
        if (entry.type !== 'file') {
            throw new Error(`entry ${showPath(entry.path)} is a ${entry.type}, but the index must be a regular file`);
        }
        if (entry.size > MAX_INDEX_SIZE) {
            throw new Error(`entry ${showPath(entry.path)} declares ${entry.size} bytes, more than the ${MAX_INDEX_SIZE}-byte limit for an index`);
        }
        this.index = new SpillFile();
    }
    /** A folder first created as an implied parent, then listed itself: give it its own mode. */
    declareImplied(entry) {
        const folder = this.implied.get(entry.path);
        this.implied.delete(entry.path);
        folder.mode = entry.mode;
        folder.mtime = entry.mtime;
        this.kinds.set(entry.path, 'dir');
        this.addLine(indexLine({ path: entry.path, type: 'dir', mode: entry.mode }));
    }
    /** The parent must be a folder this writer made; missing ancestors become 0o755 folders. */
    ensureParent(path) {
        const missing = [];
        let parent = path;
        for (;;) {
            const slash = parent.lastIndexOf('/');
            if (slash < 0)
                break;
            parent = parent.slice(0, slash);
            const kind = this.kindOf(parent);
            if (kind === 'dir' || kind === 'implied')
                break;
            if (kind) {
                throw new Error(`entry ${showPath(path)} escapes through a link: ${showPath(parent)} is a ${kind} in this archive`);
            }
            missing.push(parent);
        }
        for (let i = missing.length - 1; i >= 0; i--) {
            const folder = missing[i];
            this.writers.mkdir(folder, path);
            const record = { path: folder, mode: 0o755, mtime: undefined };
            this.kinds.set(folder, 'implied');
            this.implied.set(folder, record);
            this.folders.push(record);
        }
    }
}

/** Never through an existing name, link or not: the restore folder holds only what we made. */
const OPEN_FLAGS = fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW;
/**
 * The restore's file-system writes, made at once with synchronous calls on this thread, in
 * archive order. Folder modes and times wait for settle(), after every file is written (a
 * read-only folder would refuse its own contents). Every failure names the entry; after one, or
 * after stop(), every call is refused.
 */
class PlainWriters {
    root;
    #fd = -1;
    #entry = '';
    #failure;
    #stopped = false;
    #folderModes = [];
    constructor(root) {
        this.root = root;
    }
    /** A folder; `forEntry` names the entry it is a missing parent of, when it is one. */
    mkdir(rel, forEntry) {
        const what = forEntry === undefined ? 'create folder' : 'create parent folder of';
        this.#do(what, forEntry ?? rel, () => fs.mkdirSync(this.#full(rel), 0o700));
    }
    symlink(rel, target) {
        this.#do('create symlink', rel, () => fs.symlinkSync(target, this.#full(rel)));
    }
    open(rel) {
        this.#do('create file', rel, () => {
            this.#fd = fs.openSync(this.#full(rel), OPEN_FLAGS, 0o600);
            this.#entry = rel;
        });
    }
    write(piece) {
        this.#do('write', this.#entry, () => {
            for (let done = 0; done < piece.length;)
                done += fs.writeSync(this.#fd, piece, done, piece.length - done);
        });
    }
    finishFile(mode, mtime) {
        const fd = this.#fd;
        this.#fd = -1;
        this.#do('finish', this.#entry, () => {
            try {
                fs.fchmodSync(fd, mode);
                if (mtime !== undefined)
                    fs.futimesSync(fd, mtime, mtime);
            }
            finally {
                fs.closeSync(fd);
            }
        });
    }
    /** A folder's mode and time, set by settle(). */
    chmod(rel, mode, mtime) {
        this.#refuseIfDone();
        this.#folderModes.push({ path: rel, mode, mtime });
    }
    /** Nothing is queued: only a failure or a stop is heard here. */
    backpressure() {
        return this.#settled(() => { });
    }
    /** Sets the folders' modes and times in the order given: the tree is then as described. */
    settle() {
        return this.#settled(() => {
            for (const { path, mode, mtime } of this.#folderModes.splice(0)) {
                this.#do('set mode of', path, () => {
                    fs.chmodSync(this.#full(path), mode);
                    if (mtime !== undefined)
                        fs.utimesSync(this.#full(path), mtime, mtime);
                });
            }
        });
    }
    /** `run` after a check that nothing failed or stopped; a throw becomes the rejection. */
    #settled(run) {
        try {
            this.#refuseIfDone();
            run();
            return Promise.resolve();
        }
        catch (error) {
            return Promise.reject(error);
        }
    }
    /** Closes an open file; nothing is written after. Safe to call twice. */
    stop() {
        this.#stopped = true;
        this.#close();
        return Promise.resolve();
    }
    #full(rel) {
        return `${this.root}/${rel}`;
    }
    #refuseIfDone() {
        if (this.#failure)
            throw this.#failure;
        if (this.#stopped)
            throw new Error('the restore writers were stopped: nothing more is written');
    }
    #do(action, entry, run) {
        this.#refuseIfDone();
        try {
            run();
        }
        catch (error) {
            const code = String(error.code ?? error.message);
            this.#failure = new Error(`cannot ${action} entry ${showPath(entry)}: ${code}`);
            this.#close();
            throw this.#failure;
        }
    }
    #close() {
        if (this.#fd < 0)
            return;
        try {
            fs.closeSync(this.#fd);
        }
        catch {
            // closing is all that is left to do with it; the caller discards the folder anyway
        }
        this.#fd = -1;
    }
}

/** The writer trusts only what it created, so dest must start as a real, empty folder. */
function checkDest(dest) {
    let stat;
    try {
        stat = fs.lstatSync(dest);
    }
    catch (error) {
        throw new Error(`restore folder ${dest} is not usable: ${error.code}`);
    }
    if (!stat.isDirectory())
        throw new Error(`restore folder ${dest} is not a folder`);
    if (fs.readdirSync(dest).length > 0)
        throw new Error(`restore folder ${dest} is not empty`);
}
/** Free space at the start, less a margin (1/32 of it, at most 64 MiB) for what others write. */
function roomIn(root) {
    const stats = fs.statfsSync(root);
    const free = stats.bavail * stats.bsize;
    const margin = Math.min(64 * 1024 * 1024, Math.floor(free / 32));
    return { bytes: free - margin, free, block: stats.bsize };
}
function asBuffer(chunk) {
    if (Buffer.isBuffer(chunk))
        return chunk;
    if (chunk instanceof Uint8Array)
        return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    throw new Error('the snapshot tar stream must yield bytes, not text');
}
/**
 * Extracts a decrypted, decompressed snapshot tar into dest, checking every entry and hashing
 * file data as it is written. dest must be an existing, empty folder the caller created fresh.
 * Rejects with an Error whose message is one line naming the entry and the problem; dest is then
 * tainted (partly written, folders still 0o700) and the caller removes it. Either way, nothing
 * writes into dest any more once this has settled.
 */
async function extractSnapshotTar(source, dest, options = {}) {
    const root = path.resolve(dest);
    const writers = new PlainWriters(root);
    try {
        checkDest(root);
        const writer = new TreeWriter(writers, {
            maxBytes: options.maxBytes,
            maxFiles: options.maxFiles,
            room: roomIn(root)
        });
        const reader = new TarReader(writer);
        const report = () => options.onProgress?.({ entries: writer.entries, bytes: writer.bytes });
        try {
            for await (const chunk of source) {
                reader.push(asBuffer(chunk));
                report();
                await writers.backpressure();
            }
            reader.finish();
            const indexes = writer.finish();
            await writers.settle();
            report();
            return { ...indexes, entries: writer.entries, files: writer.files, bytes: writer.bytes };
        }
        catch (error) {
            writer.discard();
            throw error;
        }
    }
    finally {
        await writers.stop();
    }
}

const READ_SIZE = 1 << 20;
/**
 * The archive's index against what was written (read into memory only when they differ, to name
 * the differences), against content.digest and the includes, and the counts against the manifest.
 */
function checkIndexes(result, manifest) {
    const problems = result.indexesMatch
        ? []
        : compareIndexes(result.archivedIndex.bytes(), result.observedIndex.bytes());
    if (problems.length > 0) {
        throw new NoGoError(`restored tree differs from the archive's index: ${problems.join('; ')}`);
    }
    const digest = result.archivedIndex.digest();
    if (digest !== manifest.content.digest) {
        throw new NoGoError(`archive index digest ${digest} differs from the manifest's content.digest ${manifest.content.digest}: the manifest does not describe this snapshot`);
    }
    const roots = includeRootsProblem(result.archivedIndex.lines(), manifest.includes);
    if (roots)
        throw new NoGoError(roots);
    if (result.files !== manifest.content.files || result.bytes !== manifest.content.bytes) {
        throw new NoGoError(`snapshot holds ${result.files} files / ${result.bytes} bytes but the manifest says ${manifest.content.files} / ${manifest.content.bytes}`);
    }
}
/** A restore that would fill the disk is refused up front, with the numbers. */
function checkFreeSpace(dest, need) {
    const stats = fs.statfsSync(dest);
    const free = stats.bavail * stats.bsize;
    if (free < need) {
        throw new NoGoError(`${dest} has ${free} bytes free but the snapshot holds ${need}: free space there (or point RUNNER_TEMP / TMPDIR elsewhere) and rerun`);
    }
}
function explain(snapshotPath, error) {
    if (error instanceof NoGoError)
        return error;
    // the decoding thread's own fault (a broken install, a bug): the snapshot is not to blame
    if (error instanceof WorkerFault)
        return new NoGoError(errorText(error));
    if (error instanceof AgeError)
        return new NoGoError(`snapshot ${snapshotPath}: ${error.message}`);
    const code = String(error.code ?? '');
    if (code.startsWith('Z_') || code.startsWith('ERR_ZSTD') || code.startsWith('ZSTD')) {
        return new NoGoError(`snapshot ${snapshotPath} does not decompress (${code}): the archive inside the encryption is corrupt`);
    }
    return new NoGoError(`snapshot ${snapshotPath}: ${errorText(error)}`);
}
/**
 * Runbook step 3's checks, shared by restore-test and restore: ciphertext against the manifest,
 * then decrypt \u2192 decompress \u2192 extract into dest (a fresh folder the caller owns), then every entry
 * against the archive's index and the index against content.digest. With `expected`, the manifest
 * file is not read: another run may have replaced it since this run wrote it.
 */
async function verifyIntoFolder(manifestPath, keys, dest, logger, expected) {
    const manifest = expected?.manifest ?? readManifest(manifestPath);
    // its include roots are not private: messages about its entries name them
    addIncludeRoots(manifest.includes);
    const snapshotPath = expected?.snapshotPath ?? snapshotPathOf(manifestPath, manifest);
    // the manifest says which secret opens the snapshot: a missing one is said before any work
    const key = decryptionKeyFor(keys, manifest.encryption, snapshotPath);
    const result = await decryptInto({
        manifest,
        snapshotPath,
        key,
        dest,
        logger,
        open: expected?.open
    });
    try {
        checkIndexes(result, manifest);
    }
    finally {
        result.archivedIndex.remove();
        result.observedIndex.remove();
    }
    return {
        manifest,
        extracted: { entries: result.entries, files: result.files, bytes: result.bytes },
        evidence: evidenceOf(manifest, { snapshotPath, manifestPath })
    };
}
/** Ciphertext against the manifest, then decrypt \u2192 decompress \u2192 extract into dest. */
async function decryptInto(job) {
    const source = job.open
        ? await job.open()
        : fileSource(await openCiphertext(job.snapshotPath, job.manifest));
    try {
        return await decryptFrom(source, job);
    }
    finally {
        await source.close();
    }
}
/**
 * Decrypt from the one descriptor, hashing what is read; then the hash against the manifest (also
 * after a failure, whose cause it then names when the file differs) and proof that nobody wrote
 * to the file meanwhile. dest is the caller's fresh folder, discarded on NO-GO.
 */
async function decryptFrom(ct, { manifest, snapshotPath, key, dest, logger }) {
    if (manifest.encryption.recipient === 'scrypt' && key.kind === 'passphrase')
        logger.info(keyDerivationLine(manifest.encryption.workFactor));
    checkFreeSpace(dest, manifest.content.bytes);
    // the manifest totals the bytes (and files, not the entries counted here)
    const progress = new ProgressReporter(logger, 'restore', 'entries', {
        bytes: manifest.content.bytes
    });
    let extracted;
    const ciphertext = new HashedCiphertext(ct);
    try {
        // read buffers go round: read into, hashed, sent to the decoding thread, given back
        const reads = new BufferPool(READ_SIZE, 8);
        // the payload is decrypted and decompressed on a thread of its own while this one hashes
        // the ciphertext and parses, writes and hashes the tar (src/decode-thread/)
        // the decrypt stage is made before the thread: nothing between the thread's start and the
        // wait below may throw and leave it running
        const decrypt = createDecryptStream(key, {
            // a header asking for more scrypt than the manifest recorded is refused before scrypt
            // runs: the file is damaged or not this snapshot, and 2^20 would cost 1 GiB and seconds
            maxWorkFactor: manifest.encryption.recipient === 'scrypt'
                ? manifest.encryption.workFactor
                : DEFAULT_MAX_WORK_FACTOR,
            releaseInput: (chunk) => reads.release(chunk),
            payloadStage: (payloadKey) => decode.payload(payloadKey)
        });
        const decode = new DecodeThread(manifest.compression);
        let first;
        const failed = (error) => {
            first ??= error;
            decode.abort(error instanceof Error ? error : new Error(String(error)));
            throw error;
        };
        const feeding = pipeline(Readable.from(ciphertext.chunks(reads), {
            objectMode: false,
            highWaterMark: 2 * READ_SIZE
        }), decrypt, 
        // the payload's plaintext leaves by the thread, never by this stream
        async (source) => {
            for await (const _ of source)
                throw new Error('the decrypt stream emitted plaintext');
        }).catch(failed);
        const extracting = extractSnapshotTar(decode.output(), dest, {
            onProgress: (p) => progress.update(p.entries, p.bytes),
            maxBytes: manifest.content.bytes,
            maxFiles: manifest.content.files
        }).catch(failed);
        const [fed, written] = await Promise.allSettled([feeding, extracting]);
        await decode.stop();
        if (fed.status === 'rejected' || written.status === 'rejected') {
            if (written.status === 'fulfilled') {
                written.value.archivedIndex.remove();
                written.value.observedIndex.remove();
            }
            throw first;
        }
        extracted = written.value;
    }
    catch (error) {
        // a file that differs from the manifest is named as such; a read failing here changes nothing
        await ciphertext.check(manifest).catch((e) => {
            if (e instanceof NoGoError)
                throw e;
        });
        throw explain(snapshotPath, error);
    }
    try {
        await ciphertext.check(manifest);
        logger.info(`ciphertext ${manifest.snapshot.size} bytes, sha256 ${manifest.snapshot.sha256}: matches the manifest`);
        await ct.assertUnchanged();
    }
    catch (error) {
        extracted?.archivedIndex.remove();
        extracted?.observedIndex.remove();
        throw error;
    }
    return extracted;
}

/**
 * Runbook step 3: restore into a fresh folder under the runner's temp (never into the repo),
 * verify everything, and remove the folder whatever the outcome. In a lane after snapshot-create,
 * `expected` is what that step wrote, and exactly that is verified (not the manifest file's word).
 */
async function restoreTest(manifestPath, keys, tempDir, logger, expected) {
    fs.mkdirSync(tempDir, { recursive: true });
    cleanupLeftoverRestoreTests(tempDir);
    // the snapshot is claimed before it is opened and until it is read: no prune deletes it meanwhile
    const claimed = await claimedExpectation(manifestPath, expected);
    try {
        const dest = makeMarkedFolder(tempDir, RESTORE_TEST_PREFIX);
        try {
            return await verifyIntoFolder(manifestPath, keys, dest, logger, claimed.expected);
        }
        finally {
            releaseFolder(dest);
        }
    }
    finally {
        claimed.release();
    }
}
/**
 * Reads the manifest once (unless the lane passed what it wrote), claims the snapshot it names,
 * and returns both, so the file verified is the one claimed. The caller releases the claim.
 */
async function claimedExpectation(manifestPath, expected) {
    // a stored object is read from the store, where no local claim can hold it
    if (expected?.open)
        return { expected, release: () => { } };
    const manifest = expected?.manifest ?? readManifest(manifestPath);
    const snapshotPath = expected?.snapshotPath ?? snapshotPathOf(manifestPath, manifest);
    const claim = await claimSnapshot(snapshotPath);
    return { expected: { manifest, snapshotPath }, release: () => claim.release() };
}
const RESTORE_TEST_PREFIX = 'cutover-gate-restore-test-';
/**
 * Restore-test folders of runs proven dead (cancelled, killed); a live concurrent run's folder is
 * kept (its marker names a live process).
 */
function cleanupLeftoverRestoreTests(tempDir) {
    return sweepDeadLeftovers(tempDir, RESTORE_TEST_PREFIX);
}

/** The staging folder sits INSIDE the target: same filesystem (a mount point too), and never beside it. */
const STAGING_PREFIX = '.cutover-gate-restore-';
/** Removes what killed restores left in (or, from older versions, beside) a target. */
function cleanupLeftoverStaging(target) {
    return [
        ...removeDeadTemps(target).map((name) => path.join(target, name)),
        ...sweepDeadLeftovers(target, STAGING_PREFIX),
        ...sweepDeadLeftovers(path.dirname(target), `.${path.basename(target)}${STAGING_PREFIX}`)
    ];
}
/**
 * The target as the operator made it, or a new private folder: returns whether this run created
 * it. A leftover of a dead restore inside it is removed first; anything else makes it non-empty.
 */
function prepareTarget(target) {
    let stat;
    try {
        stat = fs.lstatSync(target);
    }
    catch (error) {
        if (error.code !== 'ENOENT')
            throw error;
        fs.mkdirSync(path.dirname(target), { recursive: true });
        // decrypted private state: readable by its owner only, until the operator says otherwise
        fs.mkdirSync(target, 0o700);
        return true;
    }
    if (!stat.isDirectory()) {
        throw new NoGoError(`restore-target ${target} exists and is not a folder; name an empty or absent folder`);
    }
    cleanupLeftoverStaging(target);
    if (fs.readdirSync(target).length > 0) {
        throw new NoGoError(`restore-target ${target} is not empty; restore refuses to mix snapshots with existing files: name an empty or absent folder`);
    }
    return false;
}
/**
 * Moves the verified tree's top entries from staging up into the target. A journal naming them is
 * written first and removed last (the commit point): a kill in between is rolled back by the sweep
 * that removes the staging folder, a signal or an error by this run, so the target ends up either
 * empty or whole.
 */
function moveIntoTarget(staging, target) {
    const names = fs.readdirSync(staging);
    const journal = staging + MOVE_JOURNAL_SUFFIX;
    writeFileAtomic(journal, `${JSON.stringify(names)}\n`, 0o600);
    const moved = [];
    const rollBack = () => {
        for (const name of moved.reverse()) {
            fs.renameSync(path.join(target, name), path.join(staging, name));
        }
        moved.length = 0;
        fs.rmSync(journal, { force: true });
    };
    const forget = registerStopper(rollBack);
    try {
        for (const name of names) {
            fs.renameSync(path.join(staging, name), path.join(target, name));
            moved.push(name);
        }
        fsyncDir(target);
        fs.rmSync(journal);
        fsyncDir(target);
    }
    catch (error) {
        rollBack();
        throw error;
    }
    finally {
        forget();
    }
}
/**
 * Rollback decision point B: verify completely in a staging folder inside the target, then move
 * the tree's entries into it. The target itself is never replaced, renamed or removed: it keeps
 * its owner, group and mode, and a mount point stays mounted.
 */
async function restoreIntoTarget(manifestPath, keys, target, logger, 
/** The snapshot to restore when it is not the manifest file's (a store's, chosen by id). */
expected) {
    const created = prepareTarget(target);
    try {
        // a store's snapshot comes with its own expectation (and lock); a local one is claimed here
        const claimed = expected
            ? { expected, release: () => { } }
            : await claimedExpectation(manifestPath);
        try {
            const staging = makeMarkedFolder(target, STAGING_PREFIX);
            try {
                const verified = await verifyIntoFolder(manifestPath, keys, staging, logger, claimed.expected);
                moveIntoTarget(staging, target);
                return verified;
            }
            finally {
                releaseFolder(staging);
            }
        }
        finally {
            claimed.release();
        }
    }
    catch (error) {
        if (created) {
            try {
                fs.rmdirSync(target);
            }
            catch {
                // not empty or gone: what is in it is the operator's now
            }
        }
        throw error;
    }
}

export { payloadKey as A, BLOCK as B, COMPRESSIONS as C, BufferPool as D, MODE_MASK as E, FILE_KEY_SIZE as F, paddingFor as G, Header as H, INDEX_PATH as I, END_OF_ARCHIVE as J, indexLine as K, utcStamp as L, ManifestSchema as M, writeManifest as N, evidenceOf as O, PAYLOAD_NONCE_SIZE as P, snapshotFileName as Q, EXTENSIONS as R, encryptionKeyOf as S, keyDerivationLine as T, ProgressReporter as U, encryptionRecordOf as V, restoreTest as W, restoreIntoTarget as X, describeEncryptionShort as Y, cleanupLeftoverRestoreTests as a, removeStaleTemps as b, cleanupLeftoverPackages as c, cleanupLeftoverStaging as d, errorText as e, parseRecipients as f, parseIdentities as g, encodeX25519Recipient as h, identityToRecipient as i, encodeHybridRecipient as j, idOfSnapshotName as k, idOfManifestName as l, snapshotManifestName as m, lockSnapshotDir as n, claimedFiles as o, parseRecipient as p, restoreTombstone as q, removeDeadLock as r, sweepClaims as s, encryptionRecordJson as t, describeEncryptionRecord as u, createPackageDir as v, removePackageDir as w, encodeHeader as x, wrapFileKey as y, wrapScrypt as z };
