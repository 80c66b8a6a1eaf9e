import type { Mode } from '../config/config.js'

/**
 * V8's young generation for the re-executed process of the restoring modes (restore-test,
 * restore): 1 MiB semi-spaces instead of V8's default (up to 16 MiB each on a 64-bit host).
 *
 * Why: zlib and node:crypto hand back every output in a new buffer, so a restore makes garbage
 * buffers at the speed of its data while it allocates little on the JS heap. With large
 * semi-spaces scavenges are rare, so dead buffers are freed only when their memory outside the
 * heap forces a full collection (after about 64 MiB); malloc's heap grows to hold them, and on
 * this VM every new page costs 2-4 ms per MiB to fault in. Small semi-spaces scavenge every few
 * milliseconds and the buffers, which die young, go back to malloc while still warm. Measured
 * (256 MiB mixed): restore-test peak 165 -> 118 MiB, and 1.89 -> 1.78 s on tmpfs (12
 * alternating runs); at 2 GiB, 184 -> 133 MiB.
 *
 * Not for the modes that snapshot (snapshot, precutover): there it lowers the peak of short runs
 * (256 MiB: 170 -> 135 MiB) but lets it climb with the data (2 GiB: 172 MiB, 4 GiB: 181; with
 * V8's default 170 -> 189), because some of the pipeline's buffers outlive the frequent
 * scavenges and then wait for a full collection. A peak that grows with the data is what the
 * memory budget forbids, so the snapshot keeps V8's default.
 *
 * V8 reads the size once, when the heap is set up, so it is a command-line flag of the
 * re-execution (see huge-pages.ts). A size the user gave, in NODE_OPTIONS or on node's command
 * line, wins: either bound (a minimum above our maximum would contradict it).
 */
export const SEMI_SPACE_FLAG = '--max-semi-space-size'
export const SEMI_SPACE_MIB = 1
/** The modes that restore a snapshot without taking one. */
export const SMALL_YOUNG_GENERATION_MODES: readonly Mode[] = ['restore-test', 'restore']

/** The flags to add to node's own arguments for `mode`: none when the user chose a size already. */
export function youngGenerationFlags(
  mode: string | undefined,
  execArgv: readonly string[],
  nodeOptions: string | undefined
): string[] {
  if (!SMALL_YOUNG_GENERATION_MODES.includes(mode as Mode)) return []
  // V8 reads - and _ alike in flag names
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((arg) =>
    /^--(max|min)-semi-space-size(=|$)/.test(arg.replaceAll('_', '-'))
  )
  return given ? [] : [`${SEMI_SPACE_FLAG}=${SEMI_SPACE_MIB}`]
}
