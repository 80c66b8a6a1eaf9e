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
    'fail-on-no-go': 'true',
    'show-private-names': 'false',
    exposure: 'warn',
    // a secret: the action reads it apart (masked), the CLI has no flag for it
    'github-token': '${{ github.token }}',
    store: '',
    'store-endpoint': '',
    'store-region': '',
    'store-retention-days': '0',
    'store-lock-mode': 'governance'
};
const INPUT_NAMES = Object.keys(INPUT_DEFAULTS);

/** A bad input: one line naming the input and what it accepts. Nothing has been written. */
class InputError extends Error {
    constructor(message) {
        super(message);
        this.name = 'InputError';
    }
}

export { INPUT_NAMES as I, INPUT_DEFAULTS as a, InputError as b };
