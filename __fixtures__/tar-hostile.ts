import { createHash } from 'node:crypto'
import { Header, Pax } from 'tar'
import { INDEX_PATH, indexLine, type IndexEntry } from '../src/format/index-format.js'

/** Hand-written tar archives, hostile and honest, built from node-tar's Header/Pax encoders. */

const MTIME = new Date(1_700_000_000_000)
export const END = Buffer.alloc(1024)

export interface HeaderSpec {
  path: string
  /** A typeflag code ('0', '5', 'x', ...) or node-tar name ('File', 'Link', ...). */
  type: string
  size?: number
  mode?: number
  linkpath?: string
}

/** One 512-byte header block; long or non-ASCII names are left to a pax header (see entry()). */
export function header(spec: HeaderSpec): Buffer {
  const block = Buffer.alloc(512)
  const h = new Header({
    path: spec.path,
    mode: spec.mode ?? 0o644,
    uid: 0,
    gid: 0,
    size: spec.size ?? 0,
    mtime: MTIME,
    linkpath: spec.linkpath ?? '',
    uname: '',
    gname: ''
  })
  h.type = spec.type as never
  h.encode(block)
  return block
}

/** A pax header from node-tar's encoder (fields path, linkpath, size). */
export function pax(
  fields: { path?: string; linkpath?: string; size?: number },
  global = false
): Buffer {
  return new Pax(fields, global).encode()
}

/** A pax 'x' header with a hand-written body, for records node-tar would never encode. */
export function rawPax(body: string | Buffer): Buffer {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')
  return Buffer.concat([
    header({ path: 'PaxHeader/x', type: 'x', size: bytes.length }),
    padded(bytes)
  ])
}

/** One pax record with its self-counting length prefix. */
export function paxRecord(key: string, value: string): string {
  const text = ` ${key}=${value}\n`
  let length = Buffer.byteLength(text) + 1
  while (String(length).length + Buffer.byteLength(text) !== length) length++
  return `${length}${text}`
}

export function padded(bytes: Buffer): Buffer {
  const pad = (512 - (bytes.length % 512)) % 512
  return Buffer.concat([bytes, Buffer.alloc(pad)])
}

