import fs from 'node:fs'
import path from 'node:path'
import { generateIdentity, identityToRecipient } from 'age-encryption'

// Stock tools (Debian's age, zstd, script) are oracles for interop tests. A fresh machine may
// lack them: the tests that drive one skip there, and global-setup.ts says so in one line per
// run. In CI (CI set) nothing skips: the test runs and fails on the missing tool, and .ci/run
// also fails on any skipped test.

/** The Debian package that provides each stock tool the tests drive. */
export const STOCK_TOOLS: Readonly<Record<string, string>> = {
  age: 'age',
  'age-keygen': 'age',
  zstd: 'zstd',
  gzip: 'gzip',
  script: 'bsdutils'
}

/** Whether `name` is an executable file in a folder of PATH (what a shell would run). */
export function onPath(name: string, envPath = process.env.PATH ?? ''): boolean {
  return envPath
    .split(path.delimiter)
    .filter((dir) => dir !== '')
    .some((dir) => {
      try {
        fs.accessSync(path.join(dir, name), fs.constants.X_OK)
        return fs.statSync(path.join(dir, name)).isFile()
      } catch {
        return false
      }
    })
}

/** `describe` / `it` that run when every tool is on PATH (always in CI), else skip. */
export function withTools(...names: string[]): { describe: jest.Describe; it: jest.It } {
  const present = names.every((name) => onPath(name)) || Boolean(process.env.CI)
  return present ? { describe, it } : { describe: describe.skip, it: it.skip }
}

export interface KeyFile {
  keyFile: string
  recipient: string
  identity: string
}

/**
 * An X25519 key file as `age-keygen -o` writes it (mode 0600, the created and public key
 * comments, the identity line), made by typage so no stock age is needed.
 */
export async function ageKeygen(dir: string, name: string): Promise<KeyFile> {
  const identity = await generateIdentity()
  const recipient = await identityToRecipient(identity)
  const keyFile = path.join(dir, name)
  const created = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  fs.writeFileSync(keyFile, `# created: ${created}\n# public key: ${recipient}\n${identity}\n`, {
    mode: 0o600
  })
  return { keyFile, recipient, identity }
}
