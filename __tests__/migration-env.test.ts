import { readFileSync } from 'node:fs'
import path from 'node:path'
import { childEnv } from '../src/migration/child-env.js'
import { runMigrationDryRun } from '../src/migration/migration-dry-run.js'
import {
  gitRepo,
  nodeCommand,
  options,
  removeTempFolders,
  tempFolder
} from '../__fixtures__/migration-helpers.js'

afterEach(removeTempFolders)

const SECRET = 'correct horse battery staple'

describe('the migration commands’ environment', () => {
  it('carries no passphrase, no INPUT_* and no runtime token, and keeps the rest', () => {
    const env = childEnv(
      {
        PATH: '/bin',
        HOME: '/root',
        INPUT_PASSPHRASE: SECRET,
        GRAPHITI_SNAPSHOT_PASSPHRASE: SECRET,
        MY_PW: 'other secret',
        INPUT_MODE: 'precutover',
        input_lower: 'x',
        ACTIONS_RUNTIME_TOKEN: 'jwt',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
        COPY_OF_SECRET: SECRET,
        INPUT_IDENTITY: 'AGE-SECRET-KEY-1X',
        CUTOVER_GATE_AGE_IDENTITY: 'AGE-SECRET-KEY-1Y',
        'INPUT_IDENTITY-ENV': 'MY_KEY',
        MY_KEY: 'AGE-SECRET-KEY-1Z',
        ACTIONS_RESULTS_URL: 'https://results',
        CI: 'true',
        UNSET: undefined
      },
      'MY_PW'
    )
    expect(env).toEqual({
      PATH: '/bin',
      HOME: '/root',
      CI: 'true',
      CUTOVER_GATE_RUN: expect.stringMatching(/^[0-9a-f]{32}$/)
    })
  })

  it('is what a real command sees', async () => {
    const repo = await gitRepo({ 'a.txt': 'a' })
    const dump = path.join(await tempFolder(), 'env.json')
    const results = await runMigrationDryRun(
      options(
        repo,
        await tempFolder(),
        {
          exportCommand: nodeCommand(
            "require('fs').writeFileSync(process.argv[1],JSON.stringify(process.env))",
            `'${dump}'`
          )
        },
        {
          passphraseEnv: 'DEPLOY_PW',
          env: {
            ...process.env,
            INPUT_PASSPHRASE: SECRET,
            DEPLOY_PW: SECRET,
            GRAPHITI_SNAPSHOT_PASSPHRASE: SECRET,
            INPUT_REPO: '.',
            KEEP_ME: 'yes'
          }
        }
      )
    )
    expect(results[0]?.status).toBe('passed')
    const seen = readFileSync(dump, 'utf8')
    const env = JSON.parse(seen) as Record<string, string>
    expect(seen).not.toContain(SECRET)
    expect(Object.keys(env).filter((name) => /^INPUT_|PASSPHRASE|DEPLOY_PW/i.test(name))).toEqual(
      []
    )
    expect(env.KEEP_ME).toBe('yes')
    expect(env.PATH).toBe(process.env.PATH)
  })
})
