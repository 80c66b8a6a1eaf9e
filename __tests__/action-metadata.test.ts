// action.yml against GitHub's metadata syntax, with node24 known (the validator on npm rejects
// it): the real file passes, and generated broken variants of it are each refused.
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { parse } from 'yaml'
import { actionMetadata } from '../__fixtures__/action-metadata.js'
import { ROOT } from '../__fixtures__/run-action.js'

// parsed YAML, mutated freely below to make broken variants
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as Record<string, any>

describe('action.yml', () => {
  it('follows the metadata syntax, runs on node24, and its entry points exist', () => {
    const result = actionMetadata.safeParse(action)
    expect(result.success ? [] : result.error.issues).toEqual([])
    expect(action.runs.using).toBe('node24')
    for (const entry of [action.runs.main, action.runs.post])
      expect([entry, fs.existsSync(path.join(ROOT, entry))]).toEqual([entry, true])
  })

  it('every input default is a string (the runner hands the text), every output described', () => {
    for (const [name, spec] of Object.entries<{ default?: unknown }>(action.inputs))
      if (spec.default !== undefined) expect([name, typeof spec.default]).toEqual([name, 'string'])
  })

  const names = Object.keys(action.inputs)
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const breaks: [string, (a: any, pick: number) => void][] = [
    ['an unknown top-level key', (a) => (a.run = a.runs)],
    ['an old runtime', (a) => (a.runs.using = 'node16')],
    ['a misspelt runtime', (a) => (a.runs.using = 'node-24')],
    ['no main', (a) => delete a.runs.main],
    ['an unknown runs key', (a) => (a.runs.mian = 'dist/index.js')],
    [
      'an input without description',
      (a, i) => delete a.inputs[names[i % names.length]!].description
    ],
    ['an input with a typo key', (a, i) => (a.inputs[names[i % names.length]!].defualt = 'x')],
    ['a numeric default', (a, i) => (a.inputs[names[i % names.length]!].default = 3)],
    ['a branding colour GitHub lacks', (a) => (a.branding.color = 'teal')],
    ['no description', (a) => delete a.description]
  ]
  it('refuses every generated broken variant', () => {
    fc.assert(
      fc.property(fc.constantFrom(...breaks), fc.nat(), ([, mutate], pick) => {
        const broken = structuredClone(action)
        mutate(broken, pick)
        expect(actionMetadata.safeParse(broken).success).toBe(false)
      }),
      { numRuns: 60 }
    )
  })
})
