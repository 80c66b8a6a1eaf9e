/**
 * Splits a command line into argv the way a POSIX shell splits words: whitespace separates,
 * '...' is literal, "..." keeps spaces and honours \" \\ \$ \`, a backslash outside quotes
 * escapes the next character. Nothing else of a shell: no pipes, redirects, globs, variables or
 * `&&` (they reach the program as plain words); wrap the command in `sh -c "..."` for those.
 */
export function splitCommand(command: string): string[] {
  const argv: string[] = []
  let word = ''
  let inWord = false
  let i = 0
  const next = (): string => {
    const c = command[i++]
    if (c === undefined) throw new Error(`unfinished escape or quote in command: ${command}`)
    return c
  }
  while (i < command.length) {
    const c = next()
    if (/\s/.test(c)) {
      if (inWord) argv.push(word)
      word = ''
      inWord = false
      continue
    }
    // A backslash-newline is a line continuation in a shell: it vanishes.
    if (c === '\\' && command[i] === '\n') {
      i++
      continue
    }
    inWord = true
    if (c === '\\') {
      word += next()
    } else if (c === "'") {
      const end = command.indexOf("'", i)
      if (end < 0) throw new Error(`unmatched ' in command: ${command}`)
      word += command.slice(i, end)
      i = end + 1
    } else if (c === '"') {
      for (;;) {
        if (i >= command.length) throw new Error(`unmatched " in command: ${command}`)
        const d = next()
        if (d === '"') break
        if (d === '\\' && i < command.length && '"\\$`\n'.includes(command[i] as string)) {
          const escaped = next()
          if (escaped !== '\n') word += escaped
        } else {
          word += d
        }
      }
    } else {
      word += c
    }
  }
  if (inWord) argv.push(word)
  return argv
}

/** Replaces every `{package}` in each word, after splitting, so a path with spaces stays one word. */
export function substitutePackage(argv: string[], packageDir: string): string[] {
  return argv.map((word) => word.split('{package}').join(packageDir))
}
