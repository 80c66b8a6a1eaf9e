import { gitLines, gitObjects } from '../util/git-output.js'

/** The Git LFS spec: a pointer is under 1024 bytes and starts with this version line. */
const POINTER_LIMIT = 1024
const VERSION_LINE =
  /^version https:\/\/(git-lfs\.github\.com\/spec\/v1|hawser\.github\.com\/spec\/v1)\n/

/** Whether these bytes are a Git LFS pointer (the real file is on the LFS server, not in git). */
export function isLfsPointer(content: Buffer): boolean {
  if (content.length >= POINTER_LIMIT) return false
  const text = content.toString('utf8')
  return VERSION_LINE.test(text) && /\noid sha256:[0-9a-f]{64}\n/.test(text)
}

/** Of these blob ids, how many are LFS pointers: sizes in one pass, the small ones read in one more. */
export async function countLfsPointers(repo: string, blobs: ReadonlySet<string>): Promise<number> {
  if (blobs.size === 0) return 0
  const small: string[] = []
  for await (const line of gitLines(
    repo,
    ['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'],
    { input: blobs }
  )) {
    const [id, type, size] = line.split(' ')
    if (id && type === 'blob' && Number(size) < POINTER_LIMIT) small.push(id)
  }
  let pointers = 0
  for await (const object of gitObjects(repo, small)) {
    if (object.type === 'blob' && isLfsPointer(object.content)) pointers++
  }
  return pointers
}
