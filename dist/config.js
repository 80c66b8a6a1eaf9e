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

export { COMPRESSIONS as C, MODES as M, handlesSnapshots as h, modeNeedsPassphrase as m };
