import fs from 'node:fs'
import path from 'node:path'
import type { Mode } from './config.js'
import { MODES } from './modes.js'
import { InputError } from './input-error.js'
import type { InputName } from './input-names.js'
import { replaceProblem } from '../format/earlier-report.js'
import { INDEX_PATH } from '../format/index-format.js'
import { isGitWorkTree } from '../util/git-work-tree.js'
import { isTrackedButAbsent } from '../paths/tracked-file.js'
import { inGitFolder, isInside, realFolderOf, realPath } from '../paths/real-path.js'

/** The user's path strings, as validated text. */
export interface GivenPaths {
  mode: Mode
  repo: string
  include: string
  snapshotDir: string
  manifest: string
  reportPath: string
  restoreTarget: string
}

/** Every path judged: absolute, symlinks resolved, nothing anywhere it must not be. */
export interface JudgedPaths {
  repo: string
  includes: string[]
  snapshotDir: string
  manifestPath: string
  reportPath: string
  reportJsonPath: string
  restoreTarget: string
}

function fail(input: InputName, message: string): never {
  throw new InputError(`input ${input}: ${message}`)
}

function judgeRepo(given: string, cwd: string): string {
  const lexical = path.resolve(cwd, given)
  let real
  try {
    real = fs.realpathSync.native(lexical)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      fail('repo', `${given} does not exist (${lexical}); name the repository's root folder`)
    }
    fail('repo', `${given} cannot be opened (${code ?? 'error'}); name a readable folder`)
  }
  if (!fs.statSync(real).isDirectory()) {
    fail('repo', `${given} is not a folder; name the repository's root folder`)
  }
  return real
}

/** One include line → its real path relative to repo; refuses escapes and an include that is a link. */
function judgeInclude(line: string, repo: string): string {
  const lexical = path.resolve(repo, line)
  if (!isInside(lexical, repo) || lexical === repo) {
    fail(
      'include',
      `"${line}" is not inside repo ${repo}; list folders or files below the repository root`
    )
  }
  const at = realFolderOf(lexical)
  if (!isInside(at, repo) || at === repo) {
    fail(
      'include',
      `"${line}" resolves through a symlinked folder to ${at}, outside repo ${repo}; list folders or files below the repository root`
    )
  }
  let link: string | undefined
  try {
    if (fs.lstatSync(at).isSymbolicLink()) link = fs.readlinkSync(at)
  } catch {
    // absent: the snapshot reports a missing include as NO-GO naming it
  }
  if (link !== undefined) {
    fail(
      'include',
      `"${line}" is a symlink to ${link}; the snapshot stores links as links, so it would archive nothing: list the folder it points to instead`
    )
  }
  const rel = path.relative(repo, at).split(path.sep).join('/')
  if (rel === '.cutover-gate' || rel.startsWith('.cutover-gate/') || rel === INDEX_PATH) {
    fail('include', `"${line}" collides with the snapshot's own index folder .cutover-gate`)
  }
  return rel
}

/** Include lines → sorted, real POSIX paths relative to repo; rejects escapes, links and overlaps. */
function judgeIncludes(text: string, repo: string): string[] {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
  if (lines.length === 0) fail('include', 'needs at least one folder or file, one per line')
  const includes = new Set(lines.map((line) => judgeInclude(line, repo)))
  const sorted = [...includes].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
  for (const a of sorted) {
    for (const b of sorted) {
      if (a !== b && b.startsWith(`${a}/`)) {
        fail('include', `"${b}" lies inside "${a}"; list each folder once`)
      }
    }
  }
  return sorted
}

/**
 * An output path made real. A path named inside repo that a link carries out of it is refused
 * (an absolute path elsewhere is the user's choice); so is any path into a .git folder.
 */
function judgeOutput(input: InputName, given: string, repo: string, keepLastName = false): string {
  const lexical = path.resolve(repo, given)
  const real = keepLastName ? realFolderOf(lexical) : realPath(lexical)
  if (isInside(lexical, repo) && !isInside(real, repo)) {
    fail(
      input,
      `${given} resolves through a symlink to ${real}, outside repo ${repo}; name a path without links inside the repository, or an absolute path outside it`
    )
  }
  if (inGitFolder(real)) {
    fail(input, `${given} lies inside a .git folder (${real}); keep it out of git's own files`)
  }
  return real
}

