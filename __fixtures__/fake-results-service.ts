/**
 * A fake of GitHub's Actions results service on 127.0.0.1, enough for the real @actions/artifact
 * client to upload: Twirp JSON CreateArtifact / FinalizeArtifact, and an Azure block-blob endpoint
 * for the signed upload URL (Put Block + Put Block List). It records every request, keeps the
 * committed blob bytes, checks what the real service would check, and can inject faults.
 */
import { createHash, randomUUID } from 'node:crypto'
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { crc32, inflateRawSync } from 'node:zlib'

const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.ArtifactService/'
// An IP-style Azure URL carries the account as the first path segment (the SDK parses it so).
const BLOB_PREFIX = '/devstoreaccount1/actions-results/'

export type Operation =
  'CreateArtifact' | 'FinalizeArtifact' | 'StageBlock' | 'CommitBlockList' | 'Other'

export interface RecordedRequest {
  operation: Operation
  method: string
  path: string
  query: Record<string, string>
  headers: IncomingHttpHeaders
  body: Buffer
}

/** A fault for the next request of one operation: an HTTP error, or Twirp 200 with ok: false. */
export type Fault = { status: number; code?: string; msg?: string } | { notOk: true }

export interface FakeArtifact {
  name: string
  blobPath: string
  expiresAt?: string
  mimeType?: string
  blob?: Buffer
  blobContentType?: string
  id?: number
  finalizeSize?: string
  finalizeHash?: string
}

export interface FakeResultsService {
  /** Base URL, for ACTIONS_RESULTS_URL. */
  readonly url: string
  readonly runBackendId: string
  readonly jobBackendId: string
  /** An unsigned JWT with the Actions.Results scope: the client only decodes it. */
  readonly runtimeToken: string
  readonly requests: RecordedRequest[]
  readonly artifacts: Map<string, FakeArtifact>
  /** The JSON bodies the client sent to one Twirp method, in order. */
  twirpBodies(method: 'CreateArtifact' | 'FinalizeArtifact'): Record<string, unknown>[]
  /** Makes the next request of `operation` fail as described (queued, one per request). */
  inject(operation: Exclude<Operation, 'Other'>, fault: Fault): void
  /** The env a runner gives a JavaScript action, pointing at this fake. */
  runnerEnv(): Record<string, string>
  close(): Promise<void>
}

