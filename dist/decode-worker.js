import { once } from 'node:events';
import { workerData, parentPort } from 'node:worker_threads';
import { P as PayloadDecrypter, s as sendError } from './messages.js';
import { Transform, PassThrough } from 'node:stream';
import zlib__default from 'node:zlib';
import { finished } from 'node:stream/promises';
import 'node:crypto';

/** An error shaped like Node's own zstd errors (a `ZSTD_error_*` code), so callers map it alike. */
function zstdError(message, code) {
    return Object.assign(new Error(message), { code: `ZSTD_error_${code}` });
}

/** Marks the end of one zstd frame in the splitter's output. */
const FRAME_END = Symbol('zstd frame end');
const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
var State;
(function (State) {
    State[State["Magic"] = 0] = "Magic";
    State[State["Descriptor"] = 1] = "Descriptor";
    State[State["HeaderRest"] = 2] = "HeaderRest";
    State[State["BlockHeader"] = 3] = "BlockHeader";
    State[State["BlockBody"] = 4] = "BlockBody";
    State[State["Checksum"] = 5] = "Checksum";
    State[State["SkipSize"] = 6] = "SkipSize";
    State[State["SkipBody"] = 7] = "SkipBody";
})(State || (State = {}));
/**
 * Finds zstd frame boundaries (RFC 8878) from the frame and block headers alone, without
 * decompressing. Node's zstd decompressor stops silently after the first frame and does not
 * notice a truncated one, so the caller decodes frame by frame and asks `midFrame` at the end.
 * Skippable frames are dropped, as stock `zstd -d` does; anything else is an error.
 */
