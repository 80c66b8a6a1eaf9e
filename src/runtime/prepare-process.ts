import { handlesSnapshots } from '../config/config.js'
import { relaunchWithHugePages } from './huge-pages.js'
import { keepYoungGenerationSmall } from './young-generation.js'

/**
 * What both entry points do first, before their code loads: in the modes that snapshot or
 * restore, re-execute once with huge pages (the re-executed process loads the code once, not
 * twice), then keep V8's young generation small. Nothing for the dry-run alone, --help or
 * --version, where a second start would only cost time.
 */
export function prepareProcess(mode: string | undefined): void {
  if (!handlesSnapshots(mode)) return
  relaunchWithHugePages()
  keepYoungGenerationSmall()
}
