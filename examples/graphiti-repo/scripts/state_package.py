"""The state-migration package shared by the export, check and import scripts.

A package is a folder holding a copy of the repository's ``state/`` tree and
``package-manifest.json``, which lists every entry of that tree (file, folder or
symlink) with its mode, and for files their size and SHA-256. Plain stdlib.
"""

import hashlib
import json
import os
import re
import stat
from datetime import datetime, timezone

MANIFEST = "package-manifest.json"
FORMAT = "graphiti-state-package"
VERSION = 1
STATE = "state"
HEX64 = re.compile(r"^[0-9a-f]{64}$")
# What each kind of record must carry; the repository's state/schema.json may say more.
DEFAULT_REQUIRED = {
    "entities": ["id", "type", "name"],
    "edges": ["source", "relation", "target"],
    "episodes": ["id", "ts", "text"],
}


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def walk(root, prefix=STATE):
    """Every entry under root, sorted, as manifest entries; symlinks are recorded, never followed."""
    entries = []

    def visit(folder, rel):
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            rel_path = f"{rel}/{name}"
            info = os.lstat(path)
            mode = f"{stat.S_IMODE(info.st_mode):04o}"
            if stat.S_ISLNK(info.st_mode):
                entries.append({"path": rel_path, "type": "symlink", "target": os.readlink(path)})
            elif stat.S_ISDIR(info.st_mode):
                entries.append({"path": rel_path, "type": "dir", "mode": mode})
                visit(path, rel_path)
            elif stat.S_ISREG(info.st_mode):
                entries.append(
                    {"path": rel_path, "type": "file", "mode": mode, "size": info.st_size, "sha256": sha256_of(path)}
                )
            else:
                raise SystemExit(f"error: {rel_path} is neither a file, a folder nor a symlink")

    visit(root, prefix)
    return entries


def link_stays_inside(entry_path, target):
    """A symlink may point only inside state/: anything else would leak on restore."""
    if os.path.isabs(target):
        return False
    resolved = os.path.normpath(os.path.join(os.path.dirname(entry_path), target))
    return resolved == STATE or resolved.startswith(STATE + "/")


def plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


def now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def load_manifest(package):
    """The manifest of a package, or a list of problems when it is missing or malformed."""
    path = os.path.join(package, MANIFEST)
    try:
        with open(path, encoding="utf-8") as handle:
            manifest = json.load(handle)
    except FileNotFoundError:
        return None, [f"{MANIFEST} is missing: is {package} a package written by state_migration_export.py?"]
    except json.JSONDecodeError as error:
        return None, [f"{MANIFEST} is not JSON: {error}"]
    problems = []
    if not isinstance(manifest, dict):
        return None, [f"{MANIFEST} is not a JSON object"]
    if manifest.get("format") != FORMAT:
        problems.append(f"{MANIFEST}: format is {manifest.get('format')!r}, expected {FORMAT!r}")
    if manifest.get("version") != VERSION:
        problems.append(f"{MANIFEST}: version is {manifest.get('version')!r}, expected {VERSION}")
    entries = manifest.get("entries")
    if not isinstance(entries, list):
        return None, problems + [f"{MANIFEST}: entries must be a list"]
    seen = set()
    for i, entry in enumerate(entries):
        where = f"{MANIFEST}: entries[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"{where} is not an object")
            continue
        path_ = entry.get("path")
        if not isinstance(path_, str) or not path_.startswith(STATE + "/") or ".." in path_.split("/"):
            problems.append(f"{where}: path {path_!r} must be a relative path under {STATE}/ without '..'")
            continue
        if path_ in seen:
            problems.append(f"{where}: {path_} is listed twice")
        seen.add(path_)
        kind = entry.get("type")
        if kind == "file":
            if not isinstance(entry.get("size"), int) or entry["size"] < 0:
                problems.append(f"{where}: {path_} has no valid size")
            if not isinstance(entry.get("sha256"), str) or not HEX64.match(entry["sha256"]):
                problems.append(f"{where}: {path_} has no valid sha256")
        elif kind == "symlink":
            if not isinstance(entry.get("target"), str) or not link_stays_inside(path_, entry["target"]):
                problems.append(f"{where}: symlink {path_} must point inside {STATE}/")
        elif kind != "dir":
            problems.append(f"{where}: {path_} has unknown type {kind!r}")
    return (manifest if not problems else None), problems


