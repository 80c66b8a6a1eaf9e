import fs from 'node:fs';
import { workerData, parentPort } from 'node:worker_threads';

// A restore writing thread: creates, writes and closes the files FileWriters hands it, in order,
// with synchronous calls. It decides nothing: every check on what may be written, and where, was
// made before an operation was queued, and the folders its files go in exist already.
//
// Self-contained on purpose (node: modules and erased type imports only): the bundle ships it as
// dist/write-worker.js, and the tests start this very file through Node's type stripping. The
// operation codes come in workerData, from file-writers.ts.
const OPEN_FLAGS = fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW;
const { prefixLength, ops: OP, record: RECORD, stop } = workerData;
const port = parentPort;
/** The file being written (files come whole, one after another: at most one), and its entry. */
let fd = -1;
let current = '';
let failure;
function closeCurrent() {
    if (fd < 0)
        return;
    try {
        fs.closeSync(fd);
    }
    catch {
        // closing is all that is left to do with it; the caller discards the folder anyway
    }
    fd = -1;
}
function codeOf(error) {
    return String(error.code ?? error.message);
}
/** Runs one batch; on a failure, records it (naming the entry), stops every thread and ends. */
function run({ ops: opBuffer, records, data: dataBuffer }) {
    const ops = new Float64Array(opBuffer, 0, records * RECORD);
    const data = Buffer.from(dataBuffer);
    let op = 0;
    try {
        for (let at = 0; at < ops.length; at += RECORD) {
            // asked to stop (the restore failed elsewhere): leave the rest undone, quickly
            if (Atomics.load(stop, 0) !== 0)
                return;
            op = ops[at];
            const a = ops[at + 1];
            const b = ops[at + 2];
            if (op === OP.open) {
                current = data.toString('utf8', a + prefixLength, a + b);
                // the full path's bytes, as the Buffer path fs takes without a string
                fd = fs.openSync(data.subarray(a, a + b), OPEN_FLAGS, 0o600);
            }
            else if (op === OP.write) {
                for (let done = 0; done < b;)
                    done += fs.writeSync(fd, data, a + done, b - done);
            }
            else if (op === OP.close) {
                const closing = fd;
                fd = -1;
                try {
                    fs.fchmodSync(closing, a);
                    if (!Number.isNaN(b))
                        fs.futimesSync(closing, b, b);
                }
                finally {
                    fs.closeSync(closing);
                }
            }
            else {
                throw new Error(`unknown write operation ${op}`);
            }
        }
    }
    catch (error) {
        failure = { op, entry: current, code: codeOf(error) };
        Atomics.store(stop, 0, 1);
        closeCurrent();
    }
}
port.on('message', (message) => {
    if (message === 'close') {
        closeCurrent();
        port.postMessage({ closed: true });
        return;
    }
    if (failure === undefined)
        run(message);
    if (Atomics.load(stop, 0) !== 0)
        closeCurrent();
    const reply = { batch: message, failure };
    port.postMessage(reply, [message.ops, message.data]);
});
