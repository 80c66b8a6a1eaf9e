import { zstdError } from './zstd-error.js'

/** Marks the end of one zstd frame in the splitter's output. */
export const FRAME_END = Symbol('zstd frame end')
export type FramePiece = Buffer | typeof FRAME_END

const ZSTD_MAGIC = 0xfd2fb528
const SKIPPABLE_MASK = 0xfffffff0
const SKIPPABLE_MAGIC = 0x184d2a50

const enum State {
  Magic,
  Descriptor,
  HeaderRest,
  BlockHeader,
  BlockBody,
  Checksum,
  SkipSize,
  SkipBody
}

/**
 * Finds zstd frame boundaries (RFC 8878) from the frame and block headers alone, without
 * decompressing. Node's zstd decompressor stops silently after the first frame and does not
 * notice a truncated one, so the caller decodes frame by frame and asks `midFrame` at the end.
 * Skippable frames are dropped, as stock `zstd -d` does; anything else is an error.
 */
export class ZstdFrameSplitter {
  #state = State.Magic
  #field = Buffer.alloc(8)
  #fieldLength = 0
  #need = 4
  #lastBlock = false
  #checksum = false
  #frames = 0

  /** Whole zstd frames seen so far. */
  get frames(): number {
    return this.#frames
  }

  /** True when the input so far ends inside a frame (or a skippable frame): it is truncated. */
  get midFrame(): boolean {
    return this.#state !== State.Magic || this.#fieldLength > 0
  }

  /** Splits one chunk into frame bytes (in order) and FRAME_END marks. */
  split(chunk: Buffer): FramePiece[] {
    const pieces: FramePiece[] = []
    let at = 0
    // Start of the frame bytes not yet handed out; -1 while outside a zstd frame.
    let run = this.#inZstdFrame() ? 0 : -1
    while (at < chunk.length) {
      if (this.#collects()) {
        const fieldStart = at - this.#fieldLength
        const n = Math.min(this.#need - this.#fieldLength, chunk.length - at)
        chunk.copy(this.#field, this.#fieldLength, at, at + n)
        this.#fieldLength += n
        at += n
        if (this.#fieldLength < this.#need) break
        this.#fieldLength = 0
        const wasMagic = this.#state === State.Magic
        this.#onField()
        if (wasMagic && this.#inZstdFrame()) {
          if (fieldStart >= 0) run = fieldStart
          else {
            // the magic spanned chunks: hand it out on its own, then the rest from here
            pieces.push(Buffer.from(this.#field.subarray(0, 4)))
            run = at
          }
        }
      } else {
        const n = Math.min(this.#need, chunk.length - at)
        at += n
        this.#need -= n
        if (this.#need === 0) this.#onSkipped()
      }
      if (run >= 0 && this.#state === State.Magic) {
        if (at > run) pieces.push(chunk.subarray(run, at))
        pieces.push(FRAME_END)
        this.#frames++
        run = -1
      }
    }
    if (run >= 0 && at > run) pieces.push(chunk.subarray(run, at))
    return pieces
  }

  #inZstdFrame(): boolean {
    return (
      this.#state !== State.Magic &&
      this.#state !== State.SkipSize &&
      this.#state !== State.SkipBody
    )
  }

  /** States that read a small field's value; the others just count bytes past. */
  #collects(): boolean {
    const s = this.#state
    return (
      s === State.Magic || s === State.Descriptor || s === State.BlockHeader || s === State.SkipSize
    )
  }

  #onField(): void {
    const f = this.#field
    switch (this.#state) {
      case State.Magic: {
        const magic = f.readUInt32LE(0)
        if (magic === ZSTD_MAGIC) return this.#expect(State.Descriptor, 1)
        if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC)
          return this.#expect(State.SkipSize, 4)
        throw zstdError('not a zstd stream (bad frame magic)', 'prefix_unknown')
      }
      case State.Descriptor: {
        const d = f[0] as number
        if (d & 0x08)
          throw zstdError('corrupt zstd frame header (reserved bit set)', 'corruption_detected')
        const singleSegment = (d & 0x20) !== 0
        const fcsSize = [singleSegment ? 1 : 0, 2, 4, 8][d >> 6] as number
        const dictSize = [0, 1, 2, 4][d & 0x03] as number
        this.#checksum = (d & 0x04) !== 0
        const rest = (singleSegment ? 0 : 1) + dictSize + fcsSize
        return rest > 0 ? this.#expect(State.HeaderRest, rest) : this.#expect(State.BlockHeader, 3)
      }
      case State.BlockHeader: {
        const header = f.readUIntLE(0, 3)
        const type = (header >> 1) & 3
        if (type === 3)
          throw zstdError('corrupt zstd block (reserved block type)', 'corruption_detected')
        this.#lastBlock = (header & 1) === 1
        const body = type === 1 ? 1 : header >>> 3
        return body > 0 ? this.#expect(State.BlockBody, body) : this.#afterBlock()
      }
      case State.SkipSize: {
        const size = f.readUInt32LE(0)
        return size > 0 ? this.#expect(State.SkipBody, size) : this.#expect(State.Magic, 4)
      }
    }
  }

  #onSkipped(): void {
    switch (this.#state) {
      case State.HeaderRest:
        return this.#expect(State.BlockHeader, 3)
      case State.BlockBody:
        return this.#afterBlock()
      case State.Checksum:
      case State.SkipBody:
        return this.#expect(State.Magic, 4)
    }
  }

  #afterBlock(): void {
    if (!this.#lastBlock) return this.#expect(State.BlockHeader, 3)
    if (this.#checksum) return this.#expect(State.Checksum, 4)
    this.#expect(State.Magic, 4)
  }

  #expect(state: State, bytes: number): void {
    this.#state = state
    this.#need = bytes
  }
}
