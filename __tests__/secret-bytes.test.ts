import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { InputError } from '../src/config/input-error.js'
import { passphraseFromFileContent, resolvePassphrase } from '../src/config/passphrase.js'
import { tempDir } from '../__fixtures__/trees.js'

/** The variable as a real Node process sees it when the shell exports these raw bytes. */
function envAsNodeSees(bytes: Buffer): string {
  const script = `X=$(printf '${[...bytes].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('')}') exec "$0" -e 'process.stdout.write(JSON.stringify(process.env.X))'`
  return JSON.parse(execFileSync('sh', ['-c', script, process.execPath], { encoding: 'utf8' }))
}

// a strong UTF-8 stem, then bytes that are not UTF-8 (lone continuation, overlong, surrogate, 0xff)
const stem = Buffer.from('Strong-Words-Here-8812-')
const badTails = [[0xff], [0xfe], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xc3], [0xf8, 0x88]]

describe('a passphrase that is not valid UTF-8 is refused, not decoded to U+FFFD', () => {
  it.each(badTails)('env and file, tail %j', (...tail) => {
    const raw = Buffer.concat([stem, Buffer.from(tail)])
    const fromEnv = envAsNodeSees(raw)
    expect(() => resolvePassphrase('', { P: fromEnv }, 'P')).toThrow(InputError)
    expect(() => resolvePassphrase('', { P: fromEnv }, 'P')).toThrow(/not valid UTF-8/)
    const file = path.join(tempDir(), 'pass')
    fs.writeFileSync(file, raw, { mode: 0o600 })
    const content = fs.readFileSync(file, 'utf8') // as the CLI reads --passphrase-file
    expect(() => passphraseFromFileContent(content)).toThrow(/not valid UTF-8/)
  })

  it('never names the secret in the refusal', () => {
    const fromEnv = envAsNodeSees(Buffer.concat([stem, Buffer.from([0xff])]))
    try {
      resolvePassphrase('', { P: fromEnv }, 'P')
    } catch (error) {
      expect((error as Error).message).not.toContain('Strong')
    }
  })

  it('any byte string: refused exactly when UTF-8 decoding loses bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 24 }), (bytes) => {
        const raw = Buffer.concat([stem, Buffer.from(bytes)])
        // a literal U+FFFD typed as UTF-8 is refused too: not what this property is about
        fc.pre(!raw.includes(Buffer.from('\uFFFD')))
        const decoded = raw.toString('utf8')
        const lossy = !Buffer.from(decoded, 'utf8').equals(raw)
        const run = () => passphraseFromFileContent(decoded)
        if (lossy) expect(run).toThrow(/not valid UTF-8/)
        else expect(run).not.toThrow()
      })
    )
  })

  it('keeps accepting UTF-8 secrets from every script', () => {
    for (const secret of [
      'pässwörd-über-Straße-91',
      'пароль-надежный-4471',
      '秘密の合言葉は長い-77',
      '🔐-emoji-long-9931'
    ]) {
      expect(resolvePassphrase('', { P: envAsNodeSees(Buffer.from(secret)) }, 'P')).toBe(secret)
    }
  })
})
