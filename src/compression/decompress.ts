import { PassThrough, type Transform } from 'node:stream'
import zlib from 'node:zlib'
import type { Compression } from '../config/config.js'
import { ZstdDecompressStream } from './zstd-decompress.js'

/**
 * Largest zstd window accepted (log2): zstd's own default limit, 128 MiB. A frame that asks for
 * more is refused rather than allocated, which bounds a hostile stream's memory.
 */
export const ZSTD_WINDOW_LOG_MAX = 27

// Output chunks of 64 KiB, not the 16 KiB default (fewer threadpool round trips) nor larger:
// under glibc's mmap threshold they come from reused heap memory, where 256 KiB and 1 MiB
// chunks were fresh pages each time (restore-test median 2.23 s at 64 KiB, 2.48 s at 256 KiB,
// slower still at 1 MiB and at 32 KiB, interleaved runs on this VM).
const CHUNK_SIZE = 64 << 10

/**
 * Compressed bytes in, plaintext tar bytes out, streaming (memory does not grow with the input).
 * Reads concatenated zstd frames / gzip members, so stock `zstd -c` and `gzip -c` output too,
 * and errors on a truncated or corrupt stream or trailing garbage.
 */
export function createDecompressStream(kind: Compression): Transform {
  switch (kind) {
    case 'zstd':
      return new ZstdDecompressStream({ chunkSize: CHUNK_SIZE, windowLogMax: ZSTD_WINDOW_LOG_MAX })
    case 'gzip':
      return zlib.createGunzip({ chunkSize: CHUNK_SIZE })
    case 'none':
      return new PassThrough()
  }
}
