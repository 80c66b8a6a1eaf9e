import { createDecipheriv, createCipheriv } from 'node:crypto';

class AgeError extends Error {
    code;
    constructor(code, message) {
        super(message);
        this.name = 'AgeError';
        this.code = code;
    }
}
/** The header does not follow the age v1 grammar; `detail` names the broken rule. */
function badHeader(detail) {
    return new AgeError('BAD_HEADER', `not a valid age v1 file: ${detail}`);
}
function wrongPassphrase() {
    return new AgeError('WRONG_PASSPHRASE', 'wrong passphrase: it does not unlock this age file; check the passphrase and try again');
}
function unsupportedRecipient(types) {
    const list = types.map((t) => JSON.stringify(t)).join(', ');
    return new AgeError('UNSUPPORTED_RECIPIENT', `age file is not passphrase-encrypted (recipient ${list}): decrypt it with the matching age identity instead`);
}
function workFactorTooHigh(logN, max) {
    return new AgeError('WORK_FACTOR_TOO_HIGH', `age file asks for scrypt work factor ${logN}, above the allowed ${max}: refusing to run scrypt; raise the limit only for a file you trust`);
}
function headerMacMismatch() {
    return new AgeError('HEADER_MAC', 'age header failed authentication: the file was tampered with or corrupted; use an intact copy');
}
/**
 * A payload chunk did not authenticate. For the last chunk we cannot tell a cut-off file from a
 * modified one (its tag is simply wrong), so the message names both.
 */
function payloadAuth(chunk, where) {
    const message = where === 'middle'
        ? `age payload chunk ${chunk} failed authentication: the file was tampered with or corrupted`
        : where === 'last'
            ? `age payload chunk ${chunk}, the last, failed authentication: the file is truncated, tampered with or corrupted`
            : `age payload ends with an empty chunk ${chunk}, which age forbids: the file was tampered with or corrupted`;
    return new AgeError('PAYLOAD_AUTH', `${message}; use an intact copy`);
}
/** `where` completes "it ends ...". */
function truncated(where) {
    return new AgeError('TRUNCATED', `age file is truncated: it ends ${where}; use a complete copy`);
}
function trailingData() {
    return new AgeError('TRAILING_DATA', 'age file has trailing data after its final chunk: the file was tampered with or corrupted; use an intact copy');
}
/** None of the given identities opens any stanza: the snapshot was made for other recipients. */
function noIdentityMatch() {
    return new AgeError('NO_IDENTITY_MATCH', 'no identity matches this snapshot');
}
function passphraseFile() {
    return new AgeError('PASSPHRASE_FILE', 'age file is passphrase-encrypted (scrypt), not made for recipients: open it with its passphrase instead of an identity');
}
/** A recipient or identity that cannot be used; `what` names where it is, never its secret. */
function badKey(what) {
    return new AgeError('BAD_KEY', what);
}
/** How a NO-GO says the run holds no key of the kind a snapshot needs (src/format/snapshot-keys.ts). */
const NO_PASSPHRASE_GIVEN = 'and no passphrase was given';
const NO_IDENTITY_GIVEN = 'and no identity was given';
/**
 * Whether a reason says the key is missing or does not open the snapshot (a wrong passphrase,
 * an identity for other recipients, a passphrase for a recipient file or the reverse): then the
 * snapshot is not suspect, the key is. Matched on the messages above, their one source.
 */
function isKeyProblem(reason) {
    const recipientFile = unsupportedRecipient([]).message;
    const fragments = [
        wrongPassphrase().message,
        noIdentityMatch().message,
        passphraseFile().message,
        recipientFile.slice(0, recipientFile.indexOf('(')),
        NO_PASSPHRASE_GIVEN,
        NO_IDENTITY_GIVEN
    ];
    return fragments.some((fragment) => reason.includes(fragment));
}

// STREAM as age uses it (spec "Payload"): ChaCha20-Poly1305 over 64 KiB chunks, nonce =
// 11-byte big-endian chunk counter || 0x01 for the final chunk, 0x00 before it.
const CHUNK_SIZE = 64 * 1024;
const TAG_SIZE = 16;
/** One encrypted full chunk: ciphertext and tag. */
const FRAME_SIZE = CHUNK_SIZE + TAG_SIZE;
const NONCE_SIZE = 12;
/** The counter is written as 48 bits (room for 16 EiB); the top 5 counter bytes stay zero. */
const MAX_COUNTER = 2 ** 48 - 1;
/** A reusable 12-byte STREAM nonce; node:crypto copies it when a cipher is created. */
class ChunkNonce {
    bytes = Buffer.alloc(NONCE_SIZE);
    set(counter, last) {
        if (counter > MAX_COUNTER)
            throw new RangeError('age payload has too many chunks');
        this.bytes.writeUIntBE(counter, 5, 6);
        this.bytes[11] = last ? 1 : 0;
        return this.bytes;
    }
}
/** Encrypts one chunk; returns ciphertext and tag as separate buffers (no concatenation copy). */
function sealChunk(key, nonce, plaintext) {
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE });
    const ciphertext = cipher.update(plaintext);
    cipher.final();
    return [ciphertext, cipher.getAuthTag()];
}
/** Decrypts one frame (ciphertext || tag); undefined if it does not authenticate. */
function openChunk(key, nonce, frame) {
    const split = frame.length - TAG_SIZE;
    const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE });
    decipher.setAuthTag(frame.subarray(split));
    const plaintext = decipher.update(frame.subarray(0, split));
    try {
        decipher.final();
    }
    catch {
        return undefined;
    }
    return plaintext;
}

