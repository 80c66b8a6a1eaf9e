import type { KeyObject } from 'node:crypto'
import type { Worker } from 'node:worker_threads'
import { FAULT_REMEDY, startWorker, WorkerFault } from './start-worker.js'
import type { Compression } from '../format/compression.js'
import type { PayloadStage } from '../age/decrypt-transform.js'
import {
  receivedError,
  type DecodeWorkerData,
  type FromDecoder,
  type ToDecoder
} from './messages.js'

/** Plaintext comes back in buffers of this size: the tar reader's and the writes' unit. */
export const OUT_SIZE = 1 << 20

/** Payload pieces sent and not yet taken: enough to keep the thread busy while this one works. */
const IN_IN_FLIGHT = 4

/**
 * A snapshot's payload decrypted and decompressed on a thread of its own. The main thread gives
 * it the payload through `payload(key)` (the age stage after the header) and reads the tar back
 * from `output()`. Buffers go round: a buffer `output()` yields is the reader's until it asks for
 * the next one, then it goes back to the thread to be filled again. `stop()` ends the thread
 * whatever state it is in; a failure on either side fails both.
 */
export class DecodeThread {
  readonly #worker: Worker
  #inFlight = 0
  #tookWaiter: (() => void) | undefined
  readonly #outputs: Buffer[] = []
  #outWaiter: (() => void) | undefined
  #done = false
  #failure: Error | undefined
  #stopped = false

  constructor(compression: Compression) {
    const workerData: DecodeWorkerData = { compression, outSize: OUT_SIZE }
    this.#worker = startWorker('decode-worker', workerData)
    this.#worker.on('message', (message: FromDecoder) => this.#onMessage(message))
    // not a decoding failure (those come as messages): the thread itself failed to load, threw,
    // hit its heap limit or died
    this.#worker.on('error', (error) =>
      this.#fail(new WorkerFault(`the decoding thread failed (${error.message}): ${FAULT_REMEDY}`))
    )
    this.#worker.on('exit', (code) => {
      if (!this.#done && !this.#stopped)
        this.#fail(
          new WorkerFault(`the decoding thread ended early (exit code ${code}): ${FAULT_REMEDY}`)
        )
    })
  }

  /** The age payload's stage, once its key is known: pieces go to the thread as they come. */
  payload(key: KeyObject): PayloadStage {
    this.#post({ t: 'key', key })
    return {
      update: async (data) => {
        if (data.length === 0) return
        while (this.#inFlight >= IN_IN_FLIGHT && !this.#failure)
          await new Promise<void>((resolve) => (this.#tookWaiter = resolve))
        if (this.#failure) throw this.#failure
        this.#inFlight++
        // a copy goes (postMessage clones), so the caller may reuse `data` at once
        this.#post({ t: 'in', bytes: data })
      },
      final: async () => {
        if (this.#failure) throw this.#failure
        this.#post({ t: 'end' })
      }
    }
  }

  /** The plaintext, in order; ends when the payload has ended and every byte is out. */
  async *output(): AsyncGenerator<Buffer> {
    let lent: Buffer | undefined
    try {
      for (;;) {
        if (lent) this.#giveBack(lent)
        lent = undefined
        while (this.#outputs.length === 0 && !this.#done && !this.#failure)
          await new Promise<void>((resolve) => (this.#outWaiter = resolve))
        if (this.#failure) throw this.#failure
        const next = this.#outputs.shift()
        if (!next) return
        lent = next
        yield next
      }
    } finally {
      await this.stop()
    }
  }

  /** Fails both sides with `error` (the first failure wins) and ends the thread. */
  abort(error: Error): void {
    this.#fail(error)
  }

  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    await this.#worker.terminate()
  }

  #giveBack(buffer: Buffer): void {
    if (this.#stopped || this.#failure) return
    const whole = buffer.buffer as ArrayBuffer
    this.#post({ t: 'back', buffer: whole }, [whole])
  }

  #post(message: ToDecoder, transfer: ArrayBuffer[] = []): void {
    if (!this.#stopped) this.#worker.postMessage(message, transfer)
  }

  #onMessage(message: FromDecoder): void {
    switch (message.t) {
      case 'took':
        this.#inFlight--
        this.#wake()
        return
      case 'out':
        this.#outputs.push(Buffer.from(message.buffer, 0, message.length))
        this.#wake()
        return
      case 'done':
        this.#done = true
        this.#wake()
        return
      case 'error':
        this.#fail(receivedError(message.error))
    }
  }

  #fail(error: Error): void {
    if (this.#failure || this.#done) return
    this.#failure = error
    this.#wake()
    void this.stop()
  }

  #wake(): void {
    const took = this.#tookWaiter
    const out = this.#outWaiter
    this.#tookWaiter = undefined
    this.#outWaiter = undefined
    took?.()
    out?.()
  }
}
