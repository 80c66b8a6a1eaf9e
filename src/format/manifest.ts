import path from 'node:path'
import { z } from 'zod'
import { COMPRESSIONS } from './compression.js'
import { NoGoError } from '../outcome/step-result.js'
import { writeFileAtomic } from '../util/atomic-write.js'
import { EncryptionRecordSchema } from './encryption-record.js'
import { SNAPSHOT_NAME } from './snapshot-name.js'
import { CAPS, readRegularFile } from '../util/read-regular-file.js'

/** The manifest of SPEC.md. It names no path but the include roots: the file index is encrypted. */
export const ManifestSchema = z.object({
  version: z.literal(1),
  createdAt: z.iso.datetime(),
  snapshot: z.object({
    path: z.string().regex(SNAPSHOT_NAME, 'a snapshot file name in the manifest folder'),
    size: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/)
  }),
  compression: z.enum(COMPRESSIONS),
  encryption: EncryptionRecordSchema,
  includes: z.array(z.string().min(1)).min(1),
  content: z.object({
    files: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/)
  }),
  tool: z.object({ name: z.string(), version: z.string() }).optional()
})

export type Manifest = z.infer<typeof ManifestSchema>

/** Reads and validates a manifest; every failure is a NO-GO that names the file and the fix. */
export function readManifest(manifestPath: string): Manifest {
  let text: string
  try {
    text = readRegularFile(manifestPath, CAPS.manifest)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NoGoError(
        `manifest ${manifestPath} is missing; run the snapshot step first, or point the manifest input at a downloaded one`
      )
    }
    throw new NoGoError(`cannot read manifest ${manifestPath}: ${(error as Error).message}`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new NoGoError(`manifest ${manifestPath} is not valid JSON; it was damaged or edited`)
  }
  const parsed = ManifestSchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new NoGoError(
      `manifest ${manifestPath} fails the schema at ${issue.path.join('.') || '(root)'}: ${issue.message}; it was damaged or edited`
    )
  }
  return parsed.data
}

/** The snapshot a manifest describes: its path is relative to the manifest's own folder. */
export function snapshotPathOf(manifestPath: string, manifest: Manifest): string {
  return path.join(path.dirname(manifestPath), manifest.snapshot.path)
}

export function writeManifest(manifestPath: string, manifest: Manifest): void {
  writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`)
}
