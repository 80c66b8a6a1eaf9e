#!/usr/bin/env node
// The release notes of tag vX.Y.Z: the body of CHANGELOG.md's "## [X.Y.Z]" section. The release
// workflow runs it; a tag without its section, or a package.json of another version, fails the
// release before anything is published.
import fs from 'node:fs'
import path from 'node:path'

const TAG = /^v(\d+)\.(\d+)\.(\d+)$/

/** The section's body (trimmed), or an Error saying what to fix. */
export function releaseNotes(changelog, tag) {
  const match = TAG.exec(tag)
  if (!match) return new Error(`tag ${tag} is not vX.Y.Z; push a tag like v1.2.3`)
  const version = tag.slice(1)
  const lines = changelog.split(/\r?\n/)
  const start = lines.findIndex((line) =>
    new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\](?:\\s|$)`).test(line)
  )
  if (start < 0)
    return new Error(
      `CHANGELOG.md has no "## [${version}]" section; move the Unreleased notes under it`
    )
  let end = lines.findIndex((line, i) => i > start && /^## /.test(line))
  if (end < 0) end = lines.length
  // link definitions ("[1.2.3]: https://...") at the end belong to the whole file
  const body = lines
    .slice(start + 1, end)
    .filter((line) => !/^\[[^\]]+\]:\s/.test(line))
    .join('\n')
    .trim()
  if (body === '')
    return new Error(`CHANGELOG.md's "## [${version}]" section is empty; say what changed`)
  return body
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [tag, root = '.'] = process.argv.slice(2)
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
  let notes = releaseNotes(fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'), tag ?? '')
  if (!(notes instanceof Error) && `v${pkg.version}` !== tag)
    notes = new Error(
      `package.json says ${pkg.version}, the tag is ${tag}; set "version" to ${tag.slice(1)}`
    )
  if (notes instanceof Error) {
    process.stderr.write(`release-notes: ${notes.message}\n`)
    process.exit(1)
  }
  process.stdout.write(`${notes}\n`)
}
