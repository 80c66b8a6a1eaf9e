import { PassThrough, type Transform } from 'node:stream'
import zlib from 'node:zlib'
import type { Compression } from '../format/compression.js'
import { ZstdDecompressStream } from './zstd-decompress.js'

/**
 * Largest zstd window accepted (log2): zstd's own default limit, 128 MiB. A frame that asks for
 * more is refused rather than allocated, which bounds a hostile stream's memory.
 */
export const ZSTD_WINDOW_LOG_MAX = 27

// Output chunks of 256 KiB: each is a threadpool round trip, so fewer are cheaper; each is also
// fresh memory until the collector takes it, so larger ones raise the peak.
const CHUNK_SIZE = 256 << 10

/**
 * Compressed bytes in, plaintext tar bytes out, streaming (memory does not grow with the input).
 * Reads concatenated zstd frames / gzip members, so stock `zstd -c` and `gzip -c` output too,
 * and errors on a truncated or corrupt stream or trailing garbage.
 */
export function createDecompressStream(kind: Compression): Transform {
  switch (kind) {
    case 'zstd':
      return new ZstdDecompressStream({
        chunkSize: CHUNK_SIZE,
        windowLogMax: ZSTD_WINDOW_LOG_MAX
      })
    case 'gzip':
      return zlib.createGunzip({ chunkSize: CHUNK_SIZE })
    case 'none':
      return new PassThrough()
  }
}
