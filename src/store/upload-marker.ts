import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { writeFileAtomic } from '../util/atomic-write.js'
import { liveness, selfIdentity } from '../util/process-identity.js'
import { CAPS, readRegularFile } from '../util/read-regular-file.js'

/** `<temp>/cutover-gate-upload-<hash>.json`: one multipart upload of this run, while it is open. */
export const UPLOAD_MARKER_PREFIX = 'cutover-gate-upload-'

const IdentitySchema = z.object({
  pid: z.number().int().positive(),
  startTime: z.string().regex(/^\d+$/),
  bootId: z.string().min(1),
  host: z.string().min(1)
})

const MarkerSchema = z.object({
  maker: IdentitySchema,
  bucket: z.string().min(3),
  prefix: z.string(),
  key: z.string().min(1),
  /** '' while CreateMultipartUpload is on its way: the sweep then aborts the key's uploads. */
  uploadId: z.string(),
  endpoint: z.string(),
  region: z.string()
})

export type UploadMarker = z.infer<typeof MarkerSchema>

/**
 * Why a leftover upload may be aborted: its marker names the process that started it, and that
 * process is proven dead (pid free or reused, or the host rebooted). A live run's upload, or one
 * of another host, has no such proof and is never touched.
 */
export function markerPath(tempDir: string, key: string): string {
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 24)
  return path.join(tempDir, `${UPLOAD_MARKER_PREFIX}${hash}.json`)
}

/**
 * Written before CreateMultipartUpload (uploadId '') and again once S3 gives the id: a run killed
 * between the two still leaves a marker for its key, which only that run writes (ids are unique
 * per second, and write-once refuses a second object). Returns the marker's path.
 */
export function writeUploadMarker(tempDir: string, upload: Omit<UploadMarker, 'maker'>): string {
  fs.mkdirSync(tempDir, { recursive: true })
  const file = markerPath(tempDir, upload.key)
  writeFileAtomic(file, `${JSON.stringify({ maker: selfIdentity(), ...upload })}\n`)
  return file
}

export function removeUploadMarker(file: string): void {
  fs.rmSync(file, { force: true })
}

/** The markers under tempDir whose maker is proven dead, with their files. */
export function deadUploadMarkers(tempDir: string): { file: string; marker: UploadMarker }[] {
  let names: string[]
  try {
    names = fs.readdirSync(tempDir)
  } catch {
    return []
  }
  const dead: { file: string; marker: UploadMarker }[] = []
  for (const name of names.sort()) {
    if (!name.startsWith(UPLOAD_MARKER_PREFIX) || !name.endsWith('.json')) continue
    const file = path.join(tempDir, name)
    let parsed
    try {
      parsed = MarkerSchema.safeParse(JSON.parse(readRegularFile(file, CAPS.marker)))
    } catch {
      continue
    }
    if (parsed.success && liveness(parsed.data.maker) === 'dead')
      dead.push({ file, marker: parsed.data })
  }
  return dead
}
