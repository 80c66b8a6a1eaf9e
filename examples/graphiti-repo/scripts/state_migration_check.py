#!/usr/bin/env python3
"""Checks a migration package before it is imported (runbook step 1).

    python3 scripts/state_migration_check.py --package /tmp/graphiti-state-export-clean --dry-run

Verifies the manifest's schema, every file's size and SHA-256, folders and symlinks, that
the package holds nothing the manifest does not list, and the graph records themselves:
each JSONL line a record with the fields state/schema.json requires, entity ids unique, and
every edge's source and target an entity of its graph. Exits 1 listing the problems.
Without --dry-run a passing package is stamped CHECKED; with --dry-run nothing is written.
"""

import argparse
import os
import sys

# A dry-run writes nothing into the repository, not even a __pycache__ beside this script.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import state_package as pkg  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", required=True, help="package folder written by the export")
    parser.add_argument("--dry-run", action="store_true", help="write nothing, not even the CHECKED stamp")
    args = parser.parse_args()

    manifest, problems = pkg.load_manifest(args.package)
    counts = {}
    if manifest is not None:
        problems += pkg.verify_tree(args.package, manifest)
        record_problems, counts = pkg.validate_records(args.package, manifest)
        problems += record_problems
    if problems:
        for problem in problems:
            print(f"problem: {problem}", file=sys.stderr)
        # The last line says it all: the lane shows it as the step's detail.
        print(f"check failed: {len(problems)} problem(s), first: {problems[0]}", file=sys.stderr)
        return 1

    files = sum(1 for e in manifest["entries"] if e["type"] == "file")
    if not args.dry_run:
        with open(os.path.join(args.package, "CHECKED"), "w", encoding="utf-8") as stamp:
            stamp.write(pkg.now() + "\n")
    print(
        f"package ok: {files} files verified by sha256, {counts['entities']} entities, "
        f"{counts['edges']} edges, {counts['episodes']} episodes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