class ZstdFrameSplitter {
    #state = State.Magic;
    #field = Buffer.alloc(8);
    #fieldLength = 0;
    #need = 4;
    #lastBlock = false;
    #checksum = false;
    #frames = 0;
    /** Whole zstd frames seen so far. */
    get frames() {
        return this.#frames;
    }
    /** True when the input so far ends inside a frame (or a skippable frame): it is truncated. */
    get midFrame() {
        return this.#state !== State.Magic || this.#fieldLength > 0;
    }
    /** Splits one chunk into frame bytes (in order) and FRAME_END marks. */
    split(chunk) {
        const pieces = [];
        let at = 0;
        // Start of the frame bytes not yet handed out; -1 while outside a zstd frame.
        let run = this.#inZstdFrame() ? 0 : -1;
        while (at < chunk.length) {
            if (this.#collects()) {
                const fieldStart = at - this.#fieldLength;
                const n = Math.min(this.#need - this.#fieldLength, chunk.length - at);
                chunk.copy(this.#field, this.#fieldLength, at, at + n);
                this.#fieldLength += n;
                at += n;
                if (this.#fieldLength < this.#need)
                    break;
                this.#fieldLength = 0;
                const wasMagic = this.#state === State.Magic;
                this.#onField();
                if (wasMagic && this.#inZstdFrame()) {
                    if (fieldStart >= 0)
                        run = fieldStart;
                    else {
                        // the magic spanned chunks: hand it out on its own, then the rest from here
                        pieces.push(Buffer.from(this.#field.subarray(0, 4)));
                        run = at;
                    }
                }
            }
            else {
                const n = Math.min(this.#need, chunk.length - at);
                at += n;
                this.#need -= n;
                if (this.#need === 0)
                    this.#onSkipped();
            }
            if (run >= 0 && this.#state === State.Magic) {
                if (at > run)
                    pieces.push(chunk.subarray(run, at));
                pieces.push(FRAME_END);
                this.#frames++;
                run = -1;
            }
        }
        if (run >= 0 && at > run)
            pieces.push(chunk.subarray(run, at));
        return pieces;
    }
    #inZstdFrame() {
        return (this.#state !== State.Magic &&
            this.#state !== State.SkipSize &&
            this.#state !== State.SkipBody);
    }
    /** States that read a small field's value; the others just count bytes past. */
    #collects() {
        const s = this.#state;
        return (s === State.Magic || s === State.Descriptor || s === State.BlockHeader || s === State.SkipSize);
    }
    #onField() {
        const f = this.#field;
        switch (this.#state) {
            case State.Magic: {
                const magic = f.readUInt32LE(0);
                if (magic === ZSTD_MAGIC)
                    return this.#expect(State.Descriptor, 1);
                if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC)
                    return this.#expect(State.SkipSize, 4);
                throw zstdError('not a zstd stream (bad frame magic)', 'prefix_unknown');
            }
            case State.Descriptor: {
                const d = f[0];
                if (d & 0x08)
                    throw zstdError('corrupt zstd frame header (reserved bit set)', 'corruption_detected');
                const singleSegment = (d & 0x20) !== 0;
                const fcsSize = [singleSegment ? 1 : 0, 2, 4, 8][d >> 6];
                const dictSize = [0, 1, 2, 4][d & 0x03];
                this.#checksum = (d & 0x04) !== 0;
                const rest = (singleSegment ? 0 : 1) + dictSize + fcsSize;
                return rest > 0 ? this.#expect(State.HeaderRest, rest) : this.#expect(State.BlockHeader, 3);
            }
            case State.BlockHeader: {
                const header = f.readUIntLE(0, 3);
                const type = (header >> 1) & 3;
                if (type === 3)
                    throw zstdError('corrupt zstd block (reserved block type)', 'corruption_detected');
                this.#lastBlock = (header & 1) === 1;
                const body = type === 1 ? 1 : header >>> 3;
                return body > 0 ? this.#expect(State.BlockBody, body) : this.#afterBlock();
            }
            case State.SkipSize: {
                const size = f.readUInt32LE(0);
                return size > 0 ? this.#expect(State.SkipBody, size) : this.#expect(State.Magic, 4);
            }
        }
    }
    #onSkipped() {
        switch (this.#state) {
            case State.HeaderRest:
                return this.#expect(State.BlockHeader, 3);
            case State.BlockBody:
                return this.#afterBlock();
            case State.Checksum:
            case State.SkipBody:
                return this.#expect(State.Magic, 4);
        }
    }
    #afterBlock() {
        if (!this.#lastBlock)
            return this.#expect(State.BlockHeader, 3);
        if (this.#checksum)
            return this.#expect(State.Checksum, 4);
        this.#expect(State.Magic, 4);
    }
    #expect(state, bytes) {
        this.#state = state;
        this.#need = bytes;
    }
}

/**
 * Streaming zstd decompression of any number of concatenated frames. Node's decompressor goes on
 * from one frame to the next only when no write straddles the boundary (a write holding the end
 * of one frame and the start of the next ends its output early, silently), and it never notices a
 * truncated frame. So a splitter cuts the input at frame ends from the headers alone and every
 * write holds bytes of one frame; one decompressor then serves every frame (one per frame cost
 * ~30% more CPU: a context, its window and a stream object per MiB). A stream that stops inside a
 * frame, holds no frame, or has anything but frames is an error. Output follows the reader's pace
 * (pause/resume), so a frame that expands enormously still takes flat memory.
 */
class ZstdDecompressStream extends Transform {
    #splitter = new ZstdFrameSplitter();
    #options;
    #inner = null;
    constructor(options) {
        super();
        this.#options = options;
    }
    _transform(chunk, _encoding, callback) {
        this.#feed(chunk).then(() => callback(), callback);
    }
    _flush(callback) {
        if (this.#splitter.midFrame)
            callback(zstdError('zstd stream is truncated (ends inside a frame)', 'truncated'));
        else if (this.#splitter.frames === 0 || !this.#inner)
            callback(zstdError('zstd stream holds no frame', 'truncated'));
        else {
            // every frame is whole: let the decompressor hand out what it still holds, then end
            const inner = this.#inner;
            inner.end();
            finished(inner).then(() => callback(), callback);
        }
    }
    _read(size) {
        // The reader wants more: let a paused inner decompressor flow again.
        this.#inner?.resume();
        super._read(size);
    }
    _destroy(error, callback) {
        this.#inner?.destroy();
        this.#inner = null;
        callback(error);
    }
    async #feed(chunk) {
        for (const piece of this.#splitter.split(chunk)) {
            if (this.destroyed)
                return;
            // a frame's end needs nothing: its last bytes were a write of their own
            if (piece !== FRAME_END)
                await written(this.#inner ?? this.#open(), piece);
        }
    }
    #open() {
        const inner = zlib__default.createZstdDecompress({
            chunkSize: this.#options.chunkSize,
            params: { [zlib__default.constants.ZSTD_d_windowLogMax]: this.#options.windowLogMax }
        });
        // An error between our writes (no promise listening) must still reach the reader.
        inner.on('error', (error) => this.destroy(error));
        inner.on('data', (data) => {
            if (!this.push(data))
                inner.pause();
        });
        this.#inner = inner;
        return inner;
    }
}
/** Resolves once `stream` has taken `bytes` in; rejects on its error. */
function written(stream, bytes) {
    return new Promise((resolve, reject) => {
        stream.once('error', reject);
        stream.write(bytes, (error) => {
            stream.off('error', reject);
            if (error)
                reject(error);
            else
                resolve();
        });
    });
}

/**
 * Largest zstd window accepted (log2): zstd's own default limit, 128 MiB. A frame that asks for
 * more is refused rather than allocated, which bounds a hostile stream's memory.
 */
const ZSTD_WINDOW_LOG_MAX = 27;
// Output chunks of 256 KiB: each is a threadpool round trip, so fewer are cheaper; each is also
// fresh memory until the collector takes it, so larger ones raise the peak.
const CHUNK_SIZE = 256 << 10;
/**
 * Compressed bytes in, plaintext tar bytes out, streaming (memory does not grow with the input).
 * Reads concatenated zstd frames / gzip members, so stock `zstd -c` and `gzip -c` output too,
 * and errors on a truncated or corrupt stream or trailing garbage.
 */
function createDecompressStream(kind) {
    switch (kind) {
        case 'zstd':
            return new ZstdDecompressStream({
                chunkSize: CHUNK_SIZE,
                windowLogMax: ZSTD_WINDOW_LOG_MAX
            });
        case 'gzip':
            return zlib__default.createGunzip({ chunkSize: CHUNK_SIZE });
        case 'none':
            return new PassThrough();
    }
}

const { compression, outSize } = workerData;
const port = parentPort;
const post = (message, transfer = []) => port.postMessage(message, transfer);
/** Plaintext messages out and not yet given back: at most this many, then decompression waits. */
const OUT_IN_FLIGHT = 4;
let decrypter;
const decompress = createDecompressStream(compression);
let failed = false;
/** Buffers the reader gave back, for the next outputs. */
const spare = [];
let out;
let used = 0;
let outstanding = 0;
let credit;
function fail(error) {
    if (failed)
        return;
    failed = true;
    post({ t: 'error', error: sendError(error) });
    decompress.destroy();
}
const write = (plaintext) => {
    decompress.write(plaintext);
};
/** The output buffer being filled: a given-back one when there is one. */
function current() {
    if (!out) {
        const reused = spare.pop();
        out = reused ? Buffer.from(reused) : Buffer.allocUnsafeSlow(outSize);
        used = 0;
    }
    return out;
}
async function send() {
    while (outstanding >= OUT_IN_FLIGHT && !failed)
        await new Promise((r) => (credit = r));
    if (failed || !out)
        return;
    const buffer = out.buffer;
    const length = used;
    out = undefined;
    outstanding++;
    post({ t: 'out', buffer, length }, [buffer]);
}
/** Plaintext out of the decompressor, packed into whole buffers and sent in order. */
async function pump() {
    for await (const piece of decompress) {
        for (let at = 0; at < piece.length;) {
            const target = current();
            const n = piece.copy(target, used, at);
            used += n;
            at += n;
            if (used === target.length)
                await send();
        }
    }
    if (used > 0)
        await send();
    if (!failed)
        post({ t: 'done' });
}
pump().catch(fail);
port.on('message', (message) => {
    if (failed)
        return;
    try {
        switch (message.t) {
            case 'key':
                decrypter = new PayloadDecrypter(message.key);
                return;
            case 'in': {
                const bytes = Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.length);
                decrypter.update(bytes, write);
                // taken once the decompressor has room: the main thread sends a few ahead
                if (decompress.writableNeedDrain)
                    void once(decompress, 'drain').then(() => post({ t: 'took' }), fail);
                else
                    post({ t: 'took' });
                return;
            }
            case 'end':
                decrypter.final(write);
                decompress.end();
                return;
            case 'back':
                outstanding--;
                if (message.buffer.byteLength === outSize)
                    spare.push(message.buffer);
                credit?.();
                credit = undefined;
                return;
        }
    }
    catch (error) {
        fail(error);
    }
});
