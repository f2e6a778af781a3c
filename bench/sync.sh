#!/usr/bin/env bash
# Benchmark of `ebuild2buck sync` on the corpus gentoo tree: a full sync into
# a fresh workspace, then a no-op re-sync of the same workspace, then a
# re-sync after touching one ebuild. Prints a Markdown block for
# docs/BENCHMARKS.md (wall time, CPU time, peak RSS, the command's counts,
# and the load average before each run).
#
# Usage: BUCKOS_SHARED=/path/to/shared bench/sync.sh [JOBS]
set -euo pipefail
cd "$(dirname "$0")/.."

: "${BUCKOS_SHARED:?set BUCKOS_SHARED to the shared/ directory holding corpus/}"
tree="$BUCKOS_SHARED/corpus/gentoo"
[ -d "$tree/metadata" ] || { echo "corpus tree missing: $tree" >&2; exit 1; }
jobs="${1:-$(nproc)}"

if [ ! -x /usr/bin/time ]; then
	echo "installing GNU time" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
go build -o "$work/ebuild2buck" ./cmd/ebuild2buck

# The workspace skeleton: what a fresh clone has, without generated packages.
ws="$work/ws"
mkdir -p "$ws"
cp -r .buckconfig defs platforms toolchains config "$ws/"
mkdir -p "$ws/packages/linux"
cp packages/BUCK packages/registry_data.bzl "$ws/packages/"
for cell in packages/linux/*/; do
	mkdir -p "$ws/$cell" && cp "$cell/BUCK" "$ws/$cell/" 2>/dev/null || true
done

# A writable copy of the tree, so that one ebuild can be touched.
cp -r "$tree" "$work/gentoo"

commit="$(git describe --always --dirty 2>/dev/null || echo unknown)"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
mem="$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"

echo "### \`ebuild2buck sync\` on corpus/gentoo ($(date -u +%Y-%m-%d), commit $commit, --jobs $jobs)"
echo
echo "Machine: $(nproc) CPUs ($cpu), $mem RAM, $(go version | cut -d' ' -f3)."
echo
echo "| run | wall | user | sys | peak RSS | evaluated | regenerated | written | removed | load before |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
run() {
	local name="$1"
	local load
	load="$(cut -d' ' -f1 /proc/loadavg)"
	/usr/bin/time -v -o "$work/time" "$work/ebuild2buck" sync --repo "$work/gentoo" --workspace "$ws" --jobs "$jobs" \
		>"$work/out" 2>"$work/err"
	local wall user sys rss counts
	wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time")"
	user="$(awk -F': ' '/User time/ {print $2}' "$work/time")"
	sys="$(awk -F': ' '/System time/ {print $2}' "$work/time")"
	rss="$(awk -F': ' '/Maximum resident/ {printf "%.0f MiB", $2/1024}' "$work/time")"
	# "evaluated E of N ebuilds, regenerated G of P packages, wrote W files, removed R, in T"
	counts="$(grep '^evaluated ' "$work/out" | sed -E 's/^evaluated ([0-9]+) of [0-9]+ ebuilds, regenerated ([0-9]+) of [0-9]+ packages, wrote ([0-9]+) files, removed ([0-9]+).*/\1 | \2 | \3 | \4/')"
	echo "| $name | $wall | ${user}s | ${sys}s | $rss | $counts | $load |"
}
run "full sync (fresh workspace)"
run "no-op re-sync"
run "no-op re-sync (again)"
echo '# touched' >>"$work/gentoo/sys-libs/zlib/zlib-1.3.2-r1.ebuild" 2>/dev/null ||
	echo '# touched' >>"$(ls "$work"/gentoo/sys-libs/zlib/*.ebuild | head -1)"
run "one ebuild changed"
echo
grep '^[0-9]* packages:' "$work/out" | sed 's/^/Summary: /'
