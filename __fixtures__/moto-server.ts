import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { describe } from '@jest/globals'

/**
 * A real S3 implementation for the store tests: moto_server (Python moto 5.2) on 127.0.0.1, one
 * per suite on a free port. Missing in CI (CI set) is a failure, never a skip; elsewhere the
 * suite is skipped with one visible line saying why.
 */
export function motoServerPath(): string | undefined {
  const candidates = [
    process.env.MOTO_SERVER,
    '/root/.pyenv/shims/moto_server',
    ...(process.env.PATH ?? '').split(':').map((dir) => path.join(dir, 'moto_server'))
  ]
  return candidates.find((c): c is string => !!c && fs.existsSync(c))
}

export const describeWithMoto: typeof describe = ((name: string, fn: () => void) => {
  if (motoServerPath()) return describe(name, fn)
  if (process.env.CI)
    throw new Error(
      'moto_server is missing: the store tests need it in CI (pip install "moto[server]")'
    )
  console.log(`SKIPPED ${name}: moto_server is not installed (set MOTO_SERVER to its path)`)
  return describe.skip(name, fn)
}) as typeof describe

export interface MotoServer {
  endpoint: string
  port: number
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

export async function startMoto(): Promise<MotoServer> {
  const bin = motoServerPath()
  if (!bin) throw new Error('moto_server is missing')
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    const child: ChildProcess = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' }
    })
    let stderr = ''
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
    const endpoint = `http://127.0.0.1:${port}`
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        const answer = await fetch(`${endpoint}/moto-api/`)
        if (answer.status > 0) {
          return {
            endpoint,
            port,
            stop: () =>
              new Promise<void>((resolve) => {
                if (child.exitCode !== null) return resolve()
                child.once('exit', () => resolve())
                child.kill('SIGTERM')
              })
          }
        }
      } catch {
        await new Promise((r) => setTimeout(r, 150))
      }
    }
    child.kill('SIGKILL')
    if (attempt === 2) throw new Error(`moto_server did not start on ${endpoint}: ${stderr}`)
  }
  throw new Error('unreachable')
}

/** The environment a store test's client reads its credentials from (moto accepts any). */
export const TEST_AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIATESTTESTTESTTEST',
  AWS_SECRET_ACCESS_KEY: 'test-secret-key-for-moto',
  AWS_REGION: 'us-east-1'
}

let bucketCounter = 0
/** A fresh bucket name per test (moto needs 3+ characters). */
export function bucketName(tag: string): string {
  return `cg-${tag}-${process.pid}-${++bucketCounter}`.toLowerCase().slice(0, 63)
}

/** Creates a bucket on the server, with Object Lock (and so versioning) when asked. */
export async function createBucket(
  endpoint: string,
  bucket: string,
  objectLock = false
): Promise<void> {
  const s3 = await import('@aws-sdk/client-s3')
  const client = new s3.S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: {
      accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY
    }
  })
  await client.send(
    new s3.CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: objectLock })
  )
  client.destroy()
}
