import { StringDecoder } from 'node:string_decoder'
import { normalizeSecret } from '../config/passphrase.js'

/** The person ended the prompt: Ctrl-C (exit 130, as a shell reports SIGINT) or Ctrl-D (exit 2). */
export class PromptEnded extends Error {
  constructor(
    message: string,
    readonly exitCode: number
  ) {
    super(message)
    this.name = 'PromptEnded'
  }
}

const CTRL_C = 0x03
const CTRL_D = 0x04
const CTRL_U = 0x15
const ESC = 0x1b

/**
 * Reads one line from the terminal without echo, byte by byte in raw mode: so Ctrl-C and Ctrl-D
 * arrive as bytes we answer, not as a signal or a silent end of input that would leave the
 * caller's promise unsettled.
 */
export function readHidden(prompt: string): Promise<string> {
  const input = process.stdin
  const output = process.stderr
  return new Promise((resolve, reject) => {
    const wasRaw = input.isTTY ? input.isRaw : false
    // echo goes off before the prompt shows, so nothing typed after it can appear
    if (input.isTTY) input.setRawMode(true)
    output.write(prompt)
    const decoder = new StringDecoder('utf8')
    let answer = ''
    let inEscape = false
    const finish = (error?: Error) => {
      input.off('data', onData)
      input.off('end', onEnd)
      process.off('SIGINT', onSigint)
      if (input.isTTY) input.setRawMode(wasRaw)
      input.pause()
      output.write('\n')
      if (error) reject(error)
      else resolve(answer)
    }
    const cancelled = () => new PromptEnded('passphrase prompt cancelled (Ctrl-C)', 130)
    const ended = () =>
      new PromptEnded(
        'passphrase prompt ended (Ctrl-D) before a passphrase was typed; type one and press Enter, or use --passphrase-file FILE',
        2
      )
    const onData = (chunk: Buffer) => {
      for (const byte of chunk) {
        // arrow and function keys (ESC [ ... final byte) are not part of a passphrase
        if (inEscape) {
          if (byte >= 0x40 && byte <= 0x7e && byte !== 0x5b) inEscape = false
          continue
        }
        if (byte === CTRL_C) return finish(cancelled())
        if (byte === CTRL_D) return finish(ended())
        if (byte === 0x0d || byte === 0x0a) {
          answer += decoder.end()
          return finish()
        }
        if (byte === 0x7f || byte === 0x08) {
          answer = [...answer].slice(0, -1).join('')
          continue
        }
        if (byte === CTRL_U) {
          answer = ''
          continue
        }
        if (byte === ESC) {
          inEscape = true
          continue
        }
        if (byte < 0x20 && byte !== 0x09) continue
        answer += decoder.write(Buffer.of(byte))
      }
    }
    const onEnd = () => finish(ended())
    const onSigint = () => finish(cancelled())
    input.on('data', onData)
    input.on('end', onEnd)
    process.on('SIGINT', onSigint)
    input.resume()
  })
}

const TRIES = 3

/**
 * Asks for the passphrase. For a new snapshot it asks twice and compares, at most three times: a
 * typo there would lock the snapshot for good. The answer is under the one rule for secrets.
 */
export async function promptPassphrase(
  confirm: boolean,
  envName: string,
  write: (line: string) => void
): Promise<string> {
  for (let attempt = 1; attempt <= TRIES; attempt++) {
    const first = normalizeSecret(await readHidden('Snapshot passphrase (not echoed): '))
    if (first === '') {
      write('the passphrase is empty; type one, or press Ctrl-C to stop')
      continue
    }
    if (!confirm) return first
    const second = normalizeSecret(await readHidden('Same passphrase again, to confirm: '))
    if (first === second) return first
    write('the two passphrases do not match; type it again')
  }
  throw new PromptEnded(
    `no passphrase after ${TRIES} tries; use --passphrase-file FILE or the ${envName} variable instead`,
    2
  )
}
