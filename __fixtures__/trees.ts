import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export function tempDir(prefix = 'cg-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

export const LONG_NAME = `${'deep-'.repeat(30)}name.json`

/**
 * A repository with the runbook's includes and every kind of entry a snapshot keeps: nested and
 * unicode names, a name past ustar's limits, empty files and folders, executables, symlinks.
 */
export function makeRepo(root = tempDir('cg-repo-')): string {
  const w = (rel: string, data: string | Buffer, mode = 0o644) => {
    const p = path.join(root, rel)
    fs.mkdirSync(path.dirname(p), { recursive: true })
    fs.writeFileSync(p, data)
    fs.chmodSync(p, mode)
  }
  w('state/graph/nodes.jsonl', '{"id":1,"name":"a"}\n{"id":2,"name":"b"}\n')
  w('state/graph/edges.jsonl', '{"from":1,"to":2}\n')
  w('state/ünïcødé/日本語.json', '{"ok":true}\n')
  w(`state/${LONG_NAME}`, 'long\n')
  w('state/empty.txt', '')
  w('state/tool.sh', '#!/bin/sh\necho hi\n', 0o755)
  w('state/blob.bin', Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251)))
  fs.mkdirSync(path.join(root, 'state/empty-dir'), { recursive: true })
  fs.symlinkSync('graph/nodes.jsonl', path.join(root, 'state/current'))
  fs.symlinkSync('graph', path.join(root, 'state/graph-link'))
  w('exports/export-1.json', '[]\n')
  w('reports/private/notes.md', '# private\n')
  w('logs/app.log', 'line 1\nline 2\n')
  w('README.md', 'not included\n')
  return root
}

/** Runs GNU tar on stdin bytes; returns stdout. */
export function gnuTar(args: string[], input?: Buffer): string {
  return execFileSync('tar', args, { input, maxBuffer: 1 << 30 }).toString('utf8')
}
