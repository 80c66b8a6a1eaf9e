#!/bin/sh
# Rebuilds the search index of graph-v2. Kept executable: the snapshot must keep its mode.
set -eu
echo "reindex: would rebuild the search index from $(dirname "$0")/../entities.jsonl"