export async function startFakeResultsService(): Promise<FakeResultsService> {
  const runBackendId = 'c0ffee00-0000-4000-8000-000000000001'
  const jobBackendId = 'c0ffee00-0000-4000-8000-000000000002'
  const runtimeToken = unsignedJwt({
    scp: `Actions.GenericRead:00000000-0000-0000-0000-000000000000 Actions.Results:${runBackendId}:${jobBackendId}`
  })
  const requests: RecordedRequest[] = []
  const artifacts = new Map<string, FakeArtifact>()
  const faults = new Map<Operation, Fault[]>()
  const staged = new Map<string, Map<string, Buffer>>()
  let nextId = 4100
  let baseUrl = ''

  const takeFault = (operation: Operation): Fault | undefined => faults.get(operation)?.shift()

  const handleTwirp = (req: RecordedRequest, res: ServerResponse): void => {
    if (req.headers.authorization !== `Bearer ${runtimeToken}`) {
      return twirpError(res, 401, 'unauthenticated', 'bad or missing bearer token')
    }
    if (!String(req.headers['content-type']).startsWith('application/json')) {
      return twirpError(res, 415, 'bad_route', 'only the Twirp JSON protocol is served')
    }
    const fault = takeFault(req.operation)
    if (fault && 'notOk' in fault) return json(res, 200, { ok: false })
    if (fault) return twirpError(res, fault.status, fault.code ?? 'internal', fault.msg ?? 'fault')

    let body: Record<string, unknown>
    try {
      body = JSON.parse(req.body.toString('utf8')) as Record<string, unknown>
    } catch {
      return twirpError(res, 400, 'malformed', 'body is not JSON')
    }
    if (
      body.workflow_run_backend_id !== runBackendId ||
      body.workflow_job_run_backend_id !== jobBackendId
    ) {
      return twirpError(res, 400, 'invalid_argument', 'backend ids do not match the token')
    }
    const name = typeof body.name === 'string' ? body.name : ''
    if (!name) return twirpError(res, 400, 'invalid_argument', 'name is required')

    if (req.operation === 'CreateArtifact') {
      if (artifacts.has(name)) {
        return twirpError(
          res,
          409,
          'already_exists',
          'an artifact with this name already exists on the workflow run'
        )
      }
      const blobPath = `${BLOB_PREFIX}${runBackendId}/${jobBackendId}/${encodeURIComponent(name)}.zip`
      artifacts.set(name, {
        name,
        blobPath: decodeURIComponent(blobPath),
        ...(typeof body.expires_at === 'string' ? { expiresAt: body.expires_at } : {}),
        ...(typeof body.mime_type === 'string' ? { mimeType: body.mime_type } : {})
      })
      const sas = 'sv=2023-11-03&sr=b&sp=cw&se=2099-01-01T00%3A00%3A00Z&sig=ZmFrZS1zaWduYXR1cmU%3D'
      return json(res, 200, { ok: true, signed_upload_url: `${baseUrl}${blobPath}?${sas}` })
    }

    const artifact = artifacts.get(name)
    if (!artifact) return twirpError(res, 404, 'not_found', `no artifact named ${name} was created`)
    if (!artifact.blob) return twirpError(res, 400, 'failed_precondition', 'no blob was committed')
    if (body.size !== String(artifact.blob.length)) {
      return twirpError(res, 400, 'invalid_argument', `size ${String(body.size)} is not the blob's`)
    }
    const hash = `sha256:${createHash('sha256').update(artifact.blob).digest('hex')}`
    if (body.hash !== undefined && body.hash !== hash) {
      return twirpError(res, 400, 'invalid_argument', 'hash does not match the blob')
    }
    artifact.id = nextId++
    artifact.finalizeSize = String(body.size)
    if (typeof body.hash === 'string') artifact.finalizeHash = body.hash
    // int64 travels as a JSON string in protobuf's JSON mapping.
    return json(res, 200, { ok: true, artifact_id: String(artifact.id) })
  }

  const handleBlob = (req: RecordedRequest, res: ServerResponse): void => {
    const fault = takeFault(req.operation)
    if (fault && !('notOk' in fault)) {
      return azureError(res, fault.status, fault.code ?? 'InternalError', fault.msg ?? 'fault')
    }
    const artifact = [...artifacts.values()].find((a) => a.blobPath === req.path)
    if (!artifact) return azureError(res, 404, 'ContainerNotFound', 'no such upload URL')
    if (req.query.sig === undefined) {
      return azureError(res, 403, 'AuthenticationFailed', 'the SAS signature is missing')
    }
    const blocks = staged.get(req.path) ?? new Map<string, Buffer>()
    staged.set(req.path, blocks)
    if (req.operation === 'StageBlock') {
      const declared = Number(req.headers['content-length'])
      if (declared !== req.body.length) {
        return azureError(res, 400, 'InvalidHeaderValue', 'Content-Length does not match')
      }
      blocks.set(req.query.blockid ?? '', req.body)
      return azureCreated(res)
    }
    // Put Block List: the committed blob is the listed blocks, in the listed order.
    const ids = [...req.body.toString('utf8').matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)</g)]
    const parts: Buffer[] = []
    for (const [, , id] of ids) {
      const block = blocks.get(id ?? '')
      if (!block) return azureError(res, 400, 'InvalidBlockList', `block ${id} was not staged`)
      parts.push(block)
    }
    artifact.blob = Buffer.concat(parts)
    const contentType = req.headers['x-ms-blob-content-type']
    if (typeof contentType === 'string') artifact.blobContentType = contentType
    staged.delete(req.path)
    return azureCreated(res)
  }

  const server = createServer((incoming, res) => {
    void readBody(incoming).then((body) => {
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1')
      const query = Object.fromEntries(url.searchParams)
      const path = decodeURIComponent(url.pathname)
      const operation = operationOf(incoming.method ?? '', path, query)
      const req: RecordedRequest = {
        operation,
        method: incoming.method ?? '',
        path,
        query,
        headers: incoming.headers,
        body
      }
      requests.push(req)
      if (operation === 'CreateArtifact' || operation === 'FinalizeArtifact') {
        return handleTwirp(req, res)
      }
      if (operation === 'StageBlock' || operation === 'CommitBlockList') {
        return handleBlob(req, res)
      }
      return twirpError(res, 404, 'bad_route', `no route for ${req.method} ${path}`)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: baseUrl,
    runBackendId,
    jobBackendId,
    runtimeToken,
    requests,
    artifacts,
    twirpBodies: (method) =>
      requests
        .filter((r) => r.operation === method)
        .map((r) => JSON.parse(r.body.toString('utf8')) as Record<string, unknown>),
    inject: (operation, fault) => {
      faults.set(operation, [...(faults.get(operation) ?? []), fault])
    },
    runnerEnv: () => ({
      ACTIONS_RUNTIME_TOKEN: runtimeToken,
      ACTIONS_RESULTS_URL: `${baseUrl}/`,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'octo-org/octo-repo',
      GITHUB_RUN_ID: '987654321'
    }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Keep-alive sockets from the Azure SDK would otherwise hold the server open.
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      })
  }
}

function operationOf(method: string, path: string, query: Record<string, string>): Operation {
  if (method === 'POST' && path === `${TWIRP_PREFIX}CreateArtifact`) return 'CreateArtifact'
  if (method === 'POST' && path === `${TWIRP_PREFIX}FinalizeArtifact`) return 'FinalizeArtifact'
  if (method === 'PUT' && path.startsWith(BLOB_PREFIX) && query.comp === 'block')
    return 'StageBlock'
  if (method === 'PUT' && path.startsWith(BLOB_PREFIX) && query.comp === 'blocklist') {
    return 'CommitBlockList'
  }
  return 'Other'
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

// Twirp's error body: the client reads `msg` (and treats "insufficient usage" as quota).
function twirpError(res: ServerResponse, status: number, code: string, msg: string): void {
  json(res, status, { code, msg })
}

function azureHeaders(): Record<string, string> {
  return {
    'x-ms-request-id': randomUUID(),
    'x-ms-version': '2025-11-05',
    date: new Date().toUTCString()
  }
}

function azureCreated(res: ServerResponse): void {
  res.writeHead(201, {
    ...azureHeaders(),
    etag: `"0x${Date.now().toString(16).toUpperCase()}"`,
    'last-modified': new Date().toUTCString(),
    'x-ms-request-server-encrypted': 'true',
    'content-length': '0'
  })
  res.end()
}

function azureError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`
  res.writeHead(status, {
    ...azureHeaders(),
    'x-ms-error-code': code,
    'content-type': 'application/xml',
    'content-length': String(Buffer.byteLength(body))
  })
  res.end(body)
}

function unsignedJwt(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`
}

/** Sets env vars (undefined deletes) and returns a function that puts everything back. */
export function applyEnv(vars: Record<string, string | undefined>): () => void {
  const saved = { ...process.env }
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  return () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
    Object.assign(process.env, saved)
  }
}

