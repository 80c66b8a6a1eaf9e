// The young generation's size for the re-executed process: small when restoring, unless the user
// chose one; V8's own when snapshotting.
import { SEMI_SPACE_MIB, youngGenerationFlags } from '../src/runtime/young-generation.js'

const OURS = [`--max-semi-space-size=${SEMI_SPACE_MIB}`]

describe('youngGenerationFlags', () => {
  it.each(['restore-test', 'restore'])(
    'asks for small semi-spaces in %s when nothing says otherwise',
    (mode) => {
      expect(youngGenerationFlags(mode, [], undefined)).toEqual(OURS)
      expect(
        youngGenerationFlags(mode, ['--enable-source-maps'], '--max-old-space-size=512')
      ).toEqual(OURS)
    }
  )

  it.each(['snapshot', 'precutover', 'migration-dry-run', undefined])(
    "leaves V8's default in %s (the snapshot's peak would climb with the data)",
    (mode) => {
      expect(youngGenerationFlags(mode, [], undefined)).toEqual([])
    }
  )

  it.each([
    ['on node’s command line', ['--max-semi-space-size=16'], undefined],
    ['with underscores, as V8 also reads it', ['--max_semi_space_size=4'], undefined],
    ['in NODE_OPTIONS', [], '--enable-source-maps  --max-semi-space-size=8'],
    ['in NODE_OPTIONS, first', [], '--max-semi-space-size=32 --trace-warnings'],
    ['as a minimum, which ours would contradict', ['--min-semi-space-size=16'], undefined],
    ['as its own argument', ['--max-semi-space-size', '16'], undefined]
  ])('leaves a size the user gave alone: %s', (_, execArgv, nodeOptions) => {
    expect(youngGenerationFlags('restore-test', execArgv, nodeOptions)).toEqual([])
  })

  it('a flag with a similar name is not the size', () => {
    expect(youngGenerationFlags('restore', ['--semi-space-growth-factor=2'], undefined)).toEqual(
      OURS
    )
    expect(youngGenerationFlags('restore', [], '--max-semi-space-sizes=2')).toEqual(OURS)
  })
})
