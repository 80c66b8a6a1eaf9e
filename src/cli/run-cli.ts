import fs from 'node:fs'
import os from 'node:os'
import { modeNeedsPassphrase } from '../config/config.js'
import { InputError, parseInputs } from '../config/inputs.js'
import {
  passphraseFromFileContent,
  requirePassphrase,
  resolvePassphrase
} from '../config/passphrase.js'
import { runGate } from '../gate.js'
import { renderTerminal } from '../report/render-terminal.js'
import { TOOL } from '../version.js'
import { parseArgs, USAGE } from './parse-args.js'
import { promptPassphrase } from './prompt-passphrase.js'
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
      try {
        explicit = passphraseFromFileContent(fs.readFileSync(args.passphraseFile, 'utf8'))
      } catch (error) {
        throw new InputError(
          `--passphrase-file ${args.passphraseFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); name a readable file holding the passphrase`
        )
      }
      if (explicit === '') throw new InputError(`--passphrase-file ${args.passphraseFile} is empty`)
    }
    passphrase = resolvePassphrase(explicit, env, config.passphraseEnv)
    if (passphrase === '' && modeNeedsPassphrase(config.mode) && io.stdinIsTTY) {
      passphrase = await promptPassphrase('Snapshot passphrase (not echoed): ')
    }
    requirePassphrase(config.mode, passphrase, config.passphraseEnv)
  } catch (error) {
    io.stderr.write(`cutover-gate: ${(error as Error).message}\n`)
    return EXIT.USAGE
  }
  const { report } = await runGate(config, passphrase, stderrLogger(io.stderr), env)
  io.stdout.write(renderTerminal(report, { color: io.stdoutIsTTY && !io.env.NO_COLOR }))
  io.stderr.write(`report: ${config.reportPath} (and ${config.reportJsonPath})\n`)
  return report.decision === 'GO' ? EXIT.GO : EXIT.NO_GO
}
