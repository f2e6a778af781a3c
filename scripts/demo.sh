#!/usr/bin/env bash
# The README's main command: offline, on a fresh clone, sync the bundled
# BuckOS overlay into this workspace's category cells, write its Portage
# metadata cache, and check the workspace against the Buck2 model.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v go >/dev/null 2>&1 || { echo "go 1.26 or newer is required on PATH" >&2; exit 1; }

go mod download
mkdir -p bin
go build -o bin/ebuild2buck ./cmd/ebuild2buck

echo "== metadata: overlays/buckos -> .ebuild2buck/md5-cache"
bin/ebuild2buck metadata overlays/buckos --no-masters --out .ebuild2buck/md5-cache

echo "== sync: overlays/repos.conf -> packages/linux/"
bin/ebuild2buck sync --workspace .

echo "== check: every BUCK and .bzl file against the Buck2 model"
bin/ebuild2buck check .
