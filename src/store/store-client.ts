import type { S3Client } from '@aws-sdk/client-s3'
import { storeError } from './store-error.js'
import { storeUrl, type StoreLocation } from '../config/store-url.js'
import type { StoreSettings } from '../config/config.js'
import { storeCredentials } from './store-credentials.js'

/** An open store: the client, the location, and every call wrapped so a failure says what to do. */
export interface Store extends StoreLocation {
  readonly settings: StoreSettings
  readonly client: S3Client
  readonly s3: typeof import('@aws-sdk/client-s3')
  /** The object key of a name under the prefix. */
  key(name: string): string
  /** s3://bucket/prefix/name */
  url(name?: string): string
  /** Runs one S3 call; any failure becomes a StoreError naming the store, `action` and the fix. */
  call<T>(action: string, run: (client: S3Client) => Promise<T>): Promise<T>
}

export interface StoreClientOptions {
  /** The environment with the handed-off secrets (the credentials come from here, not process.env). */
  env: NodeJS.ProcessEnv
  /** Attempts per call (the SDK's standard retry, with backoff) before a throttle is an error. */
  maxAttempts?: number
  /** Milliseconds one request may wait for the next byte before it is retried. */
  requestTimeoutMs?: number
}

/**
 * The S3 client for a store, loaded only when a store is used (the SDK is a large part of the
 * bundle). Checksums are the ones this tool computes and sends (SHA-256 on every put and part),
 * not the SDK's default CRC32, which some S3 clones reject.
 */
export async function openStore(
  settings: StoreSettings,
  options: StoreClientOptions
): Promise<Store> {
  const s3 = await import('@aws-sdk/client-s3')
  const region =
    settings.region || options.env.AWS_REGION || options.env.AWS_DEFAULT_REGION || 'us-east-1'
  const client = new s3.S3Client({
    region,
    ...(settings.endpoint ? { endpoint: settings.endpoint, forcePathStyle: true } : {}),
    credentials: await storeCredentials(options.env, region),
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: 'standard',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      connectionTimeout: 10_000,
      requestTimeout: options.requestTimeoutMs ?? 120_000
    }
  })
  return {
    settings,
    bucket: settings.bucket,
    prefix: settings.prefix,
    client,
    s3,
    key: (name) => `${settings.prefix}${name}`,
    url: (name = '') => storeUrl(settings, name),
    call: async (action, run) => {
      try {
        return await run(client)
      } catch (error) {
        throw storeError(settings, action, error)
      }
    }
  }
}
