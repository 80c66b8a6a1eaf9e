import { expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { InputError } from '../src/config/input-error.js'
import { parseInputs } from '../src/config/inputs.js'
import { parseStoreUrl, storeUrl } from '../src/config/store-url.js'

const cwd = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cg-store-inputs-')))
execFileSync('git', ['init', '-q', cwd])
const parse = (raw: Record<string, string>) => parseInputs(raw, { cwd, tempDir: '/tmp/rt' })

function errorOf(raw: Record<string, string>): string {
  try {
    parse(raw)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

it('reads the store inputs into settings: bucket, prefix ending in /, endpoint, region, lock', () => {
  const config = parse({
    store: 's3://cutover-snaps/team//a/',
    'store-endpoint': 'https://minio.example:9000/',
    'store-region': 'eu-west-1',
    'store-retention-days': '30',
    'store-lock-mode': 'compliance'
  })
  expect(config.store).toEqual({
    bucket: 'cutover-snaps',
    prefix: 'team/a/',
    endpoint: 'https://minio.example:9000',
    region: 'eu-west-1',
    retentionDays: 30,
    lockMode: 'compliance'
  })
  expect(parse({}).store).toBeUndefined()
  expect(parse({ store: 's3://abc' }).store?.prefix).toBe('')
})

it.each([
  [{ store: 'https://bucket/x' }, /^input store: accepts s3:\/\/bucket or s3:\/\/bucket\/prefix/],
  [{ store: 's3://Bad_Bucket/x' }, /^input store: bucket "Bad_Bucket" is not an S3 bucket name/],
  [{ store: 's3://ab/x' }, /^input store: bucket "ab" is not an S3 bucket name/],
  [{ store: 's3://bucket/a/../b' }, /^input store: prefix segment "\.\." is not allowed/],
  [{ store: 's3://bucket/a\tb' }, /^input store: prefix segment "a\tb" is not allowed/],
  [
    { store: 's3://bucket', 'store-endpoint': 'minio:9000' },
    /^input store-endpoint: accepts an http\(s\):\/\/ URL/
  ],
  [
    { store: 's3://bucket', 'store-region': 'EU WEST' },
    /^input store-region: accepts a region name/
  ],
  [
    { store: 's3://bucket', 'store-retention-days': '-1' },
    /^input store-retention-days: accepts a whole number/
  ],
  [
    { store: 's3://bucket', 'store-lock-mode': 'strict' },
    /^input store-lock-mode: accepts governance or compliance/
  ],
  [{ 'store-endpoint': 'https://x.example' }, /^input store-endpoint: is set but store is empty/],
  [{ 'store-retention-days': '3' }, /^input store-retention-days: is set but store is empty/]
])('refuses %j in one line naming the input', (raw, message) => {
  const error = errorOf(raw)
  expect(error).toMatch(message)
  expect(error).not.toMatch(/\n/)
})

it('turns any valid bucket and prefix into the same URL and back', () => {
  const bucket = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,40}[a-z0-9]$/)
  const segment = fc
    .stringMatching(/^[A-Za-z0-9_.~-]{1,12}$/)
    .filter((s) => s !== '.' && s !== '..')
  fc.assert(
    fc.property(bucket, fc.array(segment, { maxLength: 4 }), (b, segments) => {
      const location = parseStoreUrl(`s3://${b}/${segments.join('/')}`)
      expect(location).toEqual({ bucket: b, prefix: segments.map((s) => `${s}/`).join('') })
      expect(parseStoreUrl(storeUrl(location))).toEqual(location)
    })
  )
})
