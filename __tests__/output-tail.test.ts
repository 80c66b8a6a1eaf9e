import fc from 'fast-check'
import { LineSplitter, MAX_LINE_BYTES, OutputTail } from '../src/migration/output-tail.js'
import { runCommand } from '../src/migration/run-command.js'

const MiB = 1024 * 1024

/** A real child writing `total` bytes in pieces made by a JavaScript expression of the offset. */
function printer(total: number, piece: string): string[] {
  const program = `const piece = Buffer.from(${piece}); let left = ${total};
    const write = () => { while (left > 0) { const part = left >= piece.length ? piece : piece.subarray(0, left);
      left -= part.length; if (!process.stdout.write(part)) return process.stdout.once('drain', write) } };
    write()`
  return [process.execPath, '-e', program]
}

/** Runs argv through runCommand with live lines, sampling this process's RSS while it runs. */
async function measure(argv: string[]) {
  global.gc?.()
  const before = process.memoryUsage.rss()
  let peak = before
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5)
  let count = 0
  let longest = 0
  const lines: string[] = []
  const run = await runCommand(argv, {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '' },
    timeoutMs: 600_000,
    onLine: (line) => {
      count++
      longest = Math.max(longest, line.length)
      if (lines.length < 5) lines.push(line)
    }
  })
  clearInterval(sampler)
  peak = Math.max(peak, process.memoryUsage.rss())
  return { run, growth: peak - before, count, longest, lines }
}

// each logged line is the cap plus a short note, never the whole line
const LONGEST_LOGGED = MAX_LINE_BYTES + 64

describe('live output lines are bounded in memory, whatever their length', () => {
  // the first pipe reads of this process grow its heap and buffer pools once, whatever the lines
  beforeAll(() => measure(printer(64 * MiB, `'warm\\n'.repeat(8192)`)), 120_000)
  const cases: [string, number, string, number][] = [
    // name, total bytes, piece expression, expected line count (-1: not checked)
    ['100 MB on one line, no newline', 100 * MiB, `'x'.repeat(65536)`, 1],
    ['many 1 MiB lines', 100 * MiB, `'y'.repeat(${MiB - 1}) + '\\n'`, 100],
    ['one long line, then short ones', 40 * MiB, `'z'.repeat(65536)`, -1],
    [
      'binary, no newline',
      50 * MiB,
      `require('crypto').randomBytes(65536).map(b => b === 10 ? 0 : b)`,
      1
    ],
    ['CR only (a progress bar)', 60 * MiB, `'50%\\r'.repeat(16384)`, 1]
  ]
  it.each(cases)(
    '%s',
    async (_name, total, piece, lineCount) => {
      const argv =
        _name === 'one long line, then short ones'
          ? [
              'sh',
              '-c',
              `${printer(total, piece)
                .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
                .join(' ')}; printf '\\nshort 1\\nshort 2\\n'`
            ]
          : printer(total, piece)
      const { run, growth, count, longest, lines } = await measure(argv)
      expect(run.exitCode).toBe(0)
      expect(run.outputBytes).toBe(total + (lineCount === -1 ? 17 : 0))
      expect(growth).toBeLessThan(64 * MiB)
      expect(longest).toBeLessThanOrEqual(LONGEST_LOGGED)
      if (lineCount !== -1) expect(count).toBe(lineCount)
      else expect(lines.slice(1)).toEqual(['short 1', 'short 2'])
      expect(lines[0]).toMatch(/ \u2026 \(\d+ more bytes\)$/)
      // the tail for the report stays bounded too
      expect(run.output.length).toBeLessThanOrEqual(64 * 1024 + 100)
    },
    120_000
  )
})

describe('LineSplitter', () => {
  it('says how many bytes a long line lost, counting the cut character whole', () => {
    const lines: string[] = []
    const splitter = new LineSplitter((line) => lines.push(line))
    // 'é' is 2 bytes: an odd prefix puts the cap in the middle of one
    splitter.push(Buffer.from('a' + 'é'.repeat(MAX_LINE_BYTES) + '\r\nnext\n'))
    const [first, second] = lines
    const [, kept, more] = /^(.*) \u2026 \((\d+) more bytes\)$/s.exec(first!)!
    expect(kept).toBe('a' + 'é'.repeat((MAX_LINE_BYTES - 2) / 2))
    expect(Buffer.byteLength(kept!) + Number(more)).toBe(1 + 2 * MAX_LINE_BYTES)
    expect(second).toBe('next')
  })

  it('gives the same lines however the bytes are chunked (short lines whole, long ones capped)', () => {
    const text = fc.stringMatching(/^[a-z\r\né✓]{0,30}$/)
    const line = fc.oneof(
      text,
      fc.nat(3 * MAX_LINE_BYTES).map((n) => 'q'.repeat(n))
    )
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (parts, cuts) => {
          const bytes = Buffer.from(parts.join('\n'))
          const whole: string[] = []
          const one = new LineSplitter((l) => whole.push(l))
          one.push(bytes)
          one.end()
          const pieces: string[] = []
          const many = new LineSplitter((l) => pieces.push(l))
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
          let at = 0
          for (const p of [...points, bytes.length]) {
            many.push(bytes.subarray(at, p))
            at = p
          }
          many.end()
          expect(pieces).toEqual(whole)
          const expected = bytes.toString().split('\n')
          if (expected.at(-1) === '') expected.pop()
          expect(whole).toEqual(
            expected
              .map((l) => l.replace(/\r$/, ''))
              .map((l) =>
                Buffer.byteLength(l) <= MAX_LINE_BYTES
                  ? l
                  : `${l.slice(0, MAX_LINE_BYTES)} \u2026 (${Buffer.byteLength(l) - MAX_LINE_BYTES} more bytes)`
              )
          )
        }
      ),
      { numRuns: 200 }
    )
  })

  it('keeps the report tail bounded for the same outputs', () => {
    const tail = new OutputTail()
    for (let i = 0; i < 200; i++) tail.push(Buffer.alloc(MiB, 'w'))
    expect(tail.text().length).toBeLessThanOrEqual(64 * 1024 + 100)
  })
})
