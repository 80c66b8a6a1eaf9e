import { CAPS, readRegularFile } from '../util/read-regular-file.js'
import { z } from 'zod'
import type { Config } from './config.js'
import { MODES, needsKey } from './modes.js'
import { InputError } from './input-error.js'
import type { Door } from './door.js'

export type Visibility = 'public' | 'private' | 'unknown'

// only the two fields that say who can see the repository; everything else in the payload is ignored
const EventSchema = z.object({
  repository: z.object({
    private: z.boolean().optional(),
    visibility: z.string().optional()
  })
})

/**
 * The repository's visibility from the workflow's event payload (GITHUB_EVENT_PATH). A missing,
 * unreadable or unexpected payload is 'unknown': the caller warns rather than guesses.
 */
export function repositoryVisibility(env: NodeJS.ProcessEnv): Visibility {
  const eventPath = env.GITHUB_EVENT_PATH
  if (!eventPath) return 'unknown'
  let payload: unknown
  try {
    // a planted fifo, link or giant under the name is as good as no payload: 'unknown'
    payload = JSON.parse(readRegularFile(eventPath, CAPS.eventPayload))
  } catch {
    return 'unknown'
  }
  const parsed = EventSchema.safeParse(payload)
  if (!parsed.success) return 'unknown'
  const { private: isPrivate, visibility } = parsed.data.repository
  if (isPrivate === false || visibility === 'public') return 'public'
  if (isPrivate === true || visibility === 'private' || visibility === 'internal') return 'private'
  return 'unknown'
}

/**
 * Whether the run's snapshot is one made to recipients: a new one when recipients are given; an
 * existing one when only an identity was given (a passphrase snapshot would not open then).
 */
function recipientSnapshot(
  mode: Config['mode'],
  keys: { passphrase: string; recipients: readonly unknown[]; identities: readonly unknown[] }
): boolean {
  if (MODES[mode].createsSnapshot) return keys.recipients.length > 0
  return keys.passphrase === '' && keys.identities.length > 0
}

/**
 * Public repositories' artifacts can be downloaded by any signed-in user: a passphrase snapshot
 * uploaded there is open to offline guessing; one made to recipients is not (nothing to guess).
 * Refuses (InputError) before the lane starts; returns a warning when the visibility is unknown.
 */
export function refusePublicArtifact(
  config: Pick<Config, 'mode' | 'uploadArtifact' | 'allowPublicArtifact'>,
  env: NodeJS.ProcessEnv,
  door: Door,
  keys: { passphrase: string; recipients: readonly unknown[]; identities: readonly unknown[] } = {
    passphrase: '',
    recipients: [],
    identities: []
  }
): string | undefined {
  if (!config.uploadArtifact || !needsKey(config.mode) || config.allowPublicArtifact)
    return undefined
  if (recipientSnapshot(config.mode, keys)) return undefined
  const visibility = repositoryVisibility(env)
  if (visibility === 'private') return undefined
  const [upload, allow] =
    door === 'cli'
      ? ['--upload-artifact', '--allow-public-artifact']
      : ['input upload-artifact', 'allow-public-artifact: true']
  if (visibility === 'public') {
    throw new InputError(
      `${upload}: this repository is public and any signed-in user can download its artifacts, so a passphrase-encrypted snapshot would be open to offline guessing; encrypt to recipients (age public keys, the recipients input) or keep the snapshot on approved storage, or set ${allow} to upload anyway`
    )
  }
  return `repository visibility unknown (no readable event payload at GITHUB_EVENT_PATH): if the repository is public, the uploaded passphrase snapshot is open to offline guessing; prefer recipients, or set ${allow} to silence this`
}
