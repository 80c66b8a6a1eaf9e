import fs from 'node:fs'
import os from 'node:os'
import type { Config } from '../config/config.js'
import { MODES, needsKey } from '../config/modes.js'
import { AgeError } from '../age/errors.js'
import { parseRecipient, parseRecipients } from '../age/recipients.js'
import type { RawInputs } from '../config/input-names.js'
import { resolveKeys } from '../config/resolve-keys.js'
import type { SnapshotKeys } from '../format/snapshot-keys.js'
import { InputError, parseInputs } from '../config/inputs.js'
import {
  normalizeSecret,
  passphraseFromFileContent,
  refuseWeakPassphrase,
  resolvePassphrase
} from '../config/passphrase.js'
import { runGate } from '../gate.js'
import { renderTerminal } from '../report/render-terminal.js'
import { TOOL } from '../version.js'
import { parseArgs, USAGE } from './parse-args.js'
import { promptPassphrase, PromptEnded } from './prompt-passphrase.js'
import { stderrLogger } from './stderr-logger.js'

export const EXIT = { GO: 0, NO_GO: 1, USAGE: 2 } as const

export interface CliIO {
  argv: readonly string[]
  env: NodeJS.ProcessEnv
  /** Secrets handed off past the re-start (src/runtime/secret-handoff.ts); kept out of env. */
  secrets?: Record<string, string>
  cwd: string
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  stdinIsTTY: boolean
  stdoutIsTTY: boolean
}

/** The CLI door: flags → the same validated config as the action → the lane → exit 0/1/2. */
export async function runCli(io: CliIO): Promise<number> {
  let args
  try {
    args = parseArgs(io.argv)
  } catch (error) {
    io.stderr.write(`cutover-gate: ${(error as Error).message}\n`)
    return EXIT.USAGE
  }
  if (args.help) {
    io.stdout.write(`${USAGE}\n`)
    return EXIT.GO
  }
  if (args.version) {
    io.stdout.write(`${TOOL.name} ${TOOL.version}\n`)
    return EXIT.GO
  }
  let config
  let passphrase: string
  let keys: SnapshotKeys
  const env = { ...io.env, ...io.secrets }
  try {
    const inputs = withRecipientFlags(args.inputs, args.recipients, args.recipientsFiles)
    config = parseInputs(inputs, { cwd: io.cwd, tempDir: os.tmpdir() })
    let explicit = ''
    if (args.passphraseFile !== undefined) {
      explicit = readPassphraseFile(args.passphraseFile, io.stderr)
    }
    const explicitIdentity =
      args.identityFile === undefined
        ? ''
        : readSecretFile(args.identityFile, 'identity', io.stderr)
    const identity = resolvePassphrase(explicitIdentity, env, config.identityEnv)
    passphrase = resolvePassphrase(explicit, env, config.passphraseEnv)
    if (passphrase === '' && wantsPassphrase(config, identity) && io.stdinIsTTY) {
      passphrase = await promptPassphrase(
        MODES[config.mode].createsSnapshot,
        config.passphraseEnv,
        (line) => io.stderr.write(`${line}\n`)
      )
    }
    keys = resolveKeys(config, { passphrase, identity }, 'cli')
    await refuseWeakPassphrase(config, passphrase, 'cli')
  } catch (error) {
    io.stderr.write(`cutover-gate: ${(error as Error).message}\n`)
    return error instanceof PromptEnded ? error.exitCode : EXIT.USAGE
  }
  let gate
  try {
    gate = await runGate(config, keys, stderrLogger(io.stderr), env, 'cli')
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    io.stderr.write(`cutover-gate: ${error.message}\n`)
    return EXIT.USAGE
  }
  const { report } = gate
  io.stdout.write(renderTerminal(report, { color: io.stdoutIsTTY && !io.env.NO_COLOR }))
  // list prints the catalogue and writes no report file
  if (MODES[config.mode].writesReport)
    io.stderr.write(
      gate.outputs['report-path']
        ? `report: ${config.reportPath} (and ${config.reportJsonPath})\n`
        : `report: not written (see the NO-GO reason above)\n`
    )
  return report.decision === 'GO' ? EXIT.GO : EXIT.NO_GO
}

/** The prompt asks only when the passphrase is the key this run needs (not recipients, not an identity). */
function wantsPassphrase(config: Config, identity: string): boolean {
  if (!needsKey(config.mode)) return false
  if (MODES[config.mode].createsSnapshot) return config.recipients.length === 0
  return identity === ''
}

/**
 * `--recipient` and `--recipients-file` join the recipients input; each is checked on its own
 * first, so an error names the flag or the file's own line number.
 */
function withRecipientFlags(inputs: RawInputs, flags: string[], files: string[]): RawInputs {
  if (flags.length === 0 && files.length === 0) return inputs
  const texts = inputs.recipients ? [inputs.recipients] : []
  for (const flag of flags) {
    try {
      parseRecipient(flag.trim())
    } catch (error) {
      throw new InputError(
        `--recipient ${flag}: ${(error as Error).message}; expected an age1... or age1pq1... recipient`
      )
    }
    texts.push(flag.trim())
  }
  for (const file of files) {
    let content: string
    try {
      content = fs.readFileSync(file, 'utf8')
    } catch (error) {
      throw new InputError(
        `--recipients-file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); name a readable recipients file`
      )
    }
    try {
      parseRecipients(content, `--recipients-file ${file}`)
    } catch (error) {
      if (error instanceof AgeError) throw new InputError(error.message)
      throw error
    }
    texts.push(content)
  }
  return { ...inputs, recipients: texts.join('\n') }
}

function readPassphraseFile(file: string, stderr: NodeJS.WritableStream): string {
  return passphraseFromFileContent(readSecretFile(file, 'passphrase', stderr))
}

/** A secret file's content; a file others can read gets a warning (it is a key on disk). */
function readSecretFile(
  file: string,
  what: 'passphrase' | 'identity',
  stderr: NodeJS.WritableStream
): string {
  let content: string
  let mode: number
  try {
    content = fs.readFileSync(file, 'utf8')
    mode = fs.statSync(file).mode
  } catch (error) {
    throw new InputError(
      `--${what}-file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); name a readable file holding the ${what}`
    )
  }
  const secret = normalizeSecret(content)
  if (secret === '')
    throw new InputError(`--${what}-file ${file} is empty; write the ${what} in it`)
  if ((mode & 0o077) !== 0) {
    stderr.write(
      `cutover-gate: warning: --${what}-file ${file} is readable by group or others (mode ${(mode & 0o777).toString(8)}); chmod 600 ${file}\n`
    )
  }
  return secret
}
