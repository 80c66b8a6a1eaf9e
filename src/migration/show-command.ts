import { splitCommand } from './split-command.js'

/** A word as a POSIX shell would read it back: bare when safe, else single-quoted. */
const quote = (word: string): string =>
  /^[\w@%+=:,./{}-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`

/**
 * A command as one line that runs the same: the words it splits into (line continuations and
 * line breaks are only word breaks to splitCommand), re-quoted. Flattening the text instead would
 * keep a continuation's backslash as if it were part of the command. Cut at `max` characters.
 */
export function showCommand(command: string, max = 200): string {
  let line: string
  try {
    line = splitCommand(command).map(quote).join(' ')
  } catch {
    line = command.replace(/\s+/g, ' ').trim() // not splittable: the step says why
  }
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}
