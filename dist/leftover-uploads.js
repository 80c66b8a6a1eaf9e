import { s as s3ErrorCode } from './store-error.js';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { c as readRegularFile, C as CAPS, l as liveness, o as object, e as string, n as number, w as writeFileAtomic, g as selfIdentity } from './process-start.js';

/** `<temp>/cutover-gate-upload-<hash>.json`: one multipart upload of this run, while it is open. */
const UPLOAD_MARKER_PREFIX = 'cutover-gate-upload-';
const IdentitySchema = object({
    pid: number().int().positive(),
    startTime: string().regex(/^\d+$/),
    bootId: string().min(1),
    host: string().min(1)
});
const MarkerSchema = object({
    maker: IdentitySchema,
    bucket: string().min(3),
    prefix: string(),
    key: string().min(1),
    /** '' while CreateMultipartUpload is on its way: the sweep then aborts the key's uploads. */
    uploadId: string(),
    endpoint: string(),
    region: string()
});
/**
 * Why a leftover upload may be aborted: its marker names the process that started it, and that
 * process is proven dead (pid free or reused, or the host rebooted). A live run's upload, or one
 * of another host, has no such proof and is never touched.
 */
function markerPath(tempDir, key) {
    const hash = createHash('sha256').update(key).digest('hex').slice(0, 24);
    return path.join(tempDir, `${UPLOAD_MARKER_PREFIX}${hash}.json`);
}
/**
 * Written before CreateMultipartUpload (uploadId '') and again once S3 gives the id: a run killed
 * between the two still leaves a marker for its key, which only that run writes (ids are unique
 * per second, and write-once refuses a second object). Returns the marker's path.
 */
function writeUploadMarker(tempDir, upload) {
    fs.mkdirSync(tempDir, { recursive: true });
    const file = markerPath(tempDir, upload.key);
    writeFileAtomic(file, `${JSON.stringify({ maker: selfIdentity(), ...upload })}\n`);
    return file;
}
function removeUploadMarker(file) {
    fs.rmSync(file, { force: true });
}
/** The markers under tempDir whose maker is proven dead, with their files. */
function deadUploadMarkers(tempDir) {
    let names;
    try {
        names = fs.readdirSync(tempDir);
    }
    catch {
        return [];
    }
    const dead = [];
    for (const name of names.sort()) {
        if (!name.startsWith(UPLOAD_MARKER_PREFIX) || !name.endsWith('.json'))
            continue;
        const file = path.join(tempDir, name);
        let parsed;
        try {
            parsed = MarkerSchema.safeParse(JSON.parse(readRegularFile(file, CAPS.marker)));
        }
        catch {
            continue;
        }
        if (parsed.success && liveness(parsed.data.maker) === 'dead')
            dead.push({ file, marker: parsed.data });
    }
    return dead;
}

/**
 * Aborts the multipart uploads of runs proven dead (their marker under tempDir names a process
 * that no longer runs): what a killed run left, so its parts stop costing and no object can
 * appear from it. Run by the next run before it writes, and by the action's post step. A
 * leftover whose store cannot be reached or refuses now (another endpoint, other credentials, the
 * network) is reported and kept for a later sweep: it must neither stop this run nor the post
 * step's removal of plaintext that follows it. Never throws for one upload.
 */
async function abortDeadUploads(tempDir, open) {
    const aborted = [];
    const left = [];
    for (const { file, marker } of deadUploadMarkers(tempDir)) {
        const where = `s3://${marker.bucket}/${marker.key}`;
        try {
            const store = await open(settingsOf(marker));
            // killed before S3 answered CreateMultipartUpload: the key's uploads are that run's own
            const ids = marker.uploadId ? [marker.uploadId] : await uploadsOfKey(store, marker.key);
            for (const uploadId of ids) {
                try {
                    await store.call('AbortMultipartUpload', (client) => client.send(new store.s3.AbortMultipartUploadCommand({
                        Bucket: marker.bucket,
                        Key: marker.key,
                        UploadId: uploadId
                    })));
                }
                catch (error) {
                    // already completed or aborted: nothing is left to abort
                    if (s3ErrorCode(error) !== 'NoSuchUpload')
                        throw error;
                }
                aborted.push(`${where} (upload ${uploadId.slice(0, 12)}\u2026)`);
            }
            removeUploadMarker(file);
        }
        catch (error) {
            left.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
        }
    }
    return { aborted, left };
}
async function uploadsOfKey(store, key) {
    const answer = await store.call('ListMultipartUploads', (client) => client.send(new store.s3.ListMultipartUploadsCommand({ Bucket: store.bucket, Prefix: key })));
    return (answer.Uploads ?? []).filter((u) => u.Key === key && u.UploadId).map((u) => u.UploadId);
}
function settingsOf(marker) {
    return {
        bucket: marker.bucket,
        prefix: marker.prefix,
        endpoint: marker.endpoint,
        region: marker.region,
        retentionDays: 0,
        lockMode: 'governance'
    };
}
/** Incomplete uploads under the prefix that no marker here accounts for (another host's, or older). */
async function openUploads(store) {
    const answer = await store.call('ListMultipartUploads', (client) => client.send(new store.s3.ListMultipartUploadsCommand({ Bucket: store.bucket, Prefix: store.prefix })));
    return (answer.Uploads ?? []).map((u) => ({ key: u.Key ?? '', initiated: u.Initiated }));
}

var leftoverUploads = /*#__PURE__*/Object.freeze({
    __proto__: null,
    abortDeadUploads: abortDeadUploads,
    openUploads: openUploads
});

export { abortDeadUploads as a, leftoverUploads as l, openUploads as o, removeUploadMarker as r, writeUploadMarker as w };
