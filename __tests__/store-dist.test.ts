// The store through the bundled doors, as a runner runs them, against a real S3 (moto_server):
// precutover GO with the objects in the bucket and opened by stock age + tar; restore-test and
// restore of an older id; keep-last with a locked snapshot kept; an overwriting store NO-GO; no
// AWS credential or OIDC token where migration code can read it; a killed upload aborted later.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { exampleRepo } from '../__fixtures__/example-repo.js'
import {
  bucketName,
  createBucket,
  describeWithMoto,
  startMoto,
  TEST_AWS_ENV,
  type MotoServer
} from '../__fixtures__/moto-server.js'
import { startFaultProxy, type FaultProxy } from '../__fixtures__/s3-fault-proxy.js'
import { runAction } from '../__fixtures__/run-action.js'
import { cliAsync, cliSync } from '../__fixtures__/run-cli.js'
import { makeRepo, tempDir } from '../__fixtures__/trees.js'
import { openStore, type Store } from '../src/store/store-client.js'

const INCLUDES = ['state', 'exports', 'reports/private', 'logs']

function keygen(): { keyFile: string; recipient: string; identity: string } {
  const keyFile = path.join(tempDir('cg-store-key-'), 'key.txt')
  execFileSync('age-keygen', ['-o', keyFile], { stdio: 'ignore' })
  const identity = fs
    .readFileSync(keyFile, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('AGE-SECRET-KEY-'))!
  const recipient = execFileSync('age-keygen', ['-y', keyFile], { encoding: 'utf8' }).trim()
  return { keyFile, recipient, identity }
}

/** Every regular file and link under the includes of `restored` is the repository's, byte for byte. */
function expectSameTree(restored: string, repo: string, includes = INCLUDES): void {
  let files = 0
  const walk = (rel: string): void => {
    const src = path.join(repo, rel)
    const stat = fs.lstatSync(src)
    if (stat.isSymbolicLink())
      expect(fs.readlinkSync(path.join(restored, rel))).toBe(fs.readlinkSync(src))
    else if (stat.isDirectory()) fs.readdirSync(src).forEach((c) => walk(path.join(rel, c)))
    else {
      files++
      expect([rel, fs.readFileSync(path.join(restored, rel)).equals(fs.readFileSync(src))]).toEqual(
        [rel, true]
      )
    }
  }
  for (const include of includes) if (fs.existsSync(path.join(repo, include))) walk(include)
  expect(files).toBeGreaterThan(0)
}

/** A GO of the CLI; on anything else the test shows what the CLI said. */
function expectGo(run: { code: number | null; stdout: string; stderr: string }): void {
  expect([run.code, run.code === 0 ? '' : run.stdout + run.stderr]).toEqual([0, ''])
}

