import type { Transform } from 'node:stream'
import zlib from 'node:zlib'
import type { BlockCodec } from './block-transform.js'

/** zstd's own default level, as `zstd` and `tar --zstd` use. */
export const ZSTD_LEVEL = 3
/** gzip's own default level. */
export const GZIP_LEVEL = 6

// Room for a whole frame of a 1 MiB block in one output buffer, so a block is one threadpool
// job rather than a main-thread round trip per 16 KiB (the default chunkSize, which halves
// throughput); a bigger block's frame comes in more pieces.
const BLOCK = 1 << 20
const FRAME_ROOM = BLOCK + (BLOCK >> 7) + 65536

type Engine = Transform & { close(callback?: () => void): void; reset(): void }

/**
 * Encodes blocks with a few long-lived zlib engines whose every write ends a frame (zstd
 * `ZSTD_e_end`) or member (gzip `Z_FINISH`): one threadpool job per block. Not
 * `zlib.zstdCompress`: it builds an engine per call and its end() makes two jobs (a continue
 * write, then an empty finishing one) plus a copy, which costs the main thread about 3x as much.
 */
class EnginePool implements BlockCodec {
  readonly #idle: Engine[] = []
  readonly #create: () => Engine
  readonly #reset: boolean
  #closed = false

  /**
   * `reset`: whether an engine needs reset() between blocks. deflate does (a finished stream
   * takes no more input); zstd must not (Node's reset drops the parameters, so later frames
   * would lose their checksum) and needs none (a write after a frame's end starts the next).
   */
  constructor(create: () => Engine, reset: boolean) {
    this.#create = create
    this.#reset = reset
  }

  encode(block: Buffer): Promise<Buffer[]> {
    const engine = this.#idle.pop() ?? this.#create()
    return new Promise((resolve, reject) => {
      const parts: Buffer[] = []
      const onData = (part: Buffer): void => {
        parts.push(part)
      }
      engine.on('data', onData)
      engine.once('error', reject)
      engine.write(block, (error) => {
        engine.off('data', onData)
        engine.off('error', reject)
        // output still buffered (not emitted as 'data') comes after what was: order is kept
        for (let part = engine.read(); part !== null; part = engine.read())
          parts.push(part as Buffer)
        if (error || this.#closed) this.#closeEngine(engine)
        else {
          if (this.#reset) engine.reset()
          this.#idle.push(engine)
        }
        if (error) reject(error)
        else resolve(parts)
      })
    })
  }

  /** Frees the native contexts; close, not end: end() would add an empty frame or member. */
  close(): void {
    this.#closed = true
    for (const engine of this.#idle.splice(0)) this.#closeEngine(engine)
  }

  #closeEngine(engine: Engine): void {
    engine.close()
  }
}

/**
 * Independent zstd frames. Each records its content size (zstd knows it when a frame is one
 * ending write) and an XXH64 checksum, so stock `zstd -d` detects corruption too; both are cheap.
 */
export function zstdFrames(): BlockCodec {
  return new EnginePool(
    () =>
      zlib.createZstdCompress({
        params: {
          [zlib.constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL,
          [zlib.constants.ZSTD_c_checksumFlag]: 1
        },
        flush: zlib.constants.ZSTD_e_end,
        chunkSize: FRAME_ROOM
      }) as unknown as Engine,
    false
  )
}

/** gzip members (header, deflate, CRC-32 and size trailer); members concatenate into gzip. */
export function gzipMembers(): BlockCodec {
  return new EnginePool(
    () =>
      zlib.createGzip({
        level: GZIP_LEVEL,
        flush: zlib.constants.Z_FINISH,
        chunkSize: FRAME_ROOM
      }) as unknown as Engine,
    true
  )
}