function jsonTwinOf(reportPath: string): string {
  const ext = path.extname(reportPath)
  return ext.toLowerCase() === '.md'
    ? `${reportPath.slice(0, -ext.length)}.json`
    : `${reportPath}.json`
}

function judgeReport(paths: JudgedPaths, given: string): void {
  const includeOf = (p: string) =>
    paths.includes.find((inc) => isInside(p, path.join(paths.repo, inc)))
  for (const [p, kind] of [
    [paths.reportPath, 'markdown'],
    [paths.reportJsonPath, 'json']
  ] as const) {
    const what = kind === 'json' ? `${given} (its JSON twin ${p})` : given
    const inc = includeOf(p)
    if (inc !== undefined) {
      fail(
        'report-path',
        `${what} lies inside include "${inc}"; write the report outside the included folders`
      )
    }
    if (p === paths.manifestPath) {
      fail('report-path', `${what} is the manifest; write the report to its own file`)
    }
    if (isInside(p, paths.snapshotDir)) {
      fail(
        'report-path',
        `${what} lies inside snapshot-dir ${paths.snapshotDir}; write the report outside it`
      )
    }
    const problem = replaceProblem(p, kind)
    if (problem) fail('report-path', problem)
    if (isTrackedButAbsent(p)) {
      fail(
        'report-path',
        `${what} is a file git tracks (deleted in the work tree); restore it, or write the report elsewhere`
      )
    }
  }
}

/**
 * Resolves and judges every path the user gave, before anything is written: the repo must be a
 * folder (a git work tree in the modes that run the migration), every other path is judged where
 * it really is after symlinks. Throws InputError (one line) on the first bad one.
 */
export function judgePaths(given: GivenPaths, cwd: string): JudgedPaths {
  const repo = judgeRepo(given.repo, cwd)
  if (MODES[given.mode].runsRepositoryCode && !isGitWorkTree(repo)) {
    fail(
      'repo',
      `${repo} is not a git work tree, so nothing can prove the migration dry-run left it unchanged (runbook decision point C): run inside a checkout, or use mode snapshot`
    )
  }
  const includes = judgeIncludes(given.include, repo)
  const snapshotDir = judgeOutput('snapshot-dir', given.snapshotDir, repo)
  const manifestPath = judgeOutput('manifest', given.manifest, repo)
  const reportPath = judgeOutput('report-path', given.reportPath, repo, true)
  const reportJsonPath = judgeOutput('report-path', jsonTwinOf(given.reportPath), repo, true)
  const restoreTarget =
    given.restoreTarget.trim() === ''
      ? ''
      : judgeOutput('restore-target', given.restoreTarget, repo)
  const paths = {
    repo,
    includes,
    snapshotDir,
    manifestPath,
    reportPath,
    reportJsonPath,
    restoreTarget
  }

  for (const inc of includes) {
    const root = path.join(repo, inc)
    if (isInside(snapshotDir, root)) {
      fail(
        'snapshot-dir',
        `${given.snapshotDir} lies inside include "${inc}"; put snapshots outside the included folders`
      )
    }
    if (isInside(manifestPath, root)) {
      fail(
        'manifest',
        `${given.manifest} lies inside include "${inc}"; keep it outside the included folders`
      )
    }
    if (restoreTarget !== '' && isInside(restoreTarget, root)) {
      fail(
        'restore-target',
        `${given.restoreTarget} lies inside include "${inc}"; restore into an isolated folder`
      )
    }
  }
  // restored plaintext beside the encrypted snapshots would undo what the encryption is for
  if (
    restoreTarget !== '' &&
    (isInside(restoreTarget, snapshotDir) || isInside(snapshotDir, restoreTarget))
  ) {
    fail(
      'restore-target',
      `${given.restoreTarget} overlaps snapshot-dir ${given.snapshotDir}; restore into an isolated folder away from the encrypted snapshots`
    )
  }
  if (MODES[given.mode].createsSnapshot && path.dirname(manifestPath) !== snapshotDir) {
    fail(
      'manifest',
      `${given.manifest} must sit in snapshot-dir ${given.snapshotDir}, beside the snapshots it names`
    )
  }
  judgeReport(paths, given.reportPath)
  return paths
}
