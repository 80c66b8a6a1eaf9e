import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types'

/**
 * Credentials from the standard AWS chain, read from `env` (the environment with the secrets
 * handed off past the re-start): keys and session token, then web identity (a token file and a
 * role), then what the SDK's own chain finds (AWS_PROFILE's files, SSO, container or instance
 * roles). The secret ones are never read from process.env, which holds none after the hand-off.
 */
export async function storeCredentials(
  env: NodeJS.ProcessEnv,
  region: string
): Promise<AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined> {
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim()
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim()
  if (accessKeyId && secretAccessKey) {
    const sessionToken = env.AWS_SESSION_TOKEN?.trim()
    return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }
  }
  const tokenFile = env.AWS_WEB_IDENTITY_TOKEN_FILE?.trim()
  const roleArn = env.AWS_ROLE_ARN?.trim()
  if (tokenFile && roleArn) {
    const { fromTokenFile } = await import('@aws-sdk/credential-provider-web-identity')
    return fromTokenFile({
      webIdentityTokenFile: tokenFile,
      roleArn,
      roleSessionName: env.AWS_ROLE_SESSION_NAME?.trim() || 'cutover-gate',
      clientConfig: { region }
    })
  }
  // the SDK's chain: profile files, SSO, container and instance roles
  return undefined
}
