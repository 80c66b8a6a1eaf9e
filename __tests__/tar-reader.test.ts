import { END, header, pax, padded, paxRecord, rawPax } from '../__fixtures__/tar-hostile.js'
import { checkEntryPath, checkLinkTarget, showPath } from '../src/tar/entry-path.js'
import { findLinkEscape } from '../src/restore/link-escape.js'
import { parsePaxRecords } from '../src/tar/pax-records.js'
import {
  TarReader,
  TRAILING_ZEROS_MAX,
  type TarEntry,
  type TarSink
} from '../src/tar/tar-reader.js'

class Recorder implements TarSink {
  readonly entries: TarEntry[] = []
  readonly pieces: Buffer[] = []
  ends = 0
  entry(entry: TarEntry): void {
    this.entries.push(entry)
  }
  data(piece: Buffer): void {
    this.pieces.push(piece)
  }
  fileEnd(): void {
    this.ends++
  }
}

function read(bytes: Buffer, chunk = bytes.length): Recorder {
  const sink = new Recorder()
  const reader = new TarReader(sink)
  for (let i = 0; i < bytes.length; i += chunk) reader.push(bytes.subarray(i, i + chunk))
  reader.finish()
  return sink
}

describe('TarReader', () => {
  it('hands file data over as views of the input, one piece when it fits a chunk', () => {
    const input = Buffer.concat([
      header({ path: 'f', type: '0', size: 5 }),
      padded(Buffer.from('hello')),
      END
    ])
    const sink = read(input)
    expect(sink.pieces).toHaveLength(1)
    expect(sink.pieces[0]!.buffer).toBe(input.buffer)
    expect(sink.pieces[0]!.toString()).toBe('hello')
    expect(sink.ends).toBe(1)
  })

  it('joins the ustar prefix and name fields', () => {
    const long = `${'p'.repeat(120)}/${'n'.repeat(90)}`
    const block = header({ path: long, type: '0' })
    expect(block.toString('latin1', 0, 100)).toMatch(/^n{90}\0/)
    expect(read(Buffer.concat([block, END])).entries[0]!.path).toBe(long)
  })

  it('lets a pax path replace the whole ustar name, prefix included, as POSIX says', () => {
    const long = `${'p'.repeat(120)}/${'n'.repeat(90)}`
    const sink = read(
      Buffer.concat([pax({ path: 'state/x' }), header({ path: long, type: '0' }), END])
    )
    expect(sink.entries[0]!.path).toBe('state/x')
  })

  it('takes the size from pax when present and keeps mode bits only', () => {
    const sink = read(
      Buffer.concat([
        pax({ size: 3 }),
        header({ path: 'f', type: '0', size: 0, mode: 0o100755 }),
        padded(Buffer.from('abc')),
        END
      ]),
      100
    )
    expect(sink.entries[0]).toMatchObject({ path: 'f', size: 3, mode: 0o755, mtime: 1_700_000_000 })
    expect(Buffer.concat(sink.pieces).toString()).toBe('abc')
  })

  it('strips one trailing slash from folders and records symlink targets', () => {
    const sink = read(
      Buffer.concat([
        header({ path: 'd/', type: '5' }),
        header({ path: 'd/l', type: '2', linkpath: 'x' }),
        END
      ])
    )
    expect(sink.entries.map((e) => [e.path, e.type, e.target])).toEqual([
      ['d', 'dir', ''],
      ['d/l', 'symlink', 'x']
    ])
  })

  it('refuses an empty pax header followed by the end', () => {
    expect(() => read(Buffer.concat([rawPax(''), END]))).toThrow(
      /pax header at byte 0 describes no entry/
    )
  })
})

describe('parsePaxRecords', () => {
  const parse = (body: string): ReturnType<typeof parsePaxRecords> =>
    parsePaxRecords(Buffer.from(body, 'utf8'))

  it('reads path, linkpath and size, counting bytes not characters', () => {
    const body =
      paxRecord('path', 'é日本/x') + paxRecord('linkpath', 'a=b') + paxRecord('size', '12')
    expect(parse(body)).toEqual({ path: 'é日本/x', linkpath: 'a=b', size: 12 })
  })

  it('keeps newlines inside values', () => {
    expect(parse(paxRecord('path', 'a\nb')).path).toBe('a\nb')
  })

  it.each([
    ['a wrong length', '13 path=abc\n', /malformed pax record at byte 0/],
    ['a leading zero length', '013 path=abc\n', /malformed/],
    ['no trailing newline', '13 path=abcd', /malformed/],
    ['no equals sign', '9 pathab\n', /malformed/],
    ['an empty key', '8 =value\n', /malformed/],
    ['a length past the end', '99 path=abc\n', /malformed/],
    ['trailing garbage', `${paxRecord('path', 'a')}xyz`, /malformed pax record at byte 9/],
    ['a duplicate key', paxRecord('path', 'a') + paxRecord('path', 'b'), /pax key "path" twice/],
    ['a signed size', paxRecord('size', '-1'), /absurd pax size "-1"/],
    ['a fractional size', paxRecord('size', '1.5'), /absurd pax size/],
    ['an absurd size', paxRecord('size', String(2 ** 51)), /absurd pax size/],
    ['a sparse key', paxRecord('GNU.sparse.size', '9'), /GNU sparse pax keys/],
    ['an unknown key', paxRecord('mode', '0777'), /pax key "mode", which a snapshot never writes/]
  ])('refuses %s', (_name, body, message) => {
    expect(() => parse(body)).toThrow(message)
  })
})

