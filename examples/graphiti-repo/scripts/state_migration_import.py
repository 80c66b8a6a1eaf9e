#!/usr/bin/env python3
"""Imports a migration package into the repository's state/ (runbook step 1: as a dry-run).

    python3 scripts/state_migration_import.py --dry-run --allow-overwrite --in /tmp/graphiti-state-export-clean

Verifies the package as the check does, then compares it with state/ and prints the plan:
what would be added, updated (content, mode or link target) and removed. Updating or
removing needs --allow-overwrite. With --dry-run nothing is written; without it the plan is
applied to state/.
"""

import argparse
import os
import shutil
import sys

# A dry-run writes nothing into the repository, not even a __pycache__ beside this script.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import state_package as pkg  # noqa: E402


def plan(package_entries, repo_entries):
    want = {e["path"]: e for e in package_entries}
    have = {e["path"]: e for e in repo_entries}
    add = [p for p in want if p not in have]
    update = [p for p in want if p in have and want[p] != have[p]]
    remove = sorted((p for p in have if p not in want), reverse=True)
    same = [p for p in want if p in have and want[p] == have[p]]
    return add, update, remove, same


def apply(args, manifest, add, update, remove):
    for path_ in remove:
        full = os.path.join(args.repo, path_)
        if os.path.isdir(full) and not os.path.islink(full):
            shutil.rmtree(full)
        elif os.path.lexists(full):
            os.remove(full)
    by_path = {e["path"]: e for e in manifest["entries"]}
    for path_ in [p for p in by_path if p in add or p in update]:
        entry = by_path[path_]
        source = os.path.join(args.package, path_)
        target = os.path.join(args.repo, path_)
        if os.path.lexists(target) and (entry["type"] != "dir" or not os.path.isdir(target)):
            os.remove(target)
        if entry["type"] == "dir":
            os.makedirs(target, exist_ok=True)
            os.chmod(target, int(entry["mode"], 8))
        elif entry["type"] == "symlink":
            os.symlink(entry["target"], target)
        else:
            shutil.copyfile(source, target)
            os.chmod(target, int(entry["mode"], 8))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--in", dest="package", required=True, help="package folder written by the export")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    parser.add_argument("--allow-overwrite", action="store_true", help="allow updating and removing entries")
    parser.add_argument("--repo", default=".", help="repository root (default: the current folder)")
    args = parser.parse_args()

    manifest, problems = pkg.load_manifest(args.package)
    if manifest is not None:
        problems += pkg.verify_tree(args.package, manifest)
    if problems:
        for problem in problems:
            print(f"problem: {problem}", file=sys.stderr)
        print(f"import refused: the package fails verification ({problems[0]})", file=sys.stderr)
        return 1

    state = os.path.join(args.repo, pkg.STATE)
    repo_entries = pkg.walk(state) if os.path.isdir(state) else []
    add, update, remove, same = plan(manifest["entries"], repo_entries)
    for label, paths in (("add", add), ("update", update), ("remove", remove)):
        for path_ in paths:
            print(f"would {label}: {path_}")
    if (update or remove) and not args.allow_overwrite:
        print(
            f"import refused: it would overwrite {len(update)} and remove {len(remove)} entries; "
            "pass --allow-overwrite",
            file=sys.stderr,
        )
        return 1
    if not args.dry_run:
        os.makedirs(state, exist_ok=True)
        apply(args, manifest, add, update, remove)
    verb = "applied" if not args.dry_run else "dry-run, nothing written"
    print(f"import plan: add {len(add)}, update {len(update)}, remove {len(remove)}, unchanged {len(same)} ({verb})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
