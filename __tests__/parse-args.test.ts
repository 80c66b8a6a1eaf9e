import fc from 'fast-check'
import { parseArgs } from '../src/cli/parse-args.js'
import { INPUT_NAMES } from '../src/config/input-names.js'

const BOOLEANS = [
  'force',
  'upload-artifact',
  'fail-on-no-go',
  'allow-weak-passphrase',
  'allow-public-artifact',
  'show-private-names'
]
const STRINGS = INPUT_NAMES.filter(
  (n) =>
    !BOOLEANS.includes(n) &&
    !['passphrase', 'identity', 'github-token', 'mode', 'include'].includes(n)
)

describe('the CLI flags (node:util parseArgs)', () => {
  it('takes every non-secret input as --name V and --name=V', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...STRINGS),
        fc.string({ minLength: 1 }).filter((v) => !v.startsWith('-')),
        (name, value) => {
          expect(parseArgs(['snapshot', `--${name}`, value]).inputs[name]).toBe(value)
          expect(parseArgs(['snapshot', `--${name}=${value}`]).inputs[name]).toBe(value)
        }
      )
    )
  })

  it.each(BOOLEANS)('spells the boolean %s four ways', (name) => {
    expect(parseArgs([`--${name}`]).inputs[name as 'force']).toBe('true')
    expect(parseArgs([`--no-${name}`]).inputs[name as 'force']).toBe('false')
    expect(parseArgs([`--${name}=false`]).inputs[name as 'force']).toBe('false')
    expect(parseArgs([`--${name}`, 'FALSE', 'snapshot']).inputs).toEqual({
      [name]: 'false',
      mode: 'snapshot'
    })
    expect(() => parseArgs([`--${name}=maybe`])).toThrow(`--${name} accepts true or false`)
  })

  it('repeats --include, --recipient and --recipients-file in order', () => {
    const args = parseArgs([
      'precutover',
      '--include',
      'state',
      '--recipient',
      'age1a',
      '--include=logs',
      '--recipients-file',
      'r.txt',
      '--recipient=age1b'
    ])
    expect(args.inputs.include).toBe('state\nlogs')
    expect(args.recipients).toEqual(['age1a', 'age1b'])
    expect(args.recipientsFiles).toEqual(['r.txt'])
  })

  it.each([
    [['--passphrase', 'x'], /no --passphrase flag/],
    [['--passphrase=x'], /no --passphrase flag/],
    [['--identity=AGE-SECRET-KEY-1X'], /no --identity flag/],
    [['--frobnicate', '1'], /^unknown flag --frobnicate; see cutover-gate --help/],
    [['--repo'], /^--repo needs a value/],
    [['deploy'], /^mode "deploy" is not one of precutover/],
    [['snapshot', 'restore'], /^unexpected argument "restore"; the mode is given once/],
    [['--passphrase-file='], /^--passphrase-file needs a file path/],
    [['--recipient='], /^--recipient needs an age recipient/]
  ])('refuses %j in one line', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message)
  })

  it('--help, -h and --version', () => {
    expect(parseArgs(['--help']).help).toBe(true)
    expect(parseArgs(['-h']).help).toBe(true)
    expect(parseArgs(['--version']).version).toBe(true)
  })
})
