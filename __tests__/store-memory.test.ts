// Peak memory of a 2 GiB snapshot streamed into the store, measured on the real process (the
// bundled CLI, VmHWM from /proc): it may exceed a local snapshot of the same data by no more than
// the upload's parts in flight (4 uploading + 1 filling) at the largest part size it used, even
// when the store takes the parts more slowly than the snapshot makes them.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {
  bucketName,
  createBucket,
  describeWithMoto,
  startMoto,
  TEST_AWS_ENV,
  type MotoServer
} from '../__fixtures__/moto-server.js'
import { CLI } from '../__fixtures__/run-cli.js'
import { startFaultProxy, type FaultProxy } from '../__fixtures__/s3-fault-proxy.js'
import { tempDir } from '../__fixtures__/trees.js'
import { bytesInParts, partSize } from '../src/store/part-size.js'

const MiB = 1024 * 1024
const SIZE = 2 * 1024 * MiB

/** Runs the CLI to its end, sampling its peak resident memory (VmHWM) until it exits. */
async function peakRss(args: string[], env: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: '/tmp', ...env },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
  let peak = 0
  const sample = setInterval(() => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8')
      const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0)
      peak = Math.max(peak, kb * 1024)
    } catch {
      // exited between two samples: the last sample came late in its life
    }
  }, 20)
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearInterval(sample)
  expect([code, code === 0 ? '' : stderr]).toEqual([0, ''])
  return peak
}

describeWithMoto('memory of a 2 GiB upload', () => {
  let moto: MotoServer
  let proxy: FaultProxy
  beforeAll(async () => {
    moto = await startMoto()
    // a store slower than the snapshot is made: unbounded parts would pile up in memory
    proxy = await startFaultProxy(moto.endpoint)
    proxy.setRule((r) => (r.action === 'UploadPart' ? { kind: 'delay', ms: 600 } : undefined))
  })
  afterAll(async () => {
    await proxy?.close()
    await moto?.stop()
  })

  it('stays within the parts-in-flight bound over a local snapshot of the same data', async () => {
    const repo = tempDir('cg-store-mem-')
    fs.mkdirSync(path.join(repo, 'state'))
    // incompressible, so the ciphertext (and the upload) is as large as the data
    execFileSync('sh', ['-c', `head -c ${SIZE} /dev/urandom > state/big.bin`], { cwd: repo })
    const keyFile = path.join(tempDir('cg-store-mem-key-'), 'key.txt')
    execFileSync('age-keygen', ['-o', keyFile], { stdio: 'ignore' })
    const recipient = execFileSync('age-keygen', ['-y', keyFile], { encoding: 'utf8' }).trim()
    const common = ['snapshot', '--repo', repo, '--include', 'state', '--recipient', recipient]
    const local = await peakRss(common, {})
    fs.rmSync(path.join(repo, 'backup'), { recursive: true, force: true })
    const bucket = bucketName('memory')
    await createBucket(moto.endpoint, bucket)
    const stored = await peakRss(
      [...common, '--store', `s3://${bucket}/mem`, '--store-endpoint', proxy.endpoint],
      TEST_AWS_ENV
    )
    let parts = 1
    while (bytesInParts(parts) < SIZE) parts++
    const bound = 5 * partSize(parts) + 48 * MiB
    console.log(
      `peak RSS: local ${(local / MiB).toFixed(0)} MiB, store ${(stored / MiB).toFixed(0)} MiB; bound local + ${(bound / MiB).toFixed(0)} MiB (${parts} parts, largest ${(partSize(parts) / MiB).toFixed(1)} MiB)`
    )
    expect(stored - local).toBeLessThanOrEqual(bound)
    fs.rmSync(repo, { recursive: true, force: true })
  }, 600_000)
})
