import type { Config } from '../config/config.js'
import type { StepResult } from '../outcome/step-result.js'
import type { Logger } from '../util/logger.js'
import { auditExposure } from './audit.js'
import { SHALLOW_NOTE, type ExposureAudit } from './exposure-model.js'
import type { GithubAccess } from './github-request.js'
import type { BlobIdTally } from '../hashing/blob-ids.js'

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`

/**
 * An error from git or the file system may quote a path: whatever follows an include root in it
 * becomes `…`, up to the closing quote when the path is quoted, else to the end of the message
 * (a name may hold spaces), so the root stays (not private) and the name under it goes.
 */
export function hideNamesUnder(message: string, includes: readonly string[]): string {
  let out = message
  for (const root of includes) {
    for (let at = out.indexOf(`${root}/`); at >= 0; at = out.indexOf(`${root}/`, at + 1)) {
      const before = at === 0 ? '' : out[at - 1]!
      if (before !== '' && !/[\s'"`/:=(]/.test(before)) continue
      const from = at + root.length + 1
      // the quote that opens this path, if any: looked for back to the start of the word
      let opening = ''
      for (let k = at - 1; k >= 0 && !/\s/.test(out[k]!); k--) {
        if (/['"`]/.test(out[k]!)) {
          opening = out[k]!
          break
        }
      }
      const quote = opening ? out.indexOf(opening, from) : -1
      const to = quote >= 0 ? quote : out.length
      out = `${out.slice(0, from)}…${out.slice(to)}`
    }
  }
  return out
}

/** The step's one line: the findings by kind, or what was looked at and found clean. */
function detailOf(audit: ExposureAudit): string {
  const github = audit.github.checked ? '' : `; GitHub surface ${audit.github.reason}`
  if (audit.findings.length === 0) {
    const scanned = audit.history
      ? `${plural(audit.history.scanned, 'commit')} of every ref and ${plural(audit.content?.lookedUp ?? 0, 'file')} looked up by content`
      : audit.git.checked
        ? 'git'
        : audit.git.reason
    return `going public would publish nothing of ${audit.includes.join(', ')} (${scanned})${github}`
  }
  const kinds = audit.findings.map((finding) => `${finding.kind} ${finding.count}`).join(', ')
  return `going public would publish ${audit.includes.join(', ')}: ${kinds} (see "What going public would publish")${github}`
}

/**
 * The exposure-audit step: the audit, its findings as warnings (annotations in the action), and
 * with `exposure: fail` any finding a NO-GO at decision point A. An audit that cannot run is a
 * NO-GO under fail (nothing proves the repository clean) and a warning under warn.
 */
export async function runExposureStep(
  config: Config,
  github: GithubAccess,
  logger: Logger,
  /** The blob ids of the files the snapshot of this lane read: the audit reads none again. */
  blobIds?: BlobIdTally
): Promise<{ result: StepResult; audit?: ExposureAudit }> {
  const started = performance.now()
  const took = () => performance.now() - started
  const fail = config.exposure === 'fail'
  let audit: ExposureAudit
  try {
    audit = await auditExposure({
      repo: config.repo,
      includes: config.includes,
      github,
      blobIds
    })
  } catch (error) {
    const message = hideNamesUnder((error as Error).message.split('\n')[0] ?? '', config.includes)
    const why = `the exposure audit could not run: ${message}`
    logger.warning(why)
    return {
      result: fail
        ? {
            name: 'exposure-audit',
            status: 'failed',
            durationMs: took(),
            detail: `${why}; with exposure: fail nothing proves the repository clean`,
            warnings: [],
            decisionPoint: 'A'
          }
        : {
            name: 'exposure-audit',
            status: 'passed',
            durationMs: took(),
            detail: why,
            warnings: [why]
          }
    }
  }
  const warnings = audit.findings.map(
    (finding) => `going public would publish: ${finding.summary}. ${finding.remedy}`
  )
  const shallow = audit.git.checked && audit.git.shallow
  if (shallow) warnings.push(SHALLOW_NOTE)
  for (const warning of warnings) logger.warning(`exposure-audit: ${warning}`)
  const detail = detailOf(audit)
  // under fail, a finding is a NO-GO; so is a shallow clone, which cannot prove the rest clean
  const why =
    audit.findings.length > 0
      ? `${detail}; exposure: fail makes that a NO-GO: remove them (remedies in the report), or set exposure: warn`
      : `${SHALLOW_NOTE}; with exposure: fail nothing proves the rest of the history clean`
  if (fail && (audit.findings.length > 0 || shallow)) {
    return {
      result: {
        name: 'exposure-audit',
        status: 'failed',
        durationMs: took(),
        detail: why,
        warnings: [],
        decisionPoint: 'A'
      },
      audit
    }
  }
  return {
    result: { name: 'exposure-audit', status: 'passed', durationMs: took(), detail, warnings },
    audit
  }
}
