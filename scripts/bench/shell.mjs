// The same work done by stock tools: tar | age, age -d | tar -x, then a SHA-256 of every file.
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { measure } from './child.mjs'
import { INCLUDES } from './dataset.mjs'

const has = (tool) =>
  spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0
const quote = (text) => `'${String(text).replaceAll("'", `'\\''`)}'`
const TAR_FLAG = { zstd: '--zstd', gzip: '-z', none: '' }

/** Tools the shell side needs that are missing (empty when it can run). */
export function missingShellTools(compression) {
  const needed = [
    'tar',
    'age',
    'age-keygen',
    'git',
    'script',
    'find',
    'xargs',
    ...(compression === 'none' ? [] : [compression])
  ]
  return needed.filter((tool) => !has(tool))
}

/**
 * openssl dgst uses SHA-NI like node:crypto (~1.4 GB/s here); coreutils sha256sum does not
 * (158 MB/s). An operator verifying a restore would reach for either; openssl is the fair one.
 */
export const HASH_TOOL = has('openssl') ? 'openssl dgst -sha256 -r' : 'sha256sum'

/**
 * age 1.1 reads a passphrase only from a terminal: `script` gives it a pty and we type the
 * passphrase (twice to encrypt). bash for pipefail, so a failing tar fails the run.
 */
function typed(command, cwd, keystrokes) {
  const env = { ...process.env, SHELL: '/bin/bash' }
  return measure('script', ['-qec', `set -o pipefail; ${command}`, '/dev/null'], {
    cwd,
    env,
    input: keystrokes
  })
}

function checked(result, what) {
  if (result.code !== 0)
    throw new Error(`${what} failed (exit ${result.code}):\n${result.stdout}${result.stderr}`)
  return result
}

export async function shellSnapshot(dataset, work, passphrase, compression) {
  const snapshot = join(work, 'shell', 'snap.age')
  mkdirSync(join(work, 'shell'), { recursive: true })
  rmSync(snapshot, { force: true })
  const includes = INCLUDES.map(quote).join(' ')
  const command = `tar ${TAR_FLAG[compression]} -cf - ${includes} | age -e -p -o ${quote(snapshot)}`
  const result = checked(
    await typed(command, dataset.root, `${passphrase}\r${passphrase}\r`),
    'tar | age -e'
  )
  return { ...result, snapshotBytes: statSync(snapshot).size }
}

export async function shellRestore(work, passphrase, compression) {
  const out = join(work, 'shell', 'out')
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out)
  // the same work as restore-test: decrypt, extract, hash every file, remove the folder
  const command =
    `age -d ${quote(join(work, 'shell', 'snap.age'))} | tar ${TAR_FLAG[compression]} -xf - -C ${quote(out)}` +
    ` && find ${quote(out)} -type f -print0 | xargs -0 -r ${HASH_TOOL} > /dev/null && rm -rf ${quote(out)}`
  return checked(await typed(command, work, `${passphrase}\r`), 'age -d | tar -x')
}

/**
 * age -p always derives with scrypt logN 18; ours runs at --work-factor. Encrypting and
 * decrypting an empty file measures that fixed cost (plus age's start-up) to take it out.
 *
 * Timed warm, as the pipeline meets it: scrypt's 256 MiB come from pages the previous run freed.
 * The first age after other work faults them in anew, which on this VM costs 2-4 ms per MiB
 * (1.0-1.5 s for a scrypt that takes 0.7 s warm), and the pipeline's own age runs right after
 * these probes, so it finds the memory warm (the snapshot after the probes, measured: 1.77-2.01 s
 * against 1.86-2.63 s cold). Timing the cold probe took up to half a second too much out of the
 * shell's time. So an untimed encryption goes first; its time is kept for the reader (`cold`).
 */
export async function ageKdfCost(work, passphrase) {
  const empty = join(work, 'shell', 'empty.age')
  mkdirSync(join(work, 'shell'), { recursive: true })
  const encryptEmpty = async () => {
    rmSync(empty, { force: true })
    return checked(
      await typed(`age -e -p -o ${quote(empty)} /dev/null`, work, `${passphrase}\r${passphrase}\r`),
      'age -e -p (empty)'
    )
  }
  const cold = await encryptEmpty()
  const encrypt = await encryptEmpty()
  const decrypt = checked(
    await typed(`age -d ${quote(empty)} > /dev/null`, work, `${passphrase}\r`),
    'age -d (empty)'
  )
  return { encrypt: encrypt.seconds, decrypt: decrypt.seconds, cold: cold.seconds }
}

/** Plain `tar -c` and `tar -x` (+ removing the folder, as restore-test does): the small-files yardstick. */
export async function tarOnly(dataset, work) {
  const archive = join(work, 'tar', 'plain.tar')
  const out = join(work, 'tar', 'out')
  mkdirSync(join(work, 'tar'), { recursive: true })
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out)
  const create = checked(
    await measure('tar', ['-cf', archive, ...INCLUDES], { cwd: dataset.root }),
    'tar -c'
  )
  const extract = checked(
    await measure('sh', [
      '-c',
      `tar -xf ${quote(archive)} -C ${quote(out)} && rm -rf ${quote(out)}`
    ]),
    'tar -x'
  )
  rmSync(archive, { force: true })
  return { create, extract }
}
