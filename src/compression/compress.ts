import { PassThrough, type Transform } from 'node:stream'
import type { Compression } from '../config/config.js'
import { BlockTransform, type BlockTransformOptions } from './block-transform.js'
import { gzipMember, zstdFrame } from './frames.js'

/** Tuned on 2 cores with 1 GiB of mixed data; see scripts/bench.mjs and the measurements. */
export const DEFAULT_BLOCKS: BlockTransformOptions = { blockSize: 4 << 20, inFlight: 3 }

/**
 * Plaintext tar bytes in, compressed bytes out. zstd and gzip compress independent blocks in
 * parallel on libuv's threadpool and emit them in order: concatenated zstd frames and gzip
 * members are valid streams for stock `zstd -d`, `gzip -d` and `tar --zstd/-z -x`.
 */
export function createCompressStream(
  kind: Compression,
  blocks: BlockTransformOptions = DEFAULT_BLOCKS
): Transform {
  switch (kind) {
    case 'zstd':
      return new BlockTransform(zstdFrame, blocks)
    case 'gzip':
      return new BlockTransform(gzipMember, blocks)
    case 'none':
      return new PassThrough()
  }
}
