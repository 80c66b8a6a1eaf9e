// The characters @actions/artifact refuses in an artifact name (NTFS limits), checked here so the
// caller gets one line before any network call.
const FORBIDDEN: ReadonlyArray<readonly [string, string]> = [
  ['"', 'double quote "'],
  [':', 'colon :'],
  ['<', 'less than <'],
  ['>', 'greater than >'],
  ['|', 'vertical bar |'],
  ['*', 'asterisk *'],
  ['?', 'question mark ?'],
  ['\r', 'carriage return \\r'],
  ['\n', 'line feed \\n'],
  ['\\', 'backslash \\'],
  ['/', 'forward slash /']
]

/** Why `name` cannot be an artifact name, in one line, or undefined when it can. */
export function artifactNameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'artifact-name is empty'
  for (const [char, label] of FORBIDDEN) {
    if (name.includes(char)) {
      const all = FORBIDDEN.map(([c]) => JSON.stringify(c)).join(' ')
      return `artifact-name ${JSON.stringify(name)} contains a ${label}, which artifact names may not hold (${all})`
    }
  }
  return undefined
}
