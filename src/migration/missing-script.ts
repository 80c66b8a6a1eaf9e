import { access } from 'node:fs/promises'
import path from 'node:path'

const SCRIPT_EXTENSION = /\.(py|js|mjs|cjs|ts|sh|bash|rb|pl|php)$/i
/** Interpreter flags after which the next word is code or a module, not a script file. */
const CODE_FLAGS = new Set(['-c', '-e', '-m', '-p', '--eval', '--print'])

/**
 * The script file a command runs, if it can be told without running it: the program itself when
 * it is a path (`scripts/backup.sh`), or an interpreter's first non-option word that looks like a
 * script file (`python3 -u scripts/export.py`).
 */
export function scriptOf(argv: string[]): string | undefined {
  const [program, ...rest] = argv
  if (!program) return undefined
  if (program.includes('/') || program.includes(path.sep)) return program
  for (const word of rest) {
    if (CODE_FLAGS.has(word)) return undefined
    if (word.startsWith('-')) continue
    return SCRIPT_EXTENSION.test(word) && !/\s/.test(word) ? word : undefined
  }
  return undefined
}

/** The script of argv when it does not exist (relative to repo), else undefined. */
export async function missingScript(argv: string[], repo: string): Promise<string | undefined> {
  const script = scriptOf(argv)
  if (!script) return undefined
  try {
    await access(path.resolve(repo, script))
    return undefined
  } catch {
    return script
  }
}

/** Interpreters' own words for a script file that is not there, for scripts found only at run time. */
const MISSING_IN_OUTPUT = [
  /can't open file '([^']+)': \[Errno 2\]/, // python
  /Cannot find module '([^']+)'[\s\S]*requireStack: \[\]/ // node, the main module itself
]

export function missingScriptInOutput(output: string): string | undefined {
  for (const pattern of MISSING_IN_OUTPUT) {
    const match = pattern.exec(output)
    if (match?.[1]) return match[1]
  }
  return undefined
}