export interface ZipEntry {
  name: string
  /** 0 stored, 8 deflated. */
  method: number
  data: Buffer
}

/**
 * Reads a small zip through its central directory (streamed zips put real sizes only there),
 * checking each entry's CRC-32. No zip64, no encryption: the fake's uploads need neither.
 */
export function readZip(zip: Buffer): ZipEntry[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (eocd < 0) throw new Error('not a zip: no end of central directory record')
  const count = zip.readUInt16LE(eocd + 10)
  let at = zip.readUInt32LE(eocd + 16)
  if (count === 0xffff || at === 0xffffffff) throw new Error('zip64 is not supported here')
  const entries: ZipEntry[] = []
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central header at ${at}`)
    const method = zip.readUInt16LE(at + 10)
    const crc = zip.readUInt32LE(at + 16)
    const compressedSize = zip.readUInt32LE(at + 20)
    const size = zip.readUInt32LE(at + 24)
    const nameLength = zip.readUInt16LE(at + 28)
    const extraLength = zip.readUInt16LE(at + 30)
    const commentLength = zip.readUInt16LE(at + 32)
    const local = zip.readUInt32LE(at + 42)
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength)
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header for ${name}`)
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
    const raw = zip.subarray(start, start + compressedSize)
    const data = method === 0 ? Buffer.from(raw) : method === 8 ? inflateRawSync(raw) : undefined
    if (!data) throw new Error(`${name}: compression method ${method} is not supported here`)
    if (data.length !== size || crc32(data) !== crc) throw new Error(`${name}: size or CRC differs`)
    entries.push({ name, method, data })
    at += 46 + nameLength + extraLength + commentLength
  }
  return entries
}
