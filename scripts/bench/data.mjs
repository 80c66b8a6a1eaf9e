// Bench data: realistic, varied JSONL text and incompressible random bytes, generated quickly.
import { randomFillSync } from 'node:crypto'

const LEVELS = ['debug', 'info', 'info', 'info', 'warn', 'error']
const SERVICES = ['graph-api', 'ingest', 'exporter', 'scheduler', 'auth', 'search-indexer']
const VERBS = [
  'created',
  'updated',
  'deleted',
  'merged',
  'linked',
  'scanned',
  'exported',
  'retried'
]
const NOUNS = ['node', 'edge', 'episode', 'entity', 'community', 'snapshot', 'session', 'batch']
const WORDS = (
  'the a of to in for on with from by after before during while status pending ok failed ' +
  'timeout connection pool cache miss hit key value shard replica primary lease token quota ' +
  'request response upstream downstream retry backoff queue worker job checkpoint offset'
).split(' ')
const PATHS = ['/v1/nodes', '/v1/edges', '/v1/search', '/v1/episodes', '/healthz', '/v1/export']

/** Small fast PRNG (mulberry32) so the text is varied but reproducible from a seed. */
export function rng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pick = (r, list) => list[Math.floor(r() * list.length)]
const hex = (r, n) => {
  let s = ''
  while (s.length < n)
    s += Math.floor(r() * 0x100000000)
      .toString(16)
      .padStart(8, '0')
  return s.slice(0, n)
}

function message(r) {
  const n = 3 + Math.floor(r() * 9)
  const words = []
  for (let i = 0; i < n; i++) words.push(pick(r, WORDS))
  return `${pick(r, NOUNS)} ${hex(r, 8)} ${pick(r, VERBS)}: ${words.join(' ')}`
}

/** One log line; the clock moves forward by a random step so timestamps look like a real log. */
function line(r, clock) {
  clock.ms += Math.floor(r() * 900)
  const level = pick(r, LEVELS)
  const fields = [
    `"ts":"${new Date(clock.ms).toISOString()}"`,
    `"level":"${level}"`,
    `"service":"${pick(r, SERVICES)}"`,
    `"request_id":"${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}"`,
    `"user_id":${Math.floor(r() * 1e6)}`,
    `"method":"${r() < 0.7 ? 'GET' : 'POST'}"`,
    `"path":"${pick(r, PATHS)}/${Math.floor(r() * 1e5)}"`,
    `"status":${level === 'error' ? 500 : r() < 0.9 ? 200 : 404}`,
    `"latency_ms":${(r() * 250).toFixed(2)}`,
    `"msg":"${message(r)}"`
  ]
  if (r() < 0.3)
    fields.push(`"attrs":{"group_id":"${hex(r, 16)}","count":${Math.floor(r() * 500)}}`)
  return `{${fields.join(',')}}\n`
}

/** About `bytes` of JSONL (cut to exactly `bytes`; the last line may be partial). */
export function jsonl(bytes, seed) {
  const r = rng(seed)
  const clock = { ms: Date.UTC(2026, 10, 1) + Math.floor(r() * 1e9) }
  const out = Buffer.allocUnsafe(bytes)
  let at = 0
  let batch = ''
  while (at < bytes) {
    for (let i = 0; i < 64; i++) batch += line(r, clock)
    at += out.write(batch, at, 'latin1')
    batch = ''
  }
  return out
}

/** `bytes` of incompressible data. */
export function random(bytes) {
  return randomFillSync(Buffer.allocUnsafe(bytes))
}

/**
 * Mixed data in segments (`segment` bytes each): fraction `textShare` JSONL, the rest random,
 * interleaved the way a tar of logs and blobs interleaves them. Calls `sink(buffer)` per segment.
 */
export function mixed(bytes, sink, { textShare = 0.6, segment = 4 << 20, seed = 1 } = {}) {
  let done = 0
  let text = 0
  for (let i = 0; done < bytes; i++) {
    const n = Math.min(segment, bytes - done)
    const wantText = text < textShare * (done + n)
    const buf = wantText ? jsonl(n, seed * 7919 + i) : random(n)
    if (wantText) text += n
    done += n
    sink(buf)
  }
}
