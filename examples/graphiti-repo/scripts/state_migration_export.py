#!/usr/bin/env python3
"""Exports the repository's state/ into a migration package (runbook step 1).

    python3 scripts/state_migration_export.py --dry-run --out /tmp/graphiti-state-export-clean

Copies state/ (files with their modes, folders, empty ones too, symlinks as links) into the
--out folder, which must be empty or absent, and writes package-manifest.json with every
file's size and SHA-256. Without --dry-run the export is also recorded in
exports/export-log.jsonl; with --dry-run nothing in the repository is written.
"""

import argparse
import json
import os
import shutil
import sys

# A dry-run writes nothing into the repository, not even a __pycache__ beside this script.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import state_package as pkg  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="package folder to write (empty or absent)")
    parser.add_argument("--dry-run", action="store_true", help="write nothing into the repository")
    parser.add_argument("--repo", default=".", help="repository root (default: the current folder)")
    args = parser.parse_args()

    state = os.path.join(args.repo, pkg.STATE)
    if not os.path.isdir(state):
        print(f"error: {state} is not a folder: nothing to export", file=sys.stderr)
        return 1
    if os.path.exists(args.out) and os.listdir(args.out):
        print(f"error: {args.out} is not empty: export into a clean path", file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)

    entries = pkg.walk(state)
    for entry in entries:
        if entry["type"] == "symlink" and not pkg.link_stays_inside(entry["path"], entry["target"]):
            print(f"error: {entry['path']} points outside state/ ({entry['target']})", file=sys.stderr)
            return 1
    target_root = os.path.join(args.out, pkg.STATE)
    os.mkdir(target_root)
    for entry in entries:
        source = os.path.join(args.repo, entry["path"])
        target = os.path.join(args.out, entry["path"])
        if entry["type"] == "dir":
            os.mkdir(target)
            os.chmod(target, int(entry["mode"], 8))
        elif entry["type"] == "symlink":
            os.symlink(entry["target"], target)
        else:
            shutil.copyfile(source, target)
            os.chmod(target, int(entry["mode"], 8))

    files = [e for e in entries if e["type"] == "file"]
    manifest = {
        "format": pkg.FORMAT,
        "version": pkg.VERSION,
        "created_at": pkg.now(),
        "source": {"state_root": pkg.STATE, "dry_run": args.dry_run},
        "entries": entries,
        "stats": {"files": len(files), "bytes": sum(e["size"] for e in files)},
    }
    with open(os.path.join(args.out, pkg.MANIFEST), "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=2, sort_keys=True)
        handle.write("\n")

    if not args.dry_run:
        with open(os.path.join(args.repo, "exports", "export-log.jsonl"), "a", encoding="utf-8") as log:
            log.write(json.dumps({"at": manifest["created_at"], "kind": "state-migration", "files": len(files)}) + "\n")

    folders = sum(1 for e in entries if e["type"] == "dir")
    links = sum(1 for e in entries if e["type"] == "symlink")
    note = "dry-run: repository untouched" if args.dry_run else "recorded in exports/export-log.jsonl"
    print(
        f"exported {pkg.plural(len(files), 'file')} ({manifest['stats']['bytes']} bytes), "
        f"{pkg.plural(folders, 'folder')}, {pkg.plural(links, 'symlink')} from state/ ({note})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
