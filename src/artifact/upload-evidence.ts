import { DefaultArtifactClient, type UploadArtifactOptions } from '@actions/artifact'
import { artifactNameProblem } from '../config/artifact-name.js'
import { artifactUrl } from './artifact-url.js'
import { describeCause } from './describe-cause.js'

export interface EvidenceUpload {
  id: number
  url: string
  name: string
  size: number
}

export interface UploadEvidenceOptions {
  name: string
  /** Absolute paths, all under rootDirectory. */
  files: string[]
  /** Common folder of files: paths inside the artifact are relative to it. */
  rootDirectory: string
  /** 0 = the repository's default retention. */
  retentionDays: number
}

export const NOT_ON_RUNNER =
  'upload-artifact needs a GitHub Actions runner (ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set); set upload-artifact: false or run inside a workflow'

/** A failed upload, in one line; the client's own error is kept as cause. */
export class EvidenceUploadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'EvidenceUploadError'
  }
}

/** Uploads the given files (absolute paths) as one artifact; rootDirectory is their common folder so artifact paths are relative to it. */
export async function uploadEvidence(options: UploadEvidenceOptions): Promise<EvidenceUpload> {
  const { name, files, rootDirectory, retentionDays } = options
  const nameProblem = artifactNameProblem(name)
  if (nameProblem) throw new EvidenceUploadError(nameProblem)
  if (!Number.isInteger(retentionDays) || retentionDays < 0) {
    throw new EvidenceUploadError(
      `retention-days must be a whole number >= 0, got ${retentionDays}`
    )
  }
  if (!process.env.ACTIONS_RUNTIME_TOKEN || !process.env.ACTIONS_RESULTS_URL) {
    throw new EvidenceUploadError(NOT_ON_RUNNER)
  }

  // The snapshot is already compressed and encrypted, so deflating it again only costs time.
  const uploadOptions: UploadArtifactOptions = { compressionLevel: 0 }
  // Leaving retention out lets the service apply the repository's default.
  if (retentionDays > 0) uploadOptions.retentionDays = retentionDays

  let response
  try {
    response = await new DefaultArtifactClient().uploadArtifact(
      name,
      files,
      rootDirectory,
      uploadOptions
    )
  } catch (error) {
    throw new EvidenceUploadError(`uploading artifact '${name}' failed: ${describeCause(error)}`, {
      cause: error
    })
  }
  if (response.id === undefined) {
    throw new EvidenceUploadError(`uploading artifact '${name}' failed: the service returned no id`)
  }
  return {
    id: response.id,
    url: artifactUrl(process.env, response.id),
    name,
    size: response.size ?? 0
  }
}
