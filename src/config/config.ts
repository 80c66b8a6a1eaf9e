import type { Compression } from '../format/compression.js'
import type { Recipient } from '../age/recipients.js'
import type { StoreLocation } from './store-url.js'

export const MODE_NAMES = [
  'precutover',
  'migration-dry-run',
  'snapshot',
  'restore-test',
  'restore',
  'list',
  'exposure-audit'
] as const
export type Mode = (typeof MODE_NAMES)[number]

/** What the exposure audit's findings do: warn (GO unaffected), fail (NO-GO), off (not run). */
export const EXPOSURE_LEVELS = ['warn', 'fail', 'off'] as const
export type ExposureLevel = (typeof EXPOSURE_LEVELS)[number]

/** The validated configuration both doors (action and CLI) hand to the lane. Paths are absolute. */
export interface Config {
  mode: Mode
  /** Absolute, resolved repository root. */
  repo: string
  /** Include roots relative to repo, POSIX separators, normalized, sorted, no overlaps. */
  includes: string[]
  snapshotDir: string
  manifestPath: string
  force: boolean
  compression: Compression
  workFactor: number
  migration: {
    exportCommand: string
    checkCommand: string
    importCommand: string
    timeoutSeconds: number
  }
  reportPath: string
  reportJsonPath: string
  /** Absolute restore target for mode restore; '' otherwise. */
  restoreTarget: string
  uploadArtifact: boolean
  artifactName: string
  retentionDays: number
  failOnNoGo: boolean
  /** Let logs, summary, report and outputs name paths under the includes (SPEC, Safety rules); absent: no. */
  showPrivateNames?: boolean
  /** Accept a passphrase rated weak for a new snapshot. */
  allowWeakPassphrase: boolean
  /** Upload a passphrase snapshot as an artifact even of a public repository. */
  allowPublicArtifact: boolean
  /** Name of the environment variable that may carry the passphrase (never passed to children). */
  passphraseEnv: string
  /** Public age recipients new snapshots are encrypted to; empty: the passphrase (scrypt). */
  recipients: readonly Recipient[]
  /** Name of the environment variable that may carry the identity (never passed to children). */
  identityEnv: string
  /** Which snapshot restore-test / restore use: 'latest' (manifestPath) or a catalogue id. */
  snapshot: string
  /** After a GO, keep only the newest N snapshots of snapshotDir; 0 keeps all. */
  keepLast: number
  /** exposure input: what the exposure audit's findings do. */
  exposure: ExposureLevel
  /** Scratch space: RUNNER_TEMP for the action, the OS temp folder for the CLI. */
  tempDir: string
  /** The S3-compatible store snapshots go to instead of snapshotDir; undefined: snapshotDir. */
  store?: StoreSettings
}

export type LockMode = 'governance' | 'compliance'

/** What the store inputs say, validated (see inputs.ts). */
export interface StoreSettings extends StoreLocation {
  /** '' for AWS; otherwise an S3-compatible service's URL (addressed path-style). */
  endpoint: string
  /** '' for AWS_REGION, then us-east-1. */
  region: string
  /** N > 0: Object Lock retention of N days on every object written; 0: the bucket's default. */
  retentionDays: number
  lockMode: LockMode
}
