import v8 from 'node:v8'

/**
 * Keeps V8's young generation at the size it starts with (1 MiB semi-spaces, against up to
 * 16 MiB when left to grow) in the modes that move snapshot data.
 *
 * Why: the pipeline makes little garbage on the JS heap but a steady stream of small objects
 * (a cipher per 64 KiB chunk, stream callbacks, promises) whose native parts live outside it.
 * With large semi-spaces scavenges are rare, what survives one is promoted into a growing old
 * generation, and the peak climbs with the length of the run. Measured after buffers were freed
 * as they went (early-free.ts), 256 MiB → 2 GiB mixed, one run each: snapshot 104 → 124 MiB
 * with V8's growth and 98 → 114 MiB without; restore-test 111 → 137 and 103 → 121 MiB.
 *
 * How: V8 grows the young generation by `--semi-space-growth-factor` whenever a scavenge finds
 * much of it alive, and reads the factor each time it grows; 1 keeps it where it started. So it
 * is set at run time, with no second start of Node (V8 reads `--max-semi-space-size` only when
 * it sets the heap up). A young-generation size or growth the user gave, in NODE_OPTIONS or on
 * node's command line, wins.
 */
const NO_GROWTH = '--semi-space-growth-factor=1'

/** Whether the user chose the young generation's size or growth for this process. */
export function userSizesYoungGeneration(
  execArgv: readonly string[],
  nodeOptions: string | undefined
): boolean {
  // V8 reads - and _ alike in flag names
  return [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((arg) =>
    /^--((max|min)-semi-space-size|semi-space-growth-factor)(=|$)/.test(arg.replaceAll('_', '-'))
  )
}

/** Stops the young generation from growing, unless the user sized it. */
export function keepYoungGenerationSmall(): void {
  if (!userSizesYoungGeneration(process.execArgv, process.env.NODE_OPTIONS)) {
    v8.setFlagsFromString(NO_GROWTH)
  }
}
