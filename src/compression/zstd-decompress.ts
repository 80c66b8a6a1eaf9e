import { Transform, type TransformCallback } from 'node:stream'
import { finished } from 'node:stream/promises'
import zlib from 'node:zlib'
import { zstdError } from './zstd-error.js'
import { FRAME_END, ZstdFrameSplitter } from './zstd-frame-splitter.js'

export interface ZstdDecompressOptions {
  /** Largest window accepted, log2: bounds the memory a hostile frame can make us allocate. */
  windowLogMax: number
  /** Output chunk size of the inner decompressor. */
  chunkSize: number
}

/**
 * Streaming zstd decompression of any number of concatenated frames. Node's decompressor goes on
 * from one frame to the next only when no write straddles the boundary (a write holding the end
 * of one frame and the start of the next ends its output early, silently), and it never notices a
 * truncated frame. So a splitter cuts the input at frame ends from the headers alone and every
 * write holds bytes of one frame; one decompressor then serves every frame (one per frame cost
 * ~30% more CPU: a context, its window and a stream object per MiB). A stream that stops inside a
 * frame, holds no frame, or has anything but frames is an error. Output follows the reader's pace
 * (pause/resume), so a frame that expands enormously still takes flat memory.
 */
export class ZstdDecompressStream extends Transform {
  readonly #splitter = new ZstdFrameSplitter()
  readonly #options: ZstdDecompressOptions
  #inner: zlib.ZstdDecompress | null = null

  constructor(options: ZstdDecompressOptions) {
    super()
    this.#options = options
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#feed(chunk).then(() => callback(), callback)
  }

  override _flush(callback: TransformCallback): void {
    if (this.#splitter.midFrame)
      callback(zstdError('zstd stream is truncated (ends inside a frame)', 'truncated'))
    else if (this.#splitter.frames === 0 || !this.#inner)
      callback(zstdError('zstd stream holds no frame', 'truncated'))
    else {
      // every frame is whole: let the decompressor hand out what it still holds, then end
      const inner = this.#inner
      inner.end()
      finished(inner).then(() => callback(), callback)
    }
  }

  override _read(size: number): void {
    // The reader wants more: let a paused inner decompressor flow again.
    this.#inner?.resume()
    super._read(size)
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#inner?.destroy()
    this.#inner = null
    callback(error)
  }

  async #feed(chunk: Buffer): Promise<void> {
    for (const piece of this.#splitter.split(chunk)) {
      if (this.destroyed) return
      // a frame's end needs nothing: its last bytes were a write of their own
      if (piece !== FRAME_END) await written(this.#inner ?? this.#open(), piece)
    }
  }

  #open(): zlib.ZstdDecompress {
    const inner = zlib.createZstdDecompress({
      chunkSize: this.#options.chunkSize,
      params: { [zlib.constants.ZSTD_d_windowLogMax]: this.#options.windowLogMax }
    })
    // An error between our writes (no promise listening) must still reach the reader.
    inner.on('error', (error) => this.destroy(error))
    inner.on('data', (data: Buffer) => {
      if (!this.push(data)) inner.pause()
    })
    this.#inner = inner
    return inner
  }
}

/** Resolves once `stream` has taken `bytes` in; rejects on its error. */
function written(stream: zlib.ZstdDecompress, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject)
    stream.write(bytes, (error) => {
      stream.off('error', reject)
      if (error) reject(error)
      else resolve()
    })
  })
}
