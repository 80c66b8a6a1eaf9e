import { platformError } from './config/platform.js'
import { installExitCleanup } from './runtime/cleanup-on-exit.js'
import { actionSecretPlan, prepareProcess } from './runtime/prepare-process.js'

let secrets: Record<string, string> | undefined
// another OS is an input error before anything runs (SPEC): no restart, no state, no summary
const unsupported = platformError(process.platform)
if (unsupported) {
  process.stdout.write(`::error::${unsupported}\n`)
  process.exitCode = 1
} else {
  try {
    // an invalid mode is reported by the action itself, after this
    secrets = prepareProcess(actionSecretPlan(process.env))
  } catch (error) {
    process.stdout.write(`::error::${(error as Error).message}\n`)
    process.exitCode = 1
  }
}
if (secrets) {
  installExitCleanup()
  const { run } = await import('./main.js')
  await run(secrets)
}
