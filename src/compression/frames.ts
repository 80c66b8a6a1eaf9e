import { promisify } from 'node:util'
import zlib from 'node:zlib'

const zstdCompress = promisify(zlib.zstdCompress)
const gzip = promisify(zlib.gzip)

/** zstd's own default level, as `zstd` and `tar --zstd` use. */
export const ZSTD_LEVEL = 3
/** gzip's own default level. */
export const GZIP_LEVEL = 6

// Room for the whole frame in one output buffer, so a block is one threadpool job instead of a
// main-thread round trip per 16 KiB (the default chunkSize, which halves throughput).
const room = (size: number): number => size + (size >> 7) + 65536

/**
 * One independent zstd frame. It records the content size (4 bytes) and an XXH64 checksum, so
 * stock `zstd -d` detects corruption too; both cost nothing measurable.
 */
export function zstdFrame(block: Buffer): Promise<Buffer> {
  return zstdCompress(block, {
    params: {
      [zlib.constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL,
      [zlib.constants.ZSTD_c_checksumFlag]: 1,
      [zlib.constants.ZSTD_c_contentSizeFlag]: 1
    },
    pledgedSrcSize: block.length,
    chunkSize: room(block.length)
  })
}

/** One gzip member (header, deflate, CRC-32 and size trailer); members concatenate into gzip. */
export function gzipMember(block: Buffer): Promise<Buffer> {
  return gzip(block, { level: GZIP_LEVEL, chunkSize: room(block.length) })
}
