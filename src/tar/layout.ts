/**
 * The POSIX tar (ustar) layout, in one place for the writer and the reader: 512-byte blocks, a
 * header's fields at fixed offsets, data padded to the next block, two zero blocks at the end.
 */
export const BLOCK = 512

/** Offset and length of each ustar header field this project reads. */
export const FIELD = {
  name: [0, 100],
  size: [124, 12],
  checksum: [148, 8],
  typeflag: [156, 1],
  linkname: [157, 100],
  magic: [257, 8],
  prefix: [345, 155]
} as const

/** `ustar\0` and version `00`: a POSIX header, the only kind a snapshot holds. */
export const USTAR_MAGIC = Buffer.from('ustar\u000000', 'latin1')

/** Two zero blocks end a tar archive. */
export const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2)

/** Zero padding after `size` bytes of entry data, up to the next block boundary. */
export function paddingFor(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK
}