describeWithMoto('the store through the bundled action and CLI', () => {
  let moto: MotoServer
  let proxy: FaultProxy
  const key = keygen()
  beforeAll(async () => {
    moto = await startMoto()
    proxy = await startFaultProxy(moto.endpoint)
  })
  afterAll(async () => {
    await proxy?.close()
    await moto?.stop()
  })

  async function direct(bucket: string): Promise<Store> {
    return openStore(
      {
        bucket,
        prefix: '',
        endpoint: moto.endpoint,
        region: 'us-east-1',
        retentionDays: 0,
        lockMode: 'governance'
      },
      { env: TEST_AWS_ENV }
    )
  }

  async function objects(bucket: string): Promise<string[]> {
    const s = await direct(bucket)
    const page = await s.client.send(new s.s3.ListObjectsV2Command({ Bucket: bucket }))
    return (page.Contents ?? []).map((c) => c.Key!).sort()
  }

  async function openUploads(bucket: string): Promise<string[]> {
    const s = await direct(bucket)
    const page = await s.client.send(new s.s3.ListMultipartUploadsCommand({ Bucket: bucket }))
    return (page.Uploads ?? []).map((u) => u.Key!)
  }

  async function download(bucket: string, key: string): Promise<Buffer> {
    const s = await direct(bucket)
    const answer = await s.client.send(new s.s3.GetObjectCommand({ Bucket: bucket, Key: key }))
    return Buffer.from(await answer.Body!.transformToByteArray())
  }

  function cli(mode: string, repo: string, bucket: string, args: string[] = [], env = {}) {
    return cliSync(
      [
        mode,
        '--repo',
        repo,
        '--store',
        `s3://${bucket}/cutover/`,
        '--store-endpoint',
        moto.endpoint,
        ...args
      ],
      { ...TEST_AWS_ENV, CUTOVER_GATE_AGE_IDENTITY: key.identity, ...env }
    )
  }

  it('precutover to the store is GO; the bucket holds the snapshot, its manifest and the probe; stock age -d -i | tar restores it byte for byte; migration code sees no credential', async () => {
    const bucket = bucketName('e2e')
    await createBucket(moto.endpoint, bucket, true)
    const repo = exampleRepo()
    const spy = path.join(tempDir('cg-store-spy-'), 'seen.json')
    // what a migration command could read: its environment and every readable /proc/*/environ
    const scan = `const fs=require('fs');const out={env:process.env,procs:[]};for(const p of fs.readdirSync('/proc')){if(!/^\\d+$/.test(p))continue;try{out.procs.push(fs.readFileSync('/proc/'+p+'/environ','latin1'))}catch{}}fs.writeFileSync(process.argv[1],JSON.stringify(out))`
    const secrets = {
      AWS_ACCESS_KEY_ID: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
      AWS_SECRET_ACCESS_KEY: randomBytes(20).toString('base64'),
      AWS_SESSION_TOKEN: randomBytes(24).toString('base64'),
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: randomBytes(24).toString('hex'),
      ACTIONS_ID_TOKEN_REQUEST_URL: `https://token.invalid/${randomBytes(6).toString('hex')}`
    }
    const run = await runAction(
      repo,
      {
        recipients: key.recipient,
        store: `s3://${bucket}/team/cutover`,
        'store-endpoint': moto.endpoint,
        'store-retention-days': '1',
        'store-lock-mode': 'governance',
        'migration-check': `node -e "${scan}" ${spy}`
      },
      { ...secrets, AWS_REGION: 'us-east-1', CUTOVER_GATE_AGE_IDENTITY: key.identity }
    )
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs.decision).toBe('GO')
    const id = run.outputs['snapshot-id']!
    const name = `snapshot-${id}.tar.zst.age`
    expect(run.outputs['snapshot-url']).toBe(`s3://${bucket}/team/cutover/${name}`)
    expect(run.outputs['snapshot-path']).toBe(run.outputs['snapshot-url'])
    expect(run.outputs['manifest-path']).toBe(`s3://${bucket}/team/cutover/snapshot-${id}.json`)
    expect(await objects(bucket)).toEqual(
      [
        `team/cutover/.cutover-gate/write-once-probe`,
        `team/cutover/${name}`,
        `team/cutover/snapshot-${id}.json`
      ].sort()
    )
    expect(await openUploads(bucket)).toEqual([])
    // no local copy: snapshot-dir was never made
    expect(fs.existsSync(path.join(repo, 'backup/snapshots'))).toBe(false)
    const report = fs.readFileSync(run.outputs['report-path']!, 'utf8')
    expect(report).toMatch(/\| Locked until \| \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(Object Lock\) \|/)
    expect(run.summary).toContain(`s3://${bucket}/team/cutover/${name}`)
    // the object, fetched as an operator would, opens with stock age and GNU tar
    const ciphertext = await download(bucket, `team/cutover/${name}`)
    expect(String(ciphertext.length)).toBe(run.outputs['snapshot-size'])
    const out = tempDir('cg-store-stock-')
    const tarZst = execFileSync('age', ['-d', '-i', key.keyFile], { input: ciphertext })
    execFileSync('tar', ['--zstd', '-xf', '-', '-C', out], { input: tarZst })
    expectSameTree(out, repo)
    // migration code: no credential or token in its environment, nor in any /proc it could read
    const seen = JSON.parse(fs.readFileSync(spy, 'utf8')) as {
      env: Record<string, string>
      procs: string[]
    }
    for (const [name, value] of Object.entries(secrets)) {
      expect([name, name in seen.env]).toEqual([name, false])
      expect([name, seen.procs.some((environ) => environ.includes(value))]).toEqual([name, false])
    }
    expect(seen.procs.length).toBeGreaterThan(3)
    // and none in the log, summary, report or outputs
    // (::add-mask:: lines are how the runner is told to hide a value: never shown)
    const log = run.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n')
    const published = [log, run.summary, report, JSON.stringify(run.outputs)].join('\n')
    for (const value of Object.values(secrets)) expect(published).not.toContain(value)
  })

  it('restore-test and restore of an older id read it back from the store; list shows both with the newest latest', async () => {
    const bucket = bucketName('older')
    await createBucket(moto.endpoint, bucket)
    const repo = makeRepo()
    const first = cli('snapshot', repo, bucket, ['--recipient', key.recipient])
    expectGo(first)
    const older = /snapshot-(\d{8}T\d{6}Z)\.tar\.zst\.age/.exec(first.stdout)![1]!
    fs.writeFileSync(path.join(repo, 'state/changed-later.txt'), 'a later state\n')
    await new Promise((r) => setTimeout(r, 1100))
    const second = cli('snapshot', repo, bucket, ['--recipient', key.recipient])
    expectGo(second)
    const list = cli('list', repo, bucket)
    expect(list.code).toBe(0)
    const rows = list.stdout.split('\n').filter((l) => /\d{8}T\d{6}Z/.test(l))
    expect(rows).toHaveLength(2)
    expect(rows[0]).toMatch(/latest/)
    expect(rows[1]).toContain(older)
    expect(rows[1]).not.toMatch(/latest/)

    const tested = cli('restore-test', repo, bucket, ['--snapshot', older])
    expectGo(tested)
    expect(tested.stdout).toContain(`s3://${bucket}/cutover/snapshot-${older}.tar.zst.age`)

    const target = path.join(tempDir('cg-store-restore-'), 'restored')
    const restored = cli('restore', repo, bucket, ['--snapshot', older, '--restore-target', target])
    expectGo(restored)
    fs.rmSync(path.join(repo, 'state/changed-later.txt'))
    expectSameTree(target, repo)
    expect(fs.existsSync(path.join(target, 'state/changed-later.txt'))).toBe(false)

    // latest is the newest id with a manifest: it has the later file
    const latestTarget = path.join(tempDir('cg-store-restore-'), 'latest')
    const latest = cli('restore', repo, bucket, ['--restore-target', latestTarget])
    expectGo(latest)
    expect(fs.readFileSync(path.join(latestTarget, 'state/changed-later.txt'), 'utf8')).toBe(
      'a later state\n'
    )
  })

  it('keep-last on the store prunes what it may and keeps a locked snapshot, listed with its retain-until', async () => {
    const bucket = bucketName('keep')
    await createBucket(moto.endpoint, bucket, true)
    const repo = makeRepo()
    const ids: string[] = []
    for (const retention of ['1', '0', '0']) {
      const made = cli('snapshot', repo, bucket, [
        '--recipient',
        key.recipient,
        '--store-retention-days',
        retention,
        '--keep-last',
        '1'
      ])
      expectGo(made)
      ids.push(/snapshot-(\d{8}T\d{6}Z)\.tar\.zst\.age/.exec(made.stdout)![1]!)
      await new Promise((r) => setTimeout(r, 1100))
    }
    const left = await objects(bucket)
    // the locked first snapshot stays with its manifest; the second was pruned by the third run
    expect(left).toEqual(
      [
        'cutover/.cutover-gate/write-once-probe',
        `cutover/snapshot-${ids[0]}.json`,
        `cutover/snapshot-${ids[0]}.tar.zst.age`,
        `cutover/snapshot-${ids[2]}.json`,
        `cutover/snapshot-${ids[2]}.tar.zst.age`
      ].sort()
    )
    const report = fs.readFileSync(
      path.join(repo, 'reports/publicization/backup-readiness.md'),
      'utf8'
    )
    expect(report).toMatch(
      new RegExp(`keep-last: snapshot ${ids[0]} is kept: Object Lock holds it until \\d{4}-`)
    )
    const list = cli('list', repo, bucket)
    // the state column wraps to fit 80 columns: the date may be on the next line
    expect(list.stdout).toMatch(new RegExp(`${ids[0]}.*locked until\\s+\\d{4}-`))
  })

  it('a store that accepts If-None-Match and overwrites anyway is NO-GO, naming it, before any snapshot is written', async () => {
    const bucket = bucketName('overwrite')
    await createBucket(moto.endpoint, bucket)
    proxy.setRule((r) =>
      r.action === 'PutObject' ? { kind: 'drop-header', header: 'if-none-match' } : undefined
    )
    const repo = makeRepo()
    // asynchronously: the proxy answers from this process
    const run = await cliAsync(
      [
        'snapshot',
        '--repo',
        repo,
        '--store',
        `s3://${bucket}/cutover/`,
        '--store-endpoint',
        proxy.endpoint,
        '--recipient',
        key.recipient
      ],
      TEST_AWS_ENV
    ).done
    proxy.setRule(() => undefined)
    expect(run.code).toBe(1)
    const report = JSON.parse(
      fs.readFileSync(path.join(repo, 'reports/publicization/backup-readiness.json'), 'utf8')
    )
    expect(report.reason).toContain(
      `store s3://${bucket}/cutover/ accepted a second write of s3://${bucket}/cutover/.cutover-gate/write-once-probe despite If-None-Match: *`
    )
    expect(await objects(bucket)).toEqual(['cutover/.cutover-gate/write-once-probe'])
    expect(await openUploads(bucket)).toEqual([])
  })

  it('a run killed mid-upload leaves no object; the next run aborts its upload', async () => {
    const bucket = bucketName('killed')
    await createBucket(moto.endpoint, bucket)
    const repo = makeRepo()
    // incompressible, so the upload has many parts; each part is held back by the proxy
    fs.writeFileSync(path.join(repo, 'state/big.bin'), randomBytes(40 * 1024 * 1024))
    proxy.setRule((r) => (r.action === 'UploadPart' ? { kind: 'delay', ms: 3000 } : undefined))
    const tmp = tempDir('cg-store-killed-tmp-')
    const args = [
      'snapshot',
      '--repo',
      repo,
      '--store',
      `s3://${bucket}/cutover/`,
      '--store-endpoint',
      proxy.endpoint,
      '--recipient',
      key.recipient
    ]
    const running = cliAsync(args, { ...TEST_AWS_ENV, TMPDIR: tmp })
    const deadline = Date.now() + 60_000
    while ((await openUploads(bucket)).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100))
    expect(await openUploads(bucket)).toHaveLength(1)
    running.kill()
    await running.done
    proxy.setRule(() => undefined)
    await new Promise((r) => setTimeout(r, 3500))
    expect((await objects(bucket)).filter((k) => !k.includes('.cutover-gate/'))).toEqual([])
    expect(await openUploads(bucket)).toHaveLength(1)
    expect(fs.readdirSync(tmp).filter((n) => n.startsWith('cutover-gate-upload-'))).toHaveLength(1)

    fs.rmSync(path.join(repo, 'state/big.bin'))
    // asynchronously: the dead run's upload is aborted where it was made, through the proxy
    const next = await cliAsync(
      args.map((a) => (a === proxy.endpoint ? moto.endpoint : a)),
      { ...TEST_AWS_ENV, TMPDIR: tmp }
    ).done
    expectGo(next)
    const report = fs.readFileSync(
      path.join(repo, 'reports/publicization/backup-readiness.json'),
      'utf8'
    )
    expect(report).toMatch(
      new RegExp(
        `aborted s3://${bucket}/cutover/snapshot-\\d{8}T\\d{6}Z\\.tar\\.zst\\.age \\(upload [^)]*\\), the upload of a run that was killed`
      )
    )
    expect(await openUploads(bucket)).toEqual([])
    expect(fs.readdirSync(tmp).filter((n) => n.startsWith('cutover-gate-upload-'))).toEqual([])
  })
})
