/**
 * Real git repositories for the exposure audit: built with git itself (porcelain for the small
 * cases, `git fast-import` for generated histories), so the audit reads what git really writes.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const IDENTITY = [
  '-c',
  'user.name=t',
  '-c',
  'user.email=t@example.com',
  '-c',
  'commit.gpgsign=false',
  '-c',
  'tag.gpgsign=false'
]

/** git in repo, as a user would run it (not our hardened door: this is the world under test). */
export function sh(repo: string, ...args: string[]): string {
  return execFileSync('git', [...IDENTITY, ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, GIT_COMMITTER_DATE: nextDate(), GIT_AUTHOR_DATE: nextDate() }
  })
}

let clock = Date.UTC(2026, 0, 1) / 1000
/** Each commit a second after the one before: first and last are then well defined. */
function nextDate(): string {
  clock += 1
  return `${clock} +0000`
}

export function write(repo: string, files: Record<string, string | Buffer>): void {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(repo, name)), { recursive: true })
    fs.writeFileSync(path.join(repo, name), content)
  }
}

/** Adds and commits everything (removals too); returns the new commit id. */
export function commitAll(repo: string, message: string): string {
  sh(repo, 'add', '-A')
  sh(repo, 'commit', '-q', '--allow-empty', '-m', message)
  return sh(repo, 'rev-parse', 'HEAD').trim()
}

export function initRepo(repo: string, format: 'sha1' | 'sha256' = 'sha1'): string {
  fs.mkdirSync(repo, { recursive: true })
  sh(repo, 'init', '-q', '-b', 'main', `--object-format=${format}`)
  return repo
}

/** Private-looking content at least 64 bytes long, unique per seed. */
export function privateContent(seed: string): string {
  return `${JSON.stringify({ customer: seed, balance: seed.length * 7919, note: 'private state, long enough to be looked up by its blob id' })}\n`
}

/** A Git LFS pointer file, as `git lfs` writes it (spec v1). */
export function lfsPointer(seed: string, size = 123456): string {
  const oid = Buffer.from(seed.padEnd(32, '.')).toString('hex').slice(0, 64)
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${size}\n`
}

/** A generated history: commits on branches, each adding or removing files; some merges. */
export interface HistoryModel {
  commits: {
    branch: number
    /** Paths set (content seed) or removed (null) by this commit. */
    changes: [string, string | null][]
    /** Another branch merged into this one by this commit, when set. */
    merge?: number
  }[]
  tags: number[]
}

/**
 * Writes the model with git fast-import (one process, whole history), branches b0..bn, tags
 * t<i> on the i-th commit. Returns the repository.
 */
export function importHistory(repo: string, model: HistoryModel): void {
  const lines: string[] = []
  const tip = new Map<number, number>()
  let mark = 0
  model.commits.forEach((commit, at) => {
    mark = at + 1
    lines.push(`commit refs/heads/b${commit.branch}`, `mark :${mark}`)
    lines.push(`committer t <t@example.com> ${1767225600 + at} +0000`)
    lines.push('data 1', `${at % 10}`)
    const parent = tip.get(commit.branch)
    if (parent !== undefined) lines.push(`from :${parent}`)
    if (commit.merge !== undefined && tip.has(commit.merge) && commit.merge !== commit.branch) {
      if (parent === undefined) lines.push(`from :${tip.get(commit.merge)}`)
      else lines.push(`merge :${tip.get(commit.merge)}`)
    }
    for (const [file, seed] of commit.changes) {
      if (seed === null) lines.push(`D ${file}`)
      else {
        const data = Buffer.from(privateContent(seed))
        lines.push(`M 100644 inline ${file}`, `data ${data.length}`, data.toString())
      }
    }
    tip.set(commit.branch, mark)
  })
  for (const at of model.tags) {
    if (at < model.commits.length) lines.push(`reset refs/tags/t${at}`, `from :${at + 1}`, '')
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: repo, input: `${lines.join('\n')}\n` })
}
