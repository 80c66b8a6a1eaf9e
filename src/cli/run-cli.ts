import os from 'node:os'
import type { Config } from '../config/config.js'
import { MODES, needsKey } from '../config/modes.js'
import { AgeError } from '../age/errors.js'
import { parseRecipient, parseRecipients } from '../age/recipients.js'
import type { RawInputs } from '../config/input-names.js'
import { resolveKeys } from '../config/resolve-keys.js'
import type { SnapshotKeys } from '../format/snapshot-keys.js'
import { InputError } from '../config/input-error.js'
import { parseInputs } from '../config/inputs.js'
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
import { sweepLeftovers } from '../hygiene/sweep-leftovers.js'
import { CAPS, readNamedInput, type ReadCap } from '../util/read-regular-file.js'
import {
  cliNamePolicy,
  forSink,
  resetNamePolicy,
  setNamePolicy,
  SHOW_NAMES_WARNING
} from '../privacy/name-policy.js'

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
  /** A person reads stderr: names under the includes may show there (never in the report files). */
  stderrIsTTY?: boolean
}

/** The CLI door: flags → the same validated config as the action → the lane → exit 0/1/2. */
export async function runCli(given: CliIO): Promise<number> {
  resetNamePolicy()
  // every line to stderr renders names under the includes by the policy set below
  const io = { ...given, stderr: renderingStream(given.stderr) }
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
    const inputs = await withRecipientFlags(args.inputs, args.recipients, args.recipientsFiles)
    config = parseInputs(inputs, { cwd: io.cwd, tempDir: os.tmpdir() })
    setNamePolicy(
      cliNamePolicy(config.showPrivateNames === true, {
        stdout: io.stdoutIsTTY,
        stderr: io.stderrIsTTY === true
      }),
      config.includes
    )
    if (config.showPrivateNames === true)
      io.stderr.write(`cutover-gate: warning: ${SHOW_NAMES_WARNING}\n`)
    let explicit = ''
    if (args.passphraseFile !== undefined) {
      explicit = await readPassphraseFile(args.passphraseFile, io.stderr)
    }
    const explicitIdentity =
      args.identityFile === undefined
        ? ''
        : await readSecretFile(args.identityFile, 'identity', io.stderr)
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
  // what a killed earlier run left (the action's post step does this there)
  for (const thing of sweepLeftovers(config))
    io.stderr.write(`cutover-gate: removed ${thing}, left by a run that was killed\n`)
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

/** stderr as the CLI writes it: each line rendered for the log sink before it goes out. */
function renderingStream(stream: NodeJS.WritableStream): NodeJS.WritableStream {
  return {
    write: (chunk: string | Uint8Array, ...rest: unknown[]) =>
      (stream.write as (...args: unknown[]) => boolean)(
        typeof chunk === 'string' ? forSink('log', chunk) : chunk,
        ...rest
      )
  } as NodeJS.WritableStream
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
async function withRecipientFlags(
  inputs: RawInputs,
  flags: string[],
  files: string[]
): Promise<RawInputs> {
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
    const content = (
      await readFlagFile(
        '--recipients-file',
        file,
        CAPS.recipientsFile,
        'a readable recipients file'
      )
    ).text
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

async function readPassphraseFile(file: string, stderr: NodeJS.WritableStream): Promise<string> {
  return passphraseFromFileContent(await readSecretFile(file, 'passphrase', stderr))
}

/**
 * A file a flag names, through the one plant-safe reader: a regular file or a pipe with a writer
 * (`<(cmd)`), never a link's target, never blocking, capped. Errors name the flag and the fix.
 */
async function readFlagFile(flag: string, file: string, cap: ReadCap, fix: string) {
  try {
    return await readNamedInput(file, cap)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ETOOBIG' || code === 'ENOWRITER' || code === 'ENOTREG')
      throw new InputError(`${flag} ${(error as Error).message}`)
    if (code === 'ELOOP')
      throw new InputError(
        `${flag} ${file} is a symlink, which is not followed (it could have been planted); name the file it points to`
      )
    throw new InputError(`${flag} ${file} cannot be read (${code ?? 'error'}); name ${fix}`)
  }
}

/** A secret file's content; a file others can read gets a warning (it is a key on disk). */
async function readSecretFile(
  file: string,
  what: 'passphrase' | 'identity',
  stderr: NodeJS.WritableStream
): Promise<string> {
  const read = await readFlagFile(
    `--${what}-file`,
    file,
    CAPS.secretFile,
    `a readable file holding the ${what}`
  )
  const content = read.text
  const mode = read.stat.mode
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
