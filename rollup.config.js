// Four entry points share one set of chunks: the action (index), its post step (cleanup), the CLI,
// and the restore's decoding thread.
import commonjs from '@rollup/plugin-commonjs'
import json from '@rollup/plugin-json'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import typescript from '@rollup/plugin-typescript'
import license from 'rollup-plugin-license'
import { chmodSync, rmSync } from 'node:fs'

const quiet = new Set(['THIS_IS_UNDEFINED', 'CIRCULAR_DEPENDENCY', 'INVALID_ANNOTATION'])

/**
 * Chunks in ASCII: one character beyond it (a '—' in a message, a '✅' in the report) makes Node
 * decode the whole file on its slow path and V8 keep the source two bytes per character. Escaped,
 * the CLI loads its code in 74 ms instead of 84 (16 alternating runs), once per run.
 *
 * In strings, templates, regular expressions, identifiers and comments a \uXXXX escape of each
 * UTF-16 unit means the same (no code in the bundle reads a template's raw text). Anywhere else
 * (a no-break space between two tokens, as one dependency writes) it is a syntax error: so each
 * escaped chunk is parsed, and one that no longer parses stays as it was. A
 * character escaped by a backslash already would change meaning, so that stops the build.
 */
function asciiOnly() {
  return {
    name: 'ascii-only',
    renderChunk(code, chunk) {
      if (/\\[\u0080-\uffff]/.test(code))
        this.error(`${chunk.fileName}: a backslash before a non-ASCII character; escape it by hand`)
      const escaped = code.replace(
        /[\u0080-\uffff]/g,
        (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`
      )
      if (escaped === code) return null
      try {
        this.parse(escaped)
      } catch {
        // expected for a chunk whose code has a non-ASCII character between tokens (one
        // dependency writes a no-break space so): not actionable, so not a warning on every
        // build; __tests__/bundle-ascii.test.ts proves this is the only reason a chunk stays
        return null
      }
      return { code: escaped, map: null }
    }
  }
}

export default {
  input: {
    index: 'src/index.ts',
    post: 'src/post.ts',
    cli: 'src/cli.ts',
    // the restore's decoding thread, started by file name (src/decode-thread/start-worker.ts)
    'decode-worker': 'src/decode-thread/decode-worker.ts'
  },
  output: {
    dir: 'dist',
    format: 'es',
    sourcemap: false,
    entryFileNames: '[name].js',
    chunkFileNames: '[name].js',
    // what the entry points run before anything else loads (huge pages, the young generation),
    // in one small chunk named for it rather than after whichever module rollup sees first
    manualChunks: (id) => (id.includes('/src/runtime/') ? 'process-start' : undefined),
    banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : '')
  },
  onwarn(warning, warn) {
    if (
      quiet.has(warning.code) &&
      /node_modules/.test(warning.ids?.[0] ?? warning.id ?? warning.message)
    )
      return
    warn(warning)
  },
  plugins: [
    // rollup writes its chunks over the old ones but never removes one it no longer makes: a
    // committed dist/ would keep dead chunks that no fresh bundle has (CI compares the two). The
    // CLI, written anew, gets back the executable bit its shebang is for.
    {
      name: 'fresh-dist',
      buildStart: () => rmSync('dist', { recursive: true, force: true }),
      writeBundle: () => chmodSync('dist/cli.js', 0o755)
    },
    typescript({ tsconfig: './tsconfig.build.json', noEmitOnError: true }),
    nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }),
    commonjs(),
    json(),
    asciiOnly(),
    // what the bundle carries of other people's code, with their licences, as they ask
    license({
      thirdParty: {
        includePrivate: false,
        output: { file: 'dist/licenses.txt' }
      }
    })
  ]
}
