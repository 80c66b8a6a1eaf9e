import { z } from 'zod'

// GitHub's metadata syntax for action.yml (docs: "Metadata syntax for GitHub Actions"), strict:
// an unknown key is an error, as the runner ignores it silently. @action-validator/cli 0.6's
// schema stops at node20; this one knows node24, the runtime since June 2026 (NOTES.md).

const BRANDING_COLORS = [
  'white',
  'black',
  'yellow',
  'blue',
  'green',
  'orange',
  'red',
  'purple',
  'gray-dark'
] as const

const input = z.strictObject({
  description: z.string().min(1),
  required: z.boolean().optional(),
  default: z.string().optional(),
  deprecationMessage: z.string().optional()
})

const output = z.strictObject({ description: z.string().min(1), value: z.string().optional() })

const javascript = z.strictObject({
  using: z.enum(['node20', 'node24']),
  main: z.string().min(1),
  pre: z.string().optional(),
  'pre-if': z.string().optional(),
  post: z.string().optional(),
  'post-if': z.string().optional()
})

const composite = z.strictObject({
  using: z.literal('composite'),
  steps: z.array(z.record(z.string(), z.unknown())).min(1)
})

const docker = z.strictObject({
  using: z.literal('docker'),
  image: z.string().min(1),
  env: z.record(z.string(), z.string()).optional(),
  entrypoint: z.string().optional(),
  'pre-entrypoint': z.string().optional(),
  'post-entrypoint': z.string().optional(),
  args: z.array(z.string()).optional()
})

export const actionMetadata = z.strictObject({
  name: z.string().min(1),
  description: z.string().min(1),
  author: z.string().optional(),
  branding: z.strictObject({ icon: z.string().min(1), color: z.enum(BRANDING_COLORS) }).optional(),
  inputs: z.record(z.string().regex(/^[A-Za-z_][\w-]*$/), input).optional(),
  outputs: z.record(z.string().regex(/^[A-Za-z_][\w-]*$/), output).optional(),
  runs: z.discriminatedUnion('using', [javascript, composite, docker])
})
