import os from 'node:os';
import path from 'node:path';
import { c as cleanupLeftoverPackages, a as cleanupLeftoverRestoreTests, r as removeDeadLock, b as removeStaleTemps, s as sweepClaims, d as cleanupLeftoverStaging } from './restore-into-target.js';
import { r as removeDeadTemps, b as sweepDeadLeftovers, H as HANDOFF_PREFIX } from './process-start.js';

function quietly(fn, fallback) {
    try {
        return fn();
    }
    catch {
        return fallback;
    }
}
/**
 * Removes what runs proven dead left in those places (the post step after a killed main step, the
 * CLI at the start of the next run); a live run's files, and files this tool does not make, stay.
 * Returns one line per thing removed, naming only the tool's own files.
 */
function sweepLeftovers(places) {
    const done = [];
    const { tempDir, snapshotDir, manifestPath, reportPath, restoreTarget } = places;
    if (tempDir) {
        done.push(...quietly(() => cleanupLeftoverPackages(tempDir), []));
        done.push(...quietly(() => cleanupLeftoverRestoreTests(tempDir), []));
        done.push(...removeDeadTemps(tempDir).map((n) => path.join(tempDir, n)));
    }
    // the secret hand-off's fifo folder, made in the process's temp folder before anything else
    for (const dir of new Set([tempDir, os.tmpdir()].filter((d) => !!d)))
        done.push(...quietly(() => sweepDeadLeftovers(dir, HANDOFF_PREFIX), []));
    if (snapshotDir) {
        if (quietly(() => removeDeadLock(snapshotDir), false))
            done.push(`the lock a killed run left in ${snapshotDir}`);
        done.push(...quietly(() => removeStaleTemps(snapshotDir), []).map((n) => path.join(snapshotDir, n)));
        done.push(...quietly(() => sweepClaims(snapshotDir), []).map((n) => path.join(snapshotDir, n)));
    }
    const folders = new Set([manifestPath, reportPath].filter((p) => !!p).map((p) => path.dirname(p)));
    if (snapshotDir)
        folders.delete(snapshotDir);
    for (const dir of folders) {
        done.push(...removeDeadTemps(dir).map((n) => path.join(dir, n)));
        // a restore-test of a snapshot kept beside its manifest (a downloaded artifact) claims it there
        done.push(...quietly(() => sweepClaims(dir), []).map((n) => path.join(dir, n)));
    }
    if (restoreTarget) {
        done.push(...quietly(() => cleanupLeftoverStaging(restoreTarget), []));
    }
    return done;
}

export { sweepLeftovers as s };
