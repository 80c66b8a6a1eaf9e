// Four entry points share one set of chunks: the action (index), its post step (cleanup), the CLI,
// and the restore's writing thread.
import commonjs from '@rollup/plugin-commonjs'
import json from '@rollup/plugin-json'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import typescript from '@rollup/plugin-typescript'
import { chmodSync, rmSync } from 'node:fs'

const quiet = new Set(['THIS_IS_UNDEFINED', 'CIRCULAR_DEPENDENCY', 'INVALID_ANNOTATION'])

export default {
  input: {
    index: 'src/index.ts',
    post: 'src/post.ts',
    cli: 'src/cli.ts',
    // the restore's writing thread, started by file name (src/restore/write-thread.ts)
    'write-worker': 'src/restore/write-worker.ts'
  },
  output: {
    dir: 'dist',
    format: 'es',
    sourcemap: false,
    entryFileNames: '[name].js',
    chunkFileNames: '[name].js',
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
    json()
  ]
}
