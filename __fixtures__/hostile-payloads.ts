// Hand-made compressed payloads for hostile snapshots: zstd frames written byte by byte (RFC 8878)
// so a test can ask for what no encoder would make (a huge window, a bomb of RLE blocks). Sealed
// by sealSnapshot (encrypted-snapshot.ts) with a manifest that matches, the bytes reach the decoder.

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd])
/** zstd's largest block: 128 KiB. */
export const ZSTD_BLOCK_MAX = 128 << 10

function blockHeader(type: 0 | 1, size: number, last: boolean): Buffer {
  const b = Buffer.alloc(3)
  b.writeUIntLE((size << 3) | (type << 1) | (last ? 1 : 0), 0, 3)
  return b
}

/** A raw zstd block of `bytes` (at most 128 KiB). */
export const rawBlock = (bytes: Buffer, last = false): Buffer =>
  Buffer.concat([blockHeader(0, bytes.length, last), bytes])

/** An RLE zstd block: `size` copies of `byte` from 4 bytes of input (size at most 128 KiB). */
export const rleBlock = (byte: number, size: number, last = false): Buffer =>
  Buffer.concat([blockHeader(1, size, last), Buffer.from([byte])])

/**
 * One zstd frame with a window of 2^windowLog (a window descriptor, no content size, no
 * checksum) around `blocks`; the caller marks the last block.
 */
export function zstdFrame(windowLog: number, blocks: Buffer[]): Buffer {
  if (windowLog < 10 || windowLog > 41) throw new RangeError(`window log ${windowLog}`)
  return Buffer.concat([ZSTD_MAGIC, Buffer.from([0x00, (windowLog - 10) << 3]), ...blocks])
}

/** `bytes` as zstd raw blocks of one frame (window 2^17, the block maximum). */
export function zstdRaw(bytes: Buffer, windowLog = 17): Buffer {
  const blocks: Buffer[] = []
  for (let at = 0; at < bytes.length || blocks.length === 0; at += ZSTD_BLOCK_MAX) {
    const end = Math.min(at + ZSTD_BLOCK_MAX, bytes.length)
    blocks.push(rawBlock(bytes.subarray(at, end), end === bytes.length))
  }
  return zstdFrame(windowLog, blocks)
}

/** A frame of `size` zero bytes (a multiple of 128 KiB) in RLE blocks: 4 bytes per 128 KiB. */
export function zstdZeros(size: number): Buffer {
  const count = Math.ceil(size / ZSTD_BLOCK_MAX)
  const block = rleBlock(0, ZSTD_BLOCK_MAX)
  const last = rleBlock(0, ZSTD_BLOCK_MAX, true)
  return zstdFrame(17, [...Array.from({ length: count - 1 }, () => block), last])
}
