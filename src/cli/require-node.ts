/** The oldest Node major the bundle runs on: zstd in node:zlib and the action runtime (node24). */
export const MIN_NODE_MAJOR = 24

/** One line saying why `version` (like "v20.19.0") cannot run cutover-gate, or undefined. */
export function nodeTooOld(version: string): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1])
  if (major >= MIN_NODE_MAJOR) return undefined
  return `cutover-gate needs Node.js ${MIN_NODE_MAJOR} or later (this is ${version}): install Node ${MIN_NODE_MAJOR}, or run npx cutover-gate from a checkout after npm ci (it brings Node ${MIN_NODE_MAJOR} in node_modules)`
}
