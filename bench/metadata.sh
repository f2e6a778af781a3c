#!/usr/bin/env bash
# Benchmark of `ebuild2buck metadata` on the corpus gentoo tree, at --jobs 1
# and --jobs 2: wall time, CPU time and peak RSS from /usr/bin/time -v, plus
# the machine it ran on. Prints a Markdown block for docs/BENCHMARKS.md.
#
# Usage: BUCKOS_SHARED=/path/to/shared [BENCH_REV=HEAD] [BENCH_REPEAT=1] bench/metadata.sh [JOBS...]
# With BENCH_REV, the binary is built from that commit (git archive), not
# from the working tree, so the numbers belong to exactly that commit.
# BENCH_REPEAT runs each job count that many times, each into a directory
# of its own; all are removed only at the end. (ext4 skips inodes freed in
# the last half minute when it allocates new ones: writing 1761 entries
# right after deleting a previous run's costs up to a second of system
# time. Leave 40 s between invocations.)
# Portage reference on this machine kind (egencache, same tree):
# 6 min 08 s at --jobs=1, 3 min 14 s at --jobs=2.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${BUCKOS_SHARED:?set BUCKOS_SHARED to the shared/ directory holding corpus/}"
tree="$BUCKOS_SHARED/corpus/gentoo"
[ -d "$tree/metadata" ] || { echo "corpus tree missing: $tree" >&2; exit 1; }
jobs_list=("$@")
[ ${#jobs_list[@]} -gt 0 ] || jobs_list=(1 2)

if [ ! -x /usr/bin/time ]; then
	echo "installing GNU time" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -n "${BENCH_REV:-}" ]; then
	commit="$(git rev-parse --short "$BENCH_REV")"
	mkdir "$work/src"
	git archive "$BENCH_REV" | tar -x -C "$work/src"
	(cd "$work/src" && go build -o "$work/ebuild2buck" ./cmd/ebuild2buck)
else
	commit="$(git describe --always --dirty 2>/dev/null || echo unknown)"
	go build -o "$work/ebuild2buck" ./cmd/ebuild2buck
fi
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
mem="$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"

echo "### \`ebuild2buck metadata\` on corpus/gentoo ($(date -u +%Y-%m-%d), commit $commit)"
echo
echo "Machine: $(nproc) CPUs ($cpu), $mem RAM, $(go version | cut -d' ' -f3)."
echo
echo "| jobs | wall | user | sys | peak RSS | ebuilds | written | failed | load before |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
runs=()
for j in "${jobs_list[@]}"; do
	for r in $(seq "${BENCH_REPEAT:-1}"); do
		runs+=("$j")
	done
done
k=0
for j in "${runs[@]}"; do
	k=$((k + 1))
	out="$work/out-$k"
	# The 1-minute load average: other work on the machine inflates wall time.
	load="$(cut -d' ' -f1 /proc/loadavg)"
	/usr/bin/time -v -o "$work/time-$k" "$work/ebuild2buck" metadata "$tree" --out "$out" --jobs "$j" \
		>"$work/stdout-$k" 2>"$work/stderr-$k"
	wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time-$k")"
	user="$(sed -n 's/.*User time (seconds): //p' "$work/time-$k")"
	sys="$(sed -n 's/.*System time (seconds): //p' "$work/time-$k")"
	rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time-$k")"
	# Summary line: "metadata: N ebuilds, W written, F failed, B bad names, T"
	read -r _ n _ w _ f _ _ < <(tr -d ',' <"$work/stdout-$k")
	printf '| %s | %s | %ss | %ss | %d MiB | %s | %s | %s | %s |\n' "$j" "$wall" "$user" "$sys" "$((rss / 1024))" "$n" "$w" "$f" "$load"
done
echo
echo "Command: \`ebuild2buck metadata \$BUCKOS_SHARED/corpus/gentoo --out DIR --jobs N\` (bench/metadata.sh)."