describe('entry names and link targets', () => {
  it('quotes names on one line and shortens long ones', () => {
    expect(showPath('a\nb')).toBe('"a\\nb"')
    expect(showPath('a\u2028b')).toBe('"a\\u2028b"')
    const shown = showPath('x'.repeat(5000))
    expect(shown.length).toBeLessThan(200)
    expect(shown).toContain('…')
  })

  it('accepts what the writer writes and refuses the rest', () => {
    expect(checkEntryPath('state/a b\\c', false)).toBe('state/a b\\c')
    expect(checkEntryPath('state/', true)).toBe('state')
    expect(() => checkEntryPath('state//', true)).toThrow(/empty path component/)
    expect(() => checkEntryPath('', false)).toThrow(/empty name/)
    expect(() => checkEntryPath('/', true)).toThrow(/empty name/)
    expect(() => checkEntryPath('..', true)).toThrow(/"\.\." component/)
  })

  it('checks link targets lexically from the link folder', () => {
    expect(() => checkLinkTarget('a/b/l', '../../x')).not.toThrow()
    expect(() => checkLinkTarget('a/b/l', '../../../x')).toThrow(/points outside the snapshot/)
    expect(() => checkLinkTarget('l', '.')).not.toThrow()
    expect(() => checkLinkTarget('l', 'a/../..')).toThrow(/points outside/)
    expect(() => checkLinkTarget('l', '')).toThrow(/empty target/)
  })
})

describe('findLinkEscape', () => {
  const links = (pairs: [string, string][]): Map<string, string> => new Map(pairs)

  it('follows chains through the archive’s own links', () => {
    expect(
      findLinkEscape(
        links([
          ['s', '.'],
          ['u', 's/..']
        ])
      )
    ).toEqual({ link: 'u', via: 's', tooTangled: false })
    expect(
      findLinkEscape(
        links([
          ['a/s', '..'],
          ['a/u', 's/../..']
        ])
      )
    ).toEqual({ link: 'a/u', via: 'a/s', tooTangled: false })
    expect(
      findLinkEscape(
        links([
          ['a/b/s', '../..'],
          ['a/b/t', 's'],
          ['a/b/u', 't/x/../..']
        ])
      )
    ).toEqual({ link: 'a/b/u', via: 'a/b/s', tooTangled: false })
  })

  it('gives up, saying so, when chains need more lookups than the budget', () => {
    const chain = links([
      ['a', 'x/../b'],
      ['b', 'x/../a']
    ])
    expect(findLinkEscape(chain)).toBeUndefined()
    expect(findLinkEscape(chain, 50)).toEqual({ link: 'a', via: '', tooTangled: true })
  })

  it('climbs out of a missing folder only as far as it went in', () => {
    expect(findLinkEscape(links([['d/l', 'm/n/../../..']]))).toBeUndefined()
    expect(findLinkEscape(links([['d/l', 'm/n/../../../..']]))).toMatchObject({ link: 'd/l' })
  })

  it('lets inside-only chains, loops and dangling links be', () => {
    expect(
      findLinkEscape(
        links([
          ['s', '.'],
          ['u', 's/a/..']
        ])
      )
    ).toBeUndefined()
    expect(
      findLinkEscape(
        links([
          ['a', 'b'],
          ['b', 'a'],
          ['c', 'a/..']
        ])
      )
    ).toBeUndefined()
    expect(findLinkEscape(links([['d/l', 'missing/../x']]))).toBeUndefined()
  })
})

describe('zeros after the end-of-archive marker', () => {
  const archive = Buffer.concat([
    header({ path: 'f', type: '0', size: 5 }),
    padded(Buffer.from('hello')),
    END
  ])
  // chunkings that put the marker, and the cap, at and across chunk edges
  const chunks = [512, 1000, 65536, 1 << 20, 3 << 20]

  it.each(chunks)('up to the cap are padding (chunks of %i)', (chunk) => {
    const padding = Buffer.alloc(TRAILING_ZEROS_MAX)
    expect(read(Buffer.concat([archive, padding]), chunk).pieces.toString()).toBe('hello')
  })

  it.each(chunks)('past the cap are refused as a bomb (chunks of %i)', (chunk) => {
    const padding = Buffer.alloc(TRAILING_ZEROS_MAX + 512)
    expect(() => read(Buffer.concat([archive, padding]), chunk)).toThrow(
      `archive is corrupt: more than ${TRAILING_ZEROS_MAX} bytes of zeros follow the end-of-archive marker`
    )
  })
})
