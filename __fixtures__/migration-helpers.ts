import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { MigrationOptions } from '../src/migration/migration-dry-run.js'
import { MemoryLogger } from './memory-logger.js'

/** This very Node binary, quoted for a command line: tests never depend on PATH's node. */
export const NODE = `'${process.execPath}'`

/** `node -e <code>` as one command-line string; code may use single quotes freely. */
export function nodeCommand(code: string, ...args: string[]): string {
  return [NODE, '-e', `"${code.replace(/["\\$`]/g, '\\$&')}"`, ...args].join(' ')
}

const made: string[] = []

export async function tempFolder(prefix = 'cg-mig-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix))
  made.push(dir)
  return dir
}

export async function removeTempFolders(): Promise<void> {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true })
}

/** A git repository with these files committed. */
export async function gitRepo(files: Record<string, string>): Promise<string> {
  const repo = await tempFolder('cg-migtest-repo-')
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(repo, name)), { recursive: true })
    await writeFile(path.join(repo, name), content)
  }
  git(repo, 'init', '-q', '-b', 'main')
  git(repo, 'add', '-A')
  git(repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'init')
  return repo
}

export function git(repo: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' })
}

export function options(
  repo: string,
  tempDir: string,
  commands: Partial<MigrationOptions['commands']>,
  extra: Partial<MigrationOptions> = {}
): MigrationOptions & { logger: MemoryLogger } {
  // `true` rather than node: a process start is the slow part of these tests.
  const ok = 'true'
  return {
    repo,
    tempDir,
    commands: { exportCommand: ok, checkCommand: ok, importCommand: ok, ...commands },
    timeoutSeconds: 30,
    passphraseEnv: 'GRAPHITI_SNAPSHOT_PASSPHRASE',
    logger: new MemoryLogger(),
    killGraceMs: 500,
    ...extra
  } as MigrationOptions & { logger: MemoryLogger }
}

/** Whether a process still runs (a zombie waiting for a reaper counts as gone). */
export function running(pid: number): boolean {
  const stat = `/proc/${pid}/stat`
  if (existsSync('/proc/self/stat')) {
    if (!existsSync(stat)) return false
    const state = readFileSync(stat, 'utf8').replace(/^.*\) /s, '')[0]
    return state !== 'Z' && state !== 'X'
  }
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

export async function waitUntil(test: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (test()) return true
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return test()
}

/** What is left in a temp folder after a run: nothing, if hygiene worked. */
export async function leftovers(tempDir: string): Promise<string[]> {
  return (await readdir(tempDir)).sort()
}
