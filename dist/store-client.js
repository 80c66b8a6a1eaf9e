import { a as storeError, b as storeUrl } from './store-error.js';
import './step-result.js';
import './process-start.js';
import 'node:fs';
import 'node:os';
import 'node:path';
import 'node:timers/promises';
import 'node:crypto';

/**
 * Credentials from the standard AWS chain, read from `env` (the environment with the secrets
 * handed off past the re-start): keys and session token, then web identity (a token file and a
 * role), then what the SDK's own chain finds (AWS_PROFILE's files, SSO, container or instance
 * roles). The secret ones are never read from process.env, which holds none after the hand-off.
 */
async function storeCredentials(env, region) {
    const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim();
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim();
    if (accessKeyId && secretAccessKey) {
        const sessionToken = env.AWS_SESSION_TOKEN?.trim();
        return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
    }
    const tokenFile = env.AWS_WEB_IDENTITY_TOKEN_FILE?.trim();
    const roleArn = env.AWS_ROLE_ARN?.trim();
    if (tokenFile && roleArn) {
        const { fromTokenFile } = await import('./dist-es2.js');
        return fromTokenFile({
            webIdentityTokenFile: tokenFile,
            roleArn,
            roleSessionName: env.AWS_ROLE_SESSION_NAME?.trim() || 'cutover-gate',
            clientConfig: { region }
        });
    }
    // the SDK's chain: profile files, SSO, container and instance roles
    return undefined;
}

/**
 * The S3 client for a store, loaded only when a store is used (the SDK is a large part of the
 * bundle). Checksums are the ones this tool computes and sends (SHA-256 on every put and part),
 * not the SDK's default CRC32, which some S3 clones reject.
 */
async function openStore(settings, options) {
    const s3 = await import('./index2.js').then(function (n) { return n.i; });
    const region = settings.region || options.env.AWS_REGION || options.env.AWS_DEFAULT_REGION || 'us-east-1';
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
    });
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
                return await run(client);
            }
            catch (error) {
                throw storeError(settings, action, error);
            }
        }
    };
}

export { openStore };
