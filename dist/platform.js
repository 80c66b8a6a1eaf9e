/**
 * One line saying why `platform` cannot run cutover-gate, or undefined on Linux: the
 * live-writer, escaped-process and secret rules read Linux's /proc (SPEC, Safety rules). Both
 * doors check it before anything runs, so another OS is an input error, not a late NO-GO.
 */
function platformError(platform) {
    if (platform === 'linux')
        return undefined;
    return `cutover-gate runs on Linux only (this is ${platform}): its live-writer, escaped-process and secret checks read /proc; run it on a Linux runner (runs-on: ubuntu-latest) or machine`;
}

export { platformError as p };
