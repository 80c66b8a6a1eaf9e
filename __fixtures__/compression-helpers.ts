// Shared by the compression tests: deterministic mixed data, chunked feeding, collecting output.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { Readable, Writable, type Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'

/** Half compressible text, half pseudo-random bytes, the same on every run. */
export function mixedData(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size)
  let at = 0
  let counter = seed
  while (at < size) {
    const random = createHash('sha256').update(`${seed}:${counter}`).digest()
    const text = Buffer.from(
      `{"n":${counter},"msg":"event ${counter % 97} ok","ts":${1e12 + counter}}\n`
    )
    at += random.copy(out, at)
    at += text.copy(out, at)
    counter++
  }
  return out
}

/** Odd chunk sizes, so blocks and frames never line up with writes. */
const CHUNKS = [1, 7, 4093, 65537, 1000003, 3, 131071]

export function oddChunks(data: Buffer): Buffer[] {
  const chunks: Buffer[] = []
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = CHUNKS[i % CHUNKS.length] as number
    chunks.push(data.subarray(at, at + n))
    at += n
  }
  return chunks
}

/** Runs `chunks` through `transforms` and returns everything that came out. */
export async function through(chunks: Buffer[], ...transforms: Transform[]): Promise<Buffer> {
  const out: Buffer[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      out.push(chunk)
      callback()
    }
  })
  await pipeline([Readable.from(chunks), ...transforms, sink])
  return Buffer.concat(out)
}

/** Runs a stock binary with `input` on stdin and returns stdout; throws on a non-zero exit. */
export function runStock(command: string, args: string[], input: Buffer): Buffer {
  const result = spawnSync(command, args, { input, maxBuffer: 1 << 30 })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`)
  return result.stdout
}

/** The frame header descriptor byte of every zstd frame in `stream` (RFC 8878 walk). */
export function zstdDescriptors(stream: Buffer): number[] {
  const descriptors: number[] = []
  for (let at = 0; at < stream.length;) {
    if (stream.readUInt32LE(at) !== 0xfd2fb528) throw new Error(`no zstd frame at ${at}`)
    const fhd = stream[at + 4] as number
    const single = (fhd & 0x20) !== 0
    let p = at + 5 + (single ? 0 : 1) + ([0, 1, 2, 4][fhd & 3] as number)
    p += [single ? 1 : 0, 2, 4, 8][fhd >> 6] as number
    for (let last = false; !last;) {
      const header = stream.readUIntLE(p, 3)
      last = (header & 1) === 1
      p += 3 + (((header >> 1) & 3) === 1 ? 1 : header >>> 3)
    }
    at = p + (fhd & 4 ? 4 : 0)
    descriptors.push(fhd)
  }
  return descriptors
}
