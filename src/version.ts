/** Recorded in manifests and reports; bump with package.json. */
export const TOOL = { name: 'cutover-gate', version: '0.1.0' } as const
