import http from 'node:http'
import type net from 'node:net'

/** What the proxy does to one request; undefined passes it through untouched. */
export type Fault =
  | { kind: 'cut-mid-body' }
  | { kind: 'error'; status: number; code: string }
  | { kind: 'drop-header'; header: string }
  | { kind: 'truncate-response'; keep: number }
  | { kind: 'flip-byte' }
  | { kind: 'delay'; ms: number }
  | { kind: 'not-s3' }

export interface RequestInfo {
  method: string
  /** The S3 action, as far as method and query tell it. */
  action: string
  url: string
}

export type FaultRule = (request: RequestInfo) => Fault | undefined

export interface FaultProxy {
  endpoint: string
  /** Requests seen, in order, with the fault applied to each. */
  log: { action: string; fault?: string }[]
  setRule(rule: FaultRule): void
  close(): Promise<void>
}

function actionOf(method: string, url: URL): string {
  const q = url.searchParams
  if (method === 'POST' && q.has('uploads')) return 'CreateMultipartUpload'
  if (method === 'PUT' && q.has('partNumber')) return 'UploadPart'
  if (method === 'POST' && q.has('uploadId')) return 'CompleteMultipartUpload'
  if (method === 'DELETE' && q.has('uploadId')) return 'AbortMultipartUpload'
  if (method === 'GET' && q.has('uploads')) return 'ListMultipartUploads'
  if (method === 'GET' && q.has('list-type')) return 'ListObjectsV2'
  if (method === 'PUT' && q.has('retention')) return 'PutObjectRetention'
  if (method === 'PUT') return 'PutObject'
  if (method === 'GET') return 'GetObject'
  if (method === 'HEAD') return 'HeadObject'
  if (method === 'DELETE') return 'DeleteObject'
  return method
}

/**
 * A small HTTP proxy between the S3 client and a real S3 server (moto), which breaks chosen
 * requests the way networks and S3 clones do: a connection cut in the middle of a part, a 500
 * or a 503 SlowDown, a conditional header dropped (a store that ignores If-None-Match), a GET
 * cut short, a flipped byte, an answer that is not S3 at all.
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target)
  let rule: FaultRule = () => undefined
  const log: { action: string; fault?: string }[] = []
  const sockets = new Set<net.Socket>()
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', target)
    const info = {
      method: req.method ?? 'GET',
      action: actionOf(req.method ?? 'GET', url),
      url: req.url ?? '/'
    }
    const fault = rule(info)
    log.push({ action: info.action, fault: fault?.kind })
    if (fault?.kind === 'error') {
      req.resume()
      req.on('end', () => {
        res.writeHead(fault.status, { 'content-type': 'application/xml' })
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>injected</Message><RequestId>x</RequestId></Error>`
        )
      })
      return
    }
    if (fault?.kind === 'not-s3') {
      req.resume()
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/html' })
        res.end('<!doctype html><html><body>Welcome to nginx!</body></html>')
      })
      return
    }
    if (fault?.kind === 'cut-mid-body') {
      let seen = 0
      req.on('data', (chunk: Buffer) => {
        seen += chunk.length
        if (seen > 1024 * 1024) req.socket.destroy()
      })
      req.on('end', () => req.socket.destroy())
      return
    }
    const headers = { ...req.headers }
    if (fault?.kind === 'drop-header') delete headers[fault.header.toLowerCase()]
    const forward = (): void => {
      const out = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          if (fault?.kind === 'truncate-response') {
            let sent = 0
            answer.on('data', (chunk: Buffer) => {
              const room = fault.keep - sent
              if (room > 0) res.write(chunk.subarray(0, room))
              sent += chunk.length
              if (sent >= fault.keep) {
                answer.destroy()
                res.socket?.destroy()
              }
            })
            answer.on('end', () => res.socket?.destroy())
            return
          }
          answer.pipe(res)
        }
      )
      out.on('error', () => res.socket?.destroy())
      if (fault?.kind === 'flip-byte') {
        let flipped = false
        req.on('data', (chunk: Buffer) => {
          if (!flipped && chunk.length > 0) {
            chunk = Buffer.from(chunk)
            chunk[0] = chunk[0]! ^ 0xff
            flipped = true
          }
          out.write(chunk)
        })
        req.on('end', () => out.end())
      } else req.pipe(out)
    }
    if (fault?.kind === 'delay') setTimeout(forward, fault.ms)
    else forward()
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    log,
    setRule: (next) => {
      rule = next
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}

/** A rule that applies `fault` to the first `times` requests of `action`, then passes all. */
export function firstOf(action: string, times: number, fault: Fault): FaultRule {
  let left = times
  return (request) => {
    if (request.action !== action || left <= 0) return undefined
    left--
    return fault
  }
}
