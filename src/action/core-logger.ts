import * as core from '@actions/core'
import type { Logger } from '../util/logger.js'

/** The lane's logger on a runner: plain lines, warning annotations and collapsible groups. */
export const coreLogger: Logger = {
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  group: (name, fn) => core.group(name, fn)
}
