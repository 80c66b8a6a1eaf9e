import { TextLog } from '../src/util/text-log.js'

describe('TextLog', () => {
  it('holds exactly the UTF-8 of what was appended, across many growths', () => {
    const log = new TextLog()
    const parts: string[] = []
    // ASCII, 2-, 3- and 4-byte characters, lines long and short: well past the first 64 KiB
    const samples = ['a', 'ñandú ', '日本語 ', '🗝️ key ', 'x'.repeat(70_000), '\n']
    for (let i = 0; i < 5_000; i++) {
      const part = samples[i % samples.length]! + String(i)
      parts.push(part)
      log.append(part)
    }
    expect(log.bytes().equals(Buffer.from(parts.join(''), 'utf8'))).toBe(true)
  })

  it('is empty before anything is appended', () => {
    expect(new TextLog().bytes().length).toBe(0)
  })
})
