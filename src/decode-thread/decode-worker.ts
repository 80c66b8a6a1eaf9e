// The decoding thread: a snapshot's age payload in (its chunks, after the header that the main
// thread read and authenticated), the plaintext tar out, decrypted and decompressed here. The
// main thread hashes, parses and writes meanwhile: each side runs a whole stage continuously
// instead of both taking turns on one event loop.
import type { KeyObject } from 'node:crypto'
import { once } from 'node:events'
import type { Transform } from 'node:stream'
import { parentPort, workerData } from 'node:worker_threads'
import { PayloadDecrypter } from '../age/payload-decrypt.js'
import { createDecompressStream } from '../compression/decompress.js'
import type { DecodeWorkerData, FromDecoder, ToDecoder } from './messages.js'
import { sendError } from './messages.js'

const { compression, outSize } = workerData as DecodeWorkerData
const port = parentPort!
const post = (message: FromDecoder, transfer: ArrayBuffer[] = []): void =>
  port.postMessage(message, transfer)

/** Plaintext messages out and not yet given back: at most this many, then decompression waits. */
const OUT_IN_FLIGHT = 4

let decrypter: PayloadDecrypter | undefined
const decompress: Transform = createDecompressStream(compression)
let failed = false
/** Buffers the reader gave back, for the next outputs. */
const spare: ArrayBuffer[] = []
let out: Buffer | undefined
let used = 0
let outstanding = 0
let credit: (() => void) | undefined

function fail(error: unknown): void {
  if (failed) return
  failed = true
  post({ t: 'error', error: sendError(error) })
  decompress.destroy()
}

const write = (plaintext: Buffer): void => {
  decompress.write(plaintext)
}

/** The output buffer being filled: a given-back one when there is one. */
function current(): Buffer {
  if (!out) {
    const reused = spare.pop()
    out = reused ? Buffer.from(reused) : Buffer.allocUnsafeSlow(outSize)
    used = 0
  }
  return out
}

async function send(): Promise<void> {
  while (outstanding >= OUT_IN_FLIGHT && !failed) await new Promise<void>((r) => (credit = r))
  if (failed || !out) return
  const buffer = out.buffer as ArrayBuffer
  const length = used
  out = undefined
  outstanding++
  post({ t: 'out', buffer, length }, [buffer])
}

/** Plaintext out of the decompressor, packed into whole buffers and sent in order. */
async function pump(): Promise<void> {
  for await (const piece of decompress as AsyncIterable<Buffer>) {
    for (let at = 0; at < piece.length;) {
      const target = current()
      const n = piece.copy(target, used, at)
      used += n
      at += n
      if (used === target.length) await send()
    }
  }
  if (used > 0) await send()
  if (!failed) post({ t: 'done' })
}

pump().catch(fail)

port.on('message', (message: ToDecoder) => {
  if (failed) return
  try {
    switch (message.t) {
      case 'key':
        decrypter = new PayloadDecrypter(message.key as KeyObject)
        return
      case 'in': {
        const bytes = Buffer.from(
          message.bytes.buffer,
          message.bytes.byteOffset,
          message.bytes.length
        )
        decrypter!.update(bytes, write)
        // taken once the decompressor has room: the main thread sends a few ahead
        if (decompress.writableNeedDrain)
          void once(decompress, 'drain').then(() => post({ t: 'took' }), fail)
        else post({ t: 'took' })
        return
      }
      case 'end':
        decrypter!.final(write)
        decompress.end()
        return
      case 'back':
        outstanding--
        if (message.buffer.byteLength === outSize) spare.push(message.buffer)
        credit?.()
        credit = undefined
        return
    }
  } catch (error) {
    fail(error)
  }
})
