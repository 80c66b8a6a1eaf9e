import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { errorText } from '../src/privacy/error-text.js'
import { markOutputNames } from '../src/privacy/command-output.js'
import {
  addIncludeRoots,
  hiddenForm,
  nameFingerprint,
  privateList,
  privateName,
  renderNames,
  renderNamesDeep
} from '../src/privacy/private-name.js'
import { tempDir } from '../__fixtures__/trees.js'

addIncludeRoots(['state', 'reports/private'])
const part = fc.stringMatching(/^[g-z][a-z0-9]{5,9}$/)

describe('private names: recorded where a message names them, hidden by every sink that may not show them', () => {
  it('hides each recorded name, however the names nest, and shows them all when asked', () => {
    fc.assert(
      fc.property(fc.uniqueArray(part, { minLength: 3, maxLength: 3 }), ([a, b, c]) => {
        const folder = `state/${a}`
        const file = `state/${a}/${b}${c}`
        const text = `cannot list folder ${privateName(folder)}; ${privateName(file)} vanished`
        const hidden = renderNames(text, false)
        for (const piece of [a!, b!, c!]) expect(hidden).not.toContain(piece)
        expect(hidden).toBe(
          `cannot list folder ${hiddenForm(folder)}; ${hiddenForm(file)} vanished`
        )
        expect(renderNames(text, true)).toBe(text)
      })
    )
  })

  it('a fingerprint is stable (the first 10 hex digits of the SHA-256 of the name) and keeps the longest root', () => {
    // printf %s state/a/b | sha256sum | cut -c1-10
    expect(nameFingerprint('state/a/b')).toBe('26d90da6fd')
    expect(hiddenForm('reports/private/x')).toMatch(/^reports\/private\/…#[0-9a-f]{10}$/)
    expect(hiddenForm('../outside')).toMatch(/^…#[0-9a-f]{10}$/)
  })

  it('include roots are not private, and neither are names too short to hide', () => {
    expect(renderNames(`include ${privateName('state')} is empty`, false)).toBe(
      'include state is empty'
    )
    expect(renderNames(`link -> ${privateName('..')}`, false)).toBe('link -> ..')
  })

  it('a list gives the count and names only the few it shows', () => {
    const names = Array.from({ length: 8 }, (_, i) => `state/qlisted${i}`)
    const text = privateList(names)
    expect(text).toMatch(/^8 entries: /)
    expect(renderNames(text, false)).not.toMatch(/qlisted/)
    expect(renderNames('state/qlisted7', false)).toBe('state/qlisted7')
  })

  it('renders every string of a value, keys too', () => {
    const name = privateName('state/qdeepname')
    expect(renderNamesDeep({ a: [name], [name]: { b: name, n: 1 } }, false)).toEqual({
      a: [hiddenForm('state/qdeepname')],
      [hiddenForm('state/qdeepname')]: { b: hiddenForm('state/qdeepname'), n: 1 }
    })
  })

  it("a system error's message keeps its code and loses its path", () => {
    const dir = tempDir('cg-private-error-')
    const file = path.join(dir, 'qsecretfile')
    let error: unknown
    try {
      fs.readFileSync(file)
    } catch (caught) {
      error = caught
    }
    const text = errorText(error)
    expect(text).toMatch(/^ENOENT/)
    expect(renderNames(text, false)).not.toContain('qsecretfile')
    expect(renderNames(text, true)).toContain('qsecretfile')
  })

  it('only the doors speak to the world: every other module hands its words to them', () => {
    const src = path.join(import.meta.dirname, '..', 'src')
    const files = fs
      .readdirSync(src, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts'))
    const using = (pattern: RegExp) =>
      files.filter((f) => pattern.test(fs.readFileSync(path.join(src, f), 'utf8'))).sort()
    // each of these renders what it emits through src/privacy/name-policy.ts
    expect(using(/from '@actions\/core'/)).toEqual([
      'action/core-logger.ts',
      'action/read-inputs.ts',
      'main.ts',
      'post.ts'
    ])
    expect(using(/process\.(stdout|stderr)\.write/)).toEqual([
      'cli.ts',
      'cli/check-node.ts',
      'cli/check-platform.ts',
      'index.ts',
      'runtime/cleanup-on-exit.ts'
    ])
  })

  it("paths under the includes in a command's output are recorded, relative or absolute, quoted or not", () => {
    fc.assert(
      fc.property(fc.uniqueArray(part, { minLength: 3, maxLength: 3 }), ([a, b, c]) => {
        const line = markOutputNames(
          `would add: state/${a}/x.json, '/work/repo/reports/private/${b}' (state) [${c}]`,
          ['state', 'reports/private']
        )
        const hidden = renderNames(line, false)
        expect(hidden).not.toContain(a)
        expect(hidden).not.toContain(b)
        expect(hidden).toContain(c) // not under an include: the repository's own words
        expect(hidden).toMatch(
          /^would add: state\/…#[0-9a-f]{10}, '\/work\/repo\/reports\/private\/…#/
        )
        expect(hidden).toContain('(state)')
      })
    )
  })

  it('a printed name with spaces is followed past them: by a slash, or by an entry of the repository', () => {
    const repo = tempDir('cg-private-output-')
    fs.mkdirSync(path.join(repo, 'state', 'qfolder one'), { recursive: true })
    fs.writeFileSync(path.join(repo, 'state', 'qfolder one', 'qfile two'), '')
    const line = markOutputNames(
      'would add: state/qnew dir/qnew file; kept: state/qfolder one/qfile two (done)',
      ['state'],
      repo
    )
    const hidden = renderNames(line, false)
    for (const piece of ['qnew dir', 'qfolder', 'qfile two']) expect(hidden).not.toContain(piece)
    expect(hidden).toMatch(/ \(done\)$/)
  })
})
