import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  cleanupLeftoverPackages,
  createPackageDir,
  packageDirsToClean,
  removePackageDir
} from '../src/lane/package-cleanup.js'
import { runMigrationDryRun } from '../src/lane/migration-dry-run.js'
import {
  gitRepo,
  leftovers,
  nodeCommand,
  options,
  removeTempFolders,
  tempFolder
} from '../__fixtures__/migration-helpers.js'

afterEach(removeTempFolders)

describe('package folder hygiene', () => {
  it('leaves a marker while a package folder exists, for the post step', async () => {
    const temp = await tempFolder()
    const dir = await createPackageDir(path.join(temp, 'nested'))
    expect(path.basename(dir)).toMatch(/^cutover-gate-package-/)
    expect(await packageDirsToClean(path.join(temp, 'nested'))).toEqual([dir])
    await removePackageDir(dir)
    expect(await leftovers(path.join(temp, 'nested'))).toEqual([])
  })

  it('lets the post step remove what a cancelled run left, and nothing else', async () => {
    const temp = await tempFolder()
    const dir = await createPackageDir(temp)
    await mkdir(path.join(dir, 'deep', 'er'), { recursive: true })
    await writeFile(path.join(dir, 'deep', 'er', 'f.json'), '{}')
    await mkdir(path.join(temp, 'unrelated'))
    await mkdir(path.join(temp, 'cutover-gate-package-nomarker'))
    expect(await cleanupLeftoverPackages(temp)).toEqual([dir])
    expect(await leftovers(temp)).toEqual(['cutover-gate-package-nomarker', 'unrelated'])
    expect(await cleanupLeftoverPackages(path.join(temp, 'missing'))).toEqual([])
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
