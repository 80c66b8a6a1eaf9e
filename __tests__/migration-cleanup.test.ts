import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  PACKAGE_PREFIX,
  cleanupLeftoverPackages,
  createPackageDir,
  removePackageDir
} from '../src/migration/package-folder.js'
import { RESTORE_TEST_PREFIX, cleanupLeftoverRestoreTests } from '../src/restore/restore-test.js'
import {
  formatIdentity,
  identityOf,
  parseIdentity,
  selfIdentity
} from '../src/util/process-identity.js'
import { runMigrationDryRun } from '../src/migration/migration-dry-run.js'
import {
  gitRepo,
  leftovers,
  nodeCommand,
  options,
  removeTempFolders,
  tempFolder
} from '../__fixtures__/migration-helpers.js'

afterEach(removeTempFolders)

/** The identity of a process that was alive and is now proven gone (same pid never reused here). */
async function deadIdentity(): Promise<string> {
  const child = spawn('sleep', ['30'])
  const identity = identityOf(child.pid!)!
  child.kill('SIGKILL')
  await new Promise((resolve) => child.on('close', resolve))
  return formatIdentity(identity)
}

function liveChild() {
  const child = spawn('sleep', ['30'])
  return { identity: formatIdentity(identityOf(child.pid!)!), stop: () => child.kill('SIGKILL') }
}

describe('package folder hygiene', () => {
  it('claims each package folder with a marker naming this process', async () => {
    const temp = await tempFolder()
    const dir = await createPackageDir(path.join(temp, 'nested'))
    expect(path.basename(dir)).toMatch(/^cutover-gate-package-/)
    expect(parseIdentity(readFileSync(`${dir}.cleanup`, 'utf8'))).toEqual(selfIdentity())
    // ours and alive: never swept
    expect(cleanupLeftoverPackages(path.join(temp, 'nested'))).toEqual([])
    await removePackageDir(dir)
    expect(await leftovers(path.join(temp, 'nested'))).toEqual([])
  })

  it('sweeps only folders whose creator is proven dead, never a live run’s or an unproven one', async () => {
    const temp = await tempFolder()
    const live = liveChild()
    try {
      const kinds = {
        dead: await deadIdentity(),
        live: live.identity,
        self: formatIdentity(selfIdentity()),
        garbage: 'not an identity\n',
        otherHost: formatIdentity({ ...selfIdentity(), host: 'elsewhere.example' })
      }
      for (const prefix of [PACKAGE_PREFIX, RESTORE_TEST_PREFIX]) {
        for (const [kind, text] of Object.entries(kinds)) {
          const dir = path.join(temp, `${prefix}${kind}`)
          await mkdir(path.join(dir, 'deep', 'er'), { recursive: true })
          await writeFile(path.join(dir, 'deep', 'er', 'f.json'), '{}')
          await writeFile(`${dir}.cleanup`, text)
        }
      }
      await mkdir(path.join(temp, 'unrelated'))
      await writeFile(path.join(temp, 'unrelated.cleanup'), kinds.dead)
      await mkdir(path.join(temp, `${PACKAGE_PREFIX}nomarker`))
      expect(cleanupLeftoverPackages(temp)).toEqual([path.join(temp, `${PACKAGE_PREFIX}dead`)])
      expect(cleanupLeftoverRestoreTests(temp)).toEqual([
        path.join(temp, `${RESTORE_TEST_PREFIX}dead`)
      ])
      const left = await leftovers(temp)
      expect(left.filter((n) => n.includes('dead'))).toEqual([])
      for (const kind of ['live', 'self', 'garbage', 'otherHost']) {
        expect(left).toContain(`${PACKAGE_PREFIX}${kind}`)
        expect(left).toContain(`${RESTORE_TEST_PREFIX}${kind}`)
      }
      expect(left).toContain('unrelated')
      expect(left).toContain(`${PACKAGE_PREFIX}nomarker`)
      expect(cleanupLeftoverPackages(path.join(temp, 'missing'))).toEqual([])
    } finally {
      live.stop()
    }
  })

  it('removes the package folder after a timeout, a failure and a pass alike', async () => {
    const repo = await gitRepo({ 'a.txt': 'a' })
    const temp = await tempFolder()
    const fill = nodeCommand(
      "require('fs').mkdirSync(process.argv[1]+'/x/y',{recursive:true})",
      '{package}'
    )
    const hang = nodeCommand('setInterval(()=>{},1000)')
    const results = await runMigrationDryRun(
      options(repo, temp, { exportCommand: fill, checkCommand: hang }, { timeoutSeconds: 1 })
    )
    expect(results.map((r) => r.status)).toEqual(['passed', 'failed', 'skipped'])
    expect(results[1]?.detail).toMatch(/^timed out after 1s; its whole process tree was killed/)
    expect(await leftovers(temp)).toEqual([])
  })

  it('never leaves the folder when a command removes it itself or makes it unreadable', async () => {
    const repo = await gitRepo({ 'a.txt': 'a' })
    const temp = await tempFolder()
    const lock = nodeCommand(
      "const fs=require('fs');fs.mkdirSync(process.argv[1]+'/ro');fs.writeFileSync(process.argv[1]+'/ro/f','x');fs.chmodSync(process.argv[1]+'/ro',0o500)",
      '{package}'
    )
    await runMigrationDryRun(options(repo, temp, { exportCommand: lock }))
    expect(existsSync(temp) && (await leftovers(temp))).toEqual([])
  })
})
