import { Header } from 'tar/header'
import { Pax } from 'tar/pax'
import { BLOCK } from './layout.js'

/** What the snapshot writes: POSIX (ustar + pax) entries of three types and nothing else. */
export interface TarEntry {
  path: string
  type: 'file' | 'dir' | 'symlink'
  mode: number
  size: number
  mtime: Date
  linkpath?: string
}

const TYPE = { file: 'File', dir: 'Directory', symlink: 'SymbolicLink' } as const

/**
 * The header block(s) of one entry: a pax extended header first when path, link target or size
 * do not fit ustar (long or non-ASCII names, files of 8 GiB and more), then the ustar header.
 */
export function encodeTarHeader(entry: TarEntry): Buffer {
  const name = entry.type === 'dir' ? `${entry.path}/` : entry.path
  const mtime = new Date(Math.floor(entry.mtime.getTime() / 1000) * 1000)
  const header = new Header({
    path: name,
    mode: entry.mode,
    uid: 0,
    gid: 0,
    size: entry.type === 'file' ? entry.size : 0,
    mtime,
    type: TYPE[entry.type],
    linkpath: entry.linkpath ?? '',
    uname: '',
    gname: '',
    devmaj: 0,
    devmin: 0
  })
  const block = Buffer.alloc(BLOCK)
  header.encode(block, 0)
  if (!header.needPax) return block
  const pax = new Pax({
    path: name,
    linkpath: entry.linkpath,
    size: entry.type === 'file' ? entry.size : undefined,
    mtime
  }).encode()
  return Buffer.concat([pax, block])
}