def verify_tree(package, manifest):
    """Problems between the package's state/ tree and its manifest: hashes, sizes, links, extras."""
    problems = []
    listed = {entry["path"]: entry for entry in manifest["entries"]}
    root = os.path.join(package, STATE)
    if not os.path.isdir(root):
        return [f"{STATE}/ is missing from the package"]
    actual = {entry["path"]: entry for entry in walk(root)}
    for path_, want in listed.items():
        have = actual.get(path_)
        if have is None:
            problems.append(f"{path_}: listed in the manifest but missing from the package")
        elif have["type"] != want["type"]:
            problems.append(f"{path_}: is a {have['type']}, the manifest says {want['type']}")
        elif want["type"] == "file":
            if have["size"] != want["size"]:
                problems.append(f"{path_}: size {have['size']} bytes, the manifest says {want['size']}")
            if have["sha256"] != want["sha256"]:
                problems.append(f"{path_}: sha256 mismatch")
        elif want["type"] == "symlink" and have["target"] != want["target"]:
            problems.append(f"{path_}: points to {have['target']}, the manifest says {want['target']}")
    for path_ in sorted(set(actual) - set(listed)):
        problems.append(f"{path_}: in the package but not in the manifest")
    return problems


def required_fields(package):
    schema_path = os.path.join(package, STATE, "schema.json")
    required = dict(DEFAULT_REQUIRED)
    if os.path.isfile(schema_path):
        with open(schema_path, encoding="utf-8") as handle:
            for kind, rule in json.load(handle).items():
                required[kind] = list(rule.get("required", []))
    return required


def validate_records(package, manifest):
    """Schema and referential checks of the graph records; returns (problems, counts)."""
    problems = []
    counts = {"entities": 0, "edges": 0, "episodes": 0, "json": 0}
    required = required_fields(package)
    graphs = {}
    for entry in manifest["entries"]:
        if entry["type"] != "file":
            continue
        path_ = entry["path"]
        full = os.path.join(package, path_)
        if path_.endswith(".json"):
            try:
                with open(full, encoding="utf-8") as handle:
                    json.load(handle)
                counts["json"] += 1
            except (OSError, ValueError) as error:
                problems.append(f"{path_}: not valid JSON ({error})")
            continue
        if not path_.endswith(".jsonl"):
            continue
        name = os.path.basename(path_)
        kind = "entities" if name == "entities.jsonl" else "edges" if name == "edges.jsonl" else "episodes"
        graph = graphs.setdefault(os.path.dirname(path_).split("/episodes")[0], {"ids": set(), "edges": []})
        try:
            with open(full, encoding="utf-8") as handle:
                lines = handle.read().splitlines()
        except (OSError, UnicodeDecodeError) as error:
            problems.append(f"{path_}: unreadable ({error})")
            continue
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                problems.append(f"{path_}:{number}: not a JSON record")
                continue
            if not isinstance(record, dict):
                problems.append(f"{path_}:{number}: {kind} record is not a JSON object")
                continue
            missing = [field for field in required.get(kind, []) if field not in record]
            if missing:
                problems.append(f"{path_}:{number}: {kind} record lacks {', '.join(missing)}")
                continue
            counts[kind] += 1
            if kind == "entities":
                if record["id"] in graph["ids"]:
                    problems.append(f"{path_}:{number}: duplicate entity id {record['id']}")
                graph["ids"].add(record["id"])
            elif kind == "edges":
                graph["edges"].append((path_, number, record))
    for graph in graphs.values():
        for path_, number, edge in graph["edges"]:
            for end in ("source", "target"):
                if edge[end] not in graph["ids"]:
                    problems.append(f"{path_}:{number}: {end} {edge[end]} is not an entity of this graph")
    return problems, counts
