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

export { COMPRESSIONS as C, MODES as M, modeNeedsPassphrase as m };
