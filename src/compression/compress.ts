import { availableParallelism } from 'node:os'
import { PassThrough, type Transform } from 'node:stream'
import type { Compression } from '../config/config.js'
import type { EarlyFree } from '../util/early-free.js'
import { BlockTransform, type BlockTransformOptions } from './block-transform.js'
import { gzipMembers, zstdFrames } from './frame-encoders.js'

/**
 * 1 MiB blocks: the cheapest in CPU per byte of 0.5–8 MiB (cache-friendly) and the least memory,
 * at the same ratio. One block in flight per core, 2 to 3: libuv's pool has 4 threads by default
 * and file I/O needs one; on 2 cores a third block only competes with the main thread.
 */
export const DEFAULT_BLOCKS: BlockTransformOptions = {
  blockSize: 1 << 20,
  inFlight: Math.min(3, Math.max(2, availableParallelism()))
}

/**
 * Plaintext tar bytes in, compressed bytes out. zstd and gzip compress independent blocks in
 * parallel on libuv's threadpool and emit them in order: concatenated zstd frames and gzip
 * members are valid streams for stock `zstd -d`, `gzip -d` and `tar --zstd/-z -x`. `early`: told
 * of each compressed piece handed on (see EarlyFree).
 */
export function createCompressStream(
  kind: Compression,
  blocks: BlockTransformOptions = DEFAULT_BLOCKS,
  early?: EarlyFree
): Transform {
  switch (kind) {
    case 'zstd':
      return new BlockTransform(zstdFrames(blocks.blockSize, early), blocks)
    case 'gzip':
      return new BlockTransform(gzipMembers(blocks.blockSize, early), blocks)
    case 'none':
      return new PassThrough()
  }
}