/**
 * STREAM decryption over arbitrarily sized input pieces. Holds back one frame (64 KiB + tag)
 * until more input or the end shows whether it is the final chunk. Emits only authenticated
 * plaintext; throws AgeError PAYLOAD_AUTH, TRUNCATED or TRAILING_DATA.
 */
class PayloadDecrypter {
    key;
    nonce = new ChunkNonce();
    counter = 0;
    /** Where frames split across input pieces are assembled; reused, the cipher copies out. */
    held = Buffer.allocUnsafe(FRAME_SIZE);
    heldLength = 0;
    finished = false;
    constructor(key) {
        this.key = key;
    }
    update(data, emit) {
        if (this.finished)
            throw new Error('age decryption already finished');
        const length = data.length;
        if (length === 0)
            return;
        let offset = 0;
        if (this.heldLength > 0) {
            offset = Math.min(FRAME_SIZE - this.heldLength, length);
            data.copy(this.held, this.heldLength, 0, offset);
            this.heldLength += offset;
            if (offset === length)
                return;
            // More input follows, so the held full frame must not be the final chunk.
            this.openMiddle(this.held, emit);
            this.heldLength = 0;
        }
        // Frames wholly inside this piece are decrypted in place, without copying.
        while (length - offset > FRAME_SIZE) {
            this.openMiddle(data.subarray(offset, offset + FRAME_SIZE), emit);
            offset += FRAME_SIZE;
        }
        this.heldLength = data.copy(this.held, 0, offset);
    }
    /** The input ended: the held frame must be a valid final chunk. */
    final(emit) {
        if (this.finished)
            throw new Error('age decryption already finished');
        this.finished = true;
        const length = this.heldLength;
        const chunk = this.counter;
        if (length === 0)
            throw truncated('right after the payload nonce, before its first chunk');
        if (length < TAG_SIZE)
            throw truncated(`inside chunk ${chunk}, before its authentication tag`);
        const frame = this.held.subarray(0, length);
        const plaintext = openChunk(this.key, this.nonce.set(chunk, true), frame);
        if (plaintext) {
            if (plaintext.length === 0 && chunk > 0) {
                throw payloadAuth(chunk, 'empty-final');
            }
            emit(plaintext);
            return;
        }
        if (length === FRAME_SIZE) {
            const middle = openChunk(this.key, this.nonce.set(chunk, false), frame);
            if (middle) {
                // An authentic non-final chunk at the very end: chunks after it were cut off.
                emit(middle);
                throw truncated(`after chunk ${chunk}, at a chunk boundary, with no final chunk`);
            }
        }
        throw payloadAuth(chunk, 'last');
    }
    openMiddle(frame, emit) {
        const chunk = this.counter;
        const plaintext = openChunk(this.key, this.nonce.set(chunk, false), frame);
        if (plaintext) {
            this.counter++;
            emit(plaintext);
            return;
        }
        const last = openChunk(this.key, this.nonce.set(chunk, true), frame);
        if (last) {
            // A genuine final chunk with more bytes after it.
            emit(last);
            throw trailingData();
        }
        throw payloadAuth(chunk, 'middle');
    }
}

function sendError(error) {
    const e = error instanceof Error ? error : new Error(String(error));
    const code = e.code;
    return {
        message: e.message,
        ...(typeof code === 'string' ? { code } : {}),
        ...(e instanceof AgeError ? { age: true } : {})
    };
}
function receivedError(sent) {
    if (sent.age)
        return new AgeError(sent.code, sent.message);
    const error = new Error(sent.message);
    return sent.code === undefined ? error : Object.assign(error, { code: sent.code });
}

export { AgeError as A, ChunkNonce as C, FRAME_SIZE as F, NO_PASSPHRASE_GIVEN as N, PayloadDecrypter as P, workFactorTooHigh as a, badHeader as b, badKey as c, NO_IDENTITY_GIVEN as d, CHUNK_SIZE as e, sealChunk as f, headerMacMismatch as h, isKeyProblem as i, noIdentityMatch as n, passphraseFile as p, receivedError as r, sendError as s, truncated as t, unsupportedRecipient as u, wrongPassphrase as w };
