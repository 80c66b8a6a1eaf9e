import fs from 'node:fs'
import os from 'node:os'
import { modeCreatesSnapshot, modeNeedsPassphrase } from '../config/config.js'
import { InputError, parseInputs } from '../config/inputs.js'
import {
  passphraseFromFileContent,
  refuseWeakPassphrase,
  requirePassphrase,
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
  const env = { ...io.env, ...io.secrets }
  try {
    config = parseInputs(args.inputs, { cwd: io.cwd, tempDir: os.tmpdir() })
    let explicit = ''
    if (args.passphraseFile !== undefined) {
      explicit = readPassphraseFile(args.passphraseFile, io.stderr)
    }
    passphrase = resolvePassphrase(explicit, env, config.passphraseEnv)
    if (passphrase === '' && modeNeedsPassphrase(config.mode) && io.stdinIsTTY) {
      passphrase = await promptPassphrase(
        modeCreatesSnapshot(config.mode),
        config.passphraseEnv,
        (line) => io.stderr.write(`${line}\n`)
      )
    }
    requirePassphrase(config.mode, passphrase, config.passphraseEnv, 'cli')
    await refuseWeakPassphrase(config, passphrase, 'cli')
  } catch (error) {
    io.stderr.write(`cutover-gate: ${(error as Error).message}\n`)
    return error instanceof PromptEnded ? error.exitCode : EXIT.USAGE
  }
  let gate
  try {
    gate = await runGate(config, passphrase, stderrLogger(io.stderr), env, 'cli')
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    io.stderr.write(`cutover-gate: ${error.message}\n`)
    return EXIT.USAGE
  }
  const { report } = gate
  io.stdout.write(renderTerminal(report, { color: io.stdoutIsTTY && !io.env.NO_COLOR }))
  // list prints the catalogue and writes no report file
  if (config.mode !== 'list')
    io.stderr.write(
      gate.outputs['report-path']
        ? `report: ${config.reportPath} (and ${config.reportJsonPath})\n`
        : `report: not written (see the NO-GO reason above)\n`
    )
  return report.decision === 'GO' ? EXIT.GO : EXIT.NO_GO
}

/** The passphrase file's secret; a file others can read gets a warning (it is a key on disk). */
function readPassphraseFile(file: string, stderr: NodeJS.WritableStream): string {
  let content: string
  let mode: number
  try {
    content = fs.readFileSync(file, 'utf8')
    mode = fs.statSync(file).mode
  } catch (error) {
    throw new InputError(
      `--passphrase-file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); name a readable file holding the passphrase`
    )
  }
  const secret = passphraseFromFileContent(content)
  if (secret === '')
    throw new InputError(`--passphrase-file ${file} is empty; write the passphrase in it`)
  if ((mode & 0o077) !== 0) {
    stderr.write(
      `cutover-gate: warning: --passphrase-file ${file} is readable by group or others (mode ${(mode & 0o777).toString(8)}); chmod 600 ${file}\n`
    )
  }
  return secret
}