/** A header, with a pax header before it when the ustar fields cannot hold the names. */
export function entry(spec: HeaderSpec, content: Buffer = Buffer.alloc(0)): Buffer {
  // node-tar's prefix split is quadratic in path depth: past ustar's 256 bytes, go straight to pax
  const tooLong = Buffer.byteLength(spec.path) > 256
  const probe = new Header({ path: spec.path, linkpath: spec.linkpath, size: spec.size ?? 0 })
  const needPax = tooLong || probe.encode(Buffer.alloc(512))
  const parts = needPax ? [pax({ path: spec.path, linkpath: spec.linkpath })] : []
  const shortPath = tooLong ? spec.path.slice(-99) : spec.path
  parts.push(header({ ...spec, path: shortPath, size: spec.size ?? content.length }))
  if (content.length > 0) parts.push(padded(content))
  return Buffer.concat(parts)
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

/** Builds an archive in the snapshot writer's shape, recording the index it should carry. */
export class TarBuilder {
  private readonly parts: Buffer[] = []
  readonly lines: string[] = []

  dir(path: string, mode = 0o755): this {
    this.parts.push(entry({ path: `${path}/`, type: '5', mode }))
    return this.listed({ path, type: 'dir', mode })
  }

  file(path: string, content: string | Buffer, mode = 0o644): this {
    const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8')
    this.parts.push(entry({ path, type: '0', mode }, bytes))
    return this.listed({ path, type: 'file', mode, size: bytes.length, sha256: sha256(bytes) })
  }

  symlink(path: string, target: string): this {
    this.parts.push(entry({ path, type: '2', mode: 0o777, linkpath: target }))
    return this.listed({ path, type: 'symlink', mode: 0o777, target })
  }

  /** Bytes placed as they are, not listed in the index. */
  raw(...bytes: Buffer[]): this {
    this.parts.push(...bytes)
    return this
  }

  indexBytes(): Buffer {
    return Buffer.from(this.lines.join(''), 'utf8')
  }

  /** Appends the index entry (or the given bytes as the index) without the end marker. */
  index(bytes = this.indexBytes()): this {
    this.parts.push(entry({ path: INDEX_PATH, type: '0' }, bytes))
    return this
  }

  /** The archive so far plus the index (unless skipped) and the end-of-archive marker. */
  build(options: { index?: boolean; end?: boolean } = {}): Buffer {
    const tail: Buffer[] = []
    if (options.index !== false)
      tail.push(entry({ path: INDEX_PATH, type: '0' }, this.indexBytes()))
    if (options.end !== false) tail.push(END)
    return Buffer.concat([...this.parts, ...tail])
  }

  private listed(item: IndexEntry): this {
    this.lines.push(`${indexLine(item)}\n`)
    return this
  }
}

export interface HostileCase {
  name: string
  bytes: Buffer
  /** A fragment the one-line rejection must contain. */
  rejects: RegExp
}

/** Breaks a header's checksum by changing a name byte after encoding. */
function corrupt(block: Buffer): Buffer {
  const copy = Buffer.from(block)
  copy[0] = copy[0]! ^ 0x01
  return copy
}

/**
 * Every trick the reader must refuse. outside is an absolute folder beside the restore folder
 * (the sentinel): links aim at it so a test can prove nothing was written there.
 */
export function hostileCases(outside: string): HostileCase[] {
  const ok = (): TarBuilder => new TarBuilder().dir('state')
  const text = Buffer.from('pwned\n')
  const cases: HostileCase[] = [
    {
      name: 'dot-dot path',
      bytes: ok()
        .raw(entry({ path: '../x', type: '0' }, text))
        .build(),
      rejects: /"\.\.\/x" has a "\.\." component/
    },
    {
      name: 'absolute path',
      bytes: ok()
        .raw(entry({ path: `${outside}/abs`, type: '0' }, text))
        .build(),
      rejects: /is an absolute path/
    },
    {
      name: 'inner dot-dot',
      bytes: ok()
        .raw(entry({ path: 'a/../../x', type: '0' }, text))
        .build(),
      rejects: /has a "\.\." component/
    },
    {
      name: 'dot component',
      bytes: ok()
        .raw(entry({ path: './state/x', type: '0' }, text))
        .build(),
      rejects: /has a "\." component/
    },
    {
      name: 'empty component',
      bytes: ok()
        .raw(entry({ path: 'state//x', type: '0' }, text))
        .build(),
      rejects: /has an empty path component/
    },
    {
      name: 'file with a trailing slash',
      bytes: ok()
        .raw(entry({ path: 'state/x/', type: '0' }, text))
        .build(),
      rejects: /has an empty path component/
    },
    {
      name: 'absolute symlink then a file through it',
      bytes: ok()
        .raw(
          entry({ path: 'state/l', type: '2', linkpath: outside }),
          entry({ path: 'state/l/x', type: '0' }, text)
        )
        .build(),
      rejects: /symlink "state\/l" points outside the snapshot \(absolute target/
    },
    {
      name: 'symlink to /etc then a file through it',
      bytes: ok()
        .raw(
          entry({ path: 'l', type: '2', linkpath: '/etc' }),
          entry({ path: 'l/cutover-gate-pwned', type: '0' }, text)
        )
        .build(),
      rejects: /symlink "l" points outside/
    },
    {
      name: 'relative symlink climbing out',
      bytes: ok()
        .raw(
          entry({ path: 'state/l', type: '2', linkpath: '../..' }),
          entry({ path: 'state/l/x', type: '0' }, text)
        )
        .build(),
      rejects: /symlink "state\/l" points outside the snapshot \(target "\.\.\/\.\."\)/
    },
    {
      name: 'symlink to a folder inside, then a file through it',
      bytes: ok()
        .dir('state/d')
        .symlink('state/l', 'd')
        .raw(entry({ path: 'state/l/x', type: '0' }, text))
        .build(),
      rejects: /entry "state\/l\/x" escapes through a link: "state\/l" is a symlink/
    },
    {
      name: 'file through a file',
      bytes: ok()
        .file('state/f', 'x')
        .raw(entry({ path: 'state/f/x', type: '0' }, text))
        .build(),
      rejects: /escapes through a link: "state\/f" is a file/
    },
    {
      name: 'symlink chain climbing out',
      bytes: ok().symlink('state/s', '.').symlink('state/t', 's/../..').build(),
      rejects: /symlink "state\/t" points outside the snapshot through symlink "state\/s"/
    },
    {
      name: 'symlink chain out of the root',
      bytes: ok().symlink('s', '.').symlink('u', 's/..').build(),
      rejects: /symlink "u" points outside the snapshot through symlink "s"/
    },
    {
      name: 'hard link',
      bytes: ok()
        .raw(entry({ path: 'state/passwd', type: '1', linkpath: '/etc/passwd' }))
        .build(),
      rejects:
        /entry "state\/passwd" is a hard link \(to "\/etc\/passwd"\), which a snapshot never contains/
    },
    {
      name: 'character device',
      bytes: ok()
        .raw(entry({ path: 'state/null', type: '3' }))
        .build(),
      rejects: /is a character device, which a snapshot never contains/
    },
    {
      name: 'block device',
      bytes: ok()
        .raw(entry({ path: 'state/sda', type: '4' }))
        .build(),
      rejects: /is a block device/
    },
    {
      name: 'fifo',
      bytes: ok()
        .raw(entry({ path: 'state/pipe', type: '6' }))
        .build(),
      rejects: /is a fifo, which a snapshot never contains/
    },
    {
      name: 'contiguous file',
      bytes: ok()
        .raw(entry({ path: 'state/c', type: '7' }, text))
        .build(),
      rejects: /is a contiguous file/
    },
    {
      name: 'GNU long name',
      bytes: ok()
        .raw(
          header({ path: '././@LongLink', type: 'L', size: 12 }),
          padded(Buffer.from('../evil-long\0')),
          entry({ path: 'state/short', type: '0' }, text)
        )
        .build(),
      rejects: /is a GNU long name header, which a snapshot never contains/
    },
    {
      name: 'GNU long link name',
      bytes: ok()
        .raw(
          header({ path: '././@LongLink', type: 'K', size: 8 }),
          padded(Buffer.from('/etc/pw\0'))
        )
        .build(),
      rejects: /is a GNU long link name header/
    },
    {
      name: 'global pax header',
      bytes: ok()
        .raw(pax({ path: '../evil' }, true), entry({ path: 'state/g', type: '0' }, text))
        .build(),
      rejects: /is a global pax header, which a snapshot never contains/
    },
    {
      name: 'sparse file',
      bytes: ok()
        .raw(entry({ path: 'state/sparse', type: 'S' }))
        .build(),
      rejects: /is a GNU sparse file/
    },
    {
      name: 'GNU sparse pax keys',
      bytes: ok()
        .raw(rawPax(paxRecord('GNU.sparse.major', '1')), header({ path: 'state/sp', type: '0' }))
        .build(),
      rejects: /entry "state\/sp" has GNU sparse pax keys/
    },
    {
      name: 'pax path override to ../evil',
      bytes: ok()
        .raw(
          pax({ path: '../evil' }),
          header({ path: 'state/innocent', type: '0', size: text.length }),
          padded(text)
        )
        .build(),
      rejects: /entry "\.\.\/evil" has a "\.\." component/
    },
    {
      name: 'pax linkpath override leaving',
      bytes: ok()
        .raw(pax({ linkpath: '../../..' }), header({ path: 'state/l', type: '2', linkpath: 'ok' }))
        .build(),
      rejects: /symlink "state\/l" points outside/
    },
    {
      name: 'pax path with NUL',
      bytes: ok()
        .raw(rawPax(paxRecord('path', 'state/a\0../../x')), header({ path: 'state/a', type: '0' }))
        .build(),
      rejects: /has a NUL byte in its name/
    },
    {
      name: 'malformed pax record',
      bytes: ok()
        .raw(rawPax('99 path=state/a\n'), header({ path: 'state/a', type: '0' }))
        .build(),
      rejects: /has a malformed pax record/
    },
    {
      name: 'unknown pax key',
      bytes: ok()
        .raw(rawPax(paxRecord('SCHILY.xattr.user.x', 'y')), header({ path: 'state/a', type: '0' }))
        .build(),
      rejects: /pax key "SCHILY\.xattr\.user\.x", which a snapshot never writes/
    },
    {
      name: 'two pax headers in a row',
      bytes: ok()
        .raw(
          pax({ path: 'state/a' }),
          pax({ path: 'state/b' }),
          header({ path: 'state/a', type: '0' })
        )
        .build(),
      rejects: /two pax headers in a row/
    },
    {
      name: 'pax header then end',
      bytes: Buffer.concat([
        ok().build({ index: false, end: false }),
        pax({ path: 'state/a' }),
        END
      ]),
      rejects: /pax header at byte \d+ describes no entry/
    },
    {
      name: 'duplicate file',
      bytes: ok().file('state/a', 'one').file('state/a', 'two').build(),
      rejects: /entry "state\/a" appears twice in the archive/
    },
    {
      name: 'duplicate folder',
      bytes: ok().dir('state').build(),
      rejects: /entry "state" appears twice/
    },
    {
      name: 'file where a folder was implied',
      bytes: ok().file('x/y', '1').file('x', '2').build(),
      rejects: /entry "x" is a file, but earlier entries put files inside it/
    },
    {
      name: 'huge declared size (base-256)',
      bytes: ok()
        .raw(header({ path: 'state/big', type: '0', size: 2 ** 52 }))
        .build(),
      rejects: /entry "state\/big" declares an absurd size/
    },
    {
      name: 'huge pax size',
      bytes: ok()
        .raw(
          rawPax(paxRecord('size', '99999999999999999999')),
          header({ path: 'state/big', type: '0' })
        )
        .build(),
      rejects: /has an absurd pax size/
    },
    {
      name: 'negative size',
      bytes: ok()
        .raw(negativeSize(header({ path: 'state/neg', type: '0' })))
        .build(),
      rejects: /has an unreadable or negative size/
    },
    {
      name: 'garbage in the size field',
      bytes: ok()
        .raw(withSizeField(header({ path: 'state/g', type: '0' }), '0000000001x\0'))
        .build(),
      rejects: /has an unreadable or negative size/
    },
    {
      name: 'declared size beyond the stream',
      bytes: Buffer.concat([
        ok().build({ index: false, end: false }),
        header({ path: 'state/big', type: '0', size: 8 * 1024 ** 3 }),
        Buffer.alloc(4096, 7)
      ]),
      rejects: /truncated: the stream ends inside entry "state\/big" \(4096 of 8589934592 bytes\)/
    },
    {
      name: 'truncated mid-data',
      bytes: ok()
        .file('state/a', Buffer.alloc(5000, 1))
        .build()
        .subarray(0, 512 * 3 + 1000),
      rejects: /truncated: the stream ends inside entry "state\/a"/
    },
    {
      name: 'truncated mid-header',
      bytes: ok()
        .file('state/a', 'x')
        .build()
        .subarray(0, 512 + 100),
      rejects: /truncated: the stream ends inside a header block after entry "state"/
    },
    {
      name: 'no end-of-archive marker',
      bytes: ok().build({ end: false }),
      rejects: /truncated: .* without an end-of-archive marker/
    },
    {
      name: 'bad header checksum',
      bytes: ok()
        .raw(corrupt(header({ path: 'state/a', type: '0' })))
        .build(),
      rejects: /archive is corrupt: entry "rtate\/a" at byte 512 has a bad header checksum/
    },
    {
      name: 'not a ustar header',
      bytes: ok()
        .raw(oldGnuMagic(header({ path: 'state/a', type: '0' })))
        .build(),
      rejects: /entry "state\/a" at byte 512 is not a POSIX ustar header/
    },
    {
      name: 'index not last',
      bytes: ok()
        .index()
        .raw(entry({ path: 'state/late', type: '0' }, text))
        .build({ index: false }),
      rejects:
        /entry "state\/late" comes after the index \.cutover-gate\/index\.jsonl, which must be the last entry/
    },
    {
      name: 'missing index',
      bytes: ok().file('state/a', 'x').build({ index: false }),
      rejects: /archive has no index entry \.cutover-gate\/index\.jsonl/
    },
    {
      name: 'index that is a folder',
      bytes: ok()
        .raw(entry({ path: `${INDEX_PATH}/`, type: '5' }))
        .build({ index: false }),
      rejects: /is a dir, but the index must be a regular file/
    },
    {
      name: 'entry in the reserved folder',
      bytes: ok()
        .raw(entry({ path: '.cutover-gate/other', type: '0' }, text))
        .build(),
      rejects: /is inside \.cutover-gate\/, which only the index may use/
    },
    {
      name: 'garbage after the end marker',
      bytes: Buffer.concat([ok().build(), Buffer.alloc(1024), Buffer.from('surprise')]),
      rejects: /data follows the end-of-archive marker/
    },
    {
      name: 'lone zero block',
      bytes: Buffer.concat([
        ok().build({ index: false, end: false }),
        Buffer.alloc(512),
        ok().build({ end: false })
      ]),
      rejects: /a lone zero block comes before entry "state\/" at byte 1024/
    },
    {
      name: 'folder with data',
      bytes: ok()
        .raw(header({ path: 'state/d/', type: '5', size: 512 }), padded(text))
        .build(),
      rejects: /entry "state\/d" is a folder with 512 bytes of data/
    },
    {
      name: 'unknown type',
      bytes: ok()
        .raw(entry({ path: 'state/q', type: 'V' }))
        .build(),
      rejects: /is a tape volume label/
    }
  ]
  return cases
}

function withSizeField(block: Buffer, text: string): Buffer {
  const copy = Buffer.from(block)
  copy.write(text, 124, 12, 'latin1')
  return rechecksum(copy)
}

function negativeSize(block: Buffer): Buffer {
  const copy = Buffer.from(block)
  copy.fill(0xff, 124, 136)
  return rechecksum(copy)
}

function oldGnuMagic(block: Buffer): Buffer {
  const copy = Buffer.from(block)
  copy.write('ustar  \0', 257, 8, 'latin1')
  return rechecksum(copy)
}

/** Recomputes a header checksum after hand edits, so only the edit is wrong. */
export function rechecksum(block: Buffer): Buffer {
  block.fill(0x20, 148, 156)
  let sum = 0
  for (let i = 0; i < 512; i++) sum += block[i]!
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1')
  return block
}

/** n nested folders `d/d/...`: long names travel in pax headers. */
export function deepNesting(levels: number): Buffer {
  const builder = new TarBuilder()
  let path = 'd'
  for (let i = 0; i < levels; i++) {
    builder.dir(path)
    path += '/d'
  }
  return builder.build()
}
