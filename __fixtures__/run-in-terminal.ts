import { spawn } from 'node:child_process'
import path from 'node:path'
import { ROOT } from './run-action.js'
import { tempDir } from './trees.js'

export interface TerminalRun {
  code: number | null
  output: string
  /** How many of the steps' prompts appeared (and were answered). */
  answered: number
}

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`

/**
 * Runs the bundled CLI on a real pseudo-terminal (script(1)): each step waits for its text to show
 * after the previous one, then types its bytes, as a person would (keys typed ahead of a prompt
 * are echoed by the terminal before any program can turn echo off).
 */
export function runInTerminal(
  args: string[],
  steps: [waitFor: string, type: string][],
  env: Record<string, string> = {},
  cwd?: string
): Promise<TerminalRun> {
  const command = [process.execPath, path.join(ROOT, 'dist/cli.js'), ...args].map(quote).join(' ')
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: '/tmp', TMPDIR: tempDir('cg-tty-'), ...env }
  })
  let output = ''
  let from = 0
  let answered = 0
  const next = () => {
    const step = steps[answered]
    if (!step) return
    const at = output.indexOf(step[0], from)
    if (at === -1) return
    from = at + step[0].length
    answered++
    child.stdin.write(step[1])
    next()
  }
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString()
    next()
  })
  return new Promise((resolve) =>
    child.on('close', (code) => {
      child.stdin.destroy()
      resolve({ code, output, answered })
    })
  )
}
